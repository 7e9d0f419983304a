// views/buttons.js — the family's quick-log buttons (GET/PUT /config): rename,
// reorder and remove buttons, and add one with a preset (a bottle amount, a
// side, a medicine's name and dose). Caregivers and owners; saved with the
// config version, so two people editing at once cannot silently overwrite.
import { t, has } from '../i18n.js';
import { h, fill, field, icon, toast, latest } from '../ui.js';
import { state, canWrite } from '../state.js';
import { get, put, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { TYPES, TYPE_NAMES, cleanValue } from '../entries.js';
import { buttonLabel, typeIcon, typeName } from '../describe.js';

const CATEGORY = { feed: 'feed', diaper: 'diaper', sleep: 'sleep', pump: 'care', tummy_time: 'care', note: 'care' };
const categoryOf = (type) => CATEGORY[type] || 'health';

export function render(main) {
  const box = h('div', { class: 'stack' });
  main.append(h('div', { class: 'row' }, h('a', { class: 'icon-btn', href: '#/settings', 'aria-label': t('back') }, icon('back')), h('h1', {}, t('quick_buttons'))), box);
  const fid = state.family.id;
  let config = null;

  async function save(groups) {
    try {
      config = await put(familyPath(fid, '/config'), { version: config.version, groups });
      state.config = config;
      await store.setMeta(`config:${fid}`, config);
      toast(t('saved'));
    } catch (e) {
      toast(e instanceof ApiError && e.status === 409 ? t('buttons_conflict') : e instanceof ApiError ? (Object.values(e.fields)[0] || e.message) : String(e));
      config = null;
    }
    draw();
  }

  function edit(fn) {
    const groups = JSON.parse(JSON.stringify(config.groups));
    fn(groups);
    save(groups.filter((g) => g.buttons.length));
  }

  const draw = latest(async () => {
    if (!config) {
      try { config = await get(familyPath(fid, '/config')); } catch (e) { fill(box, h('p', { class: 'error' }, t('err.offline'))); return; }
    }
    const groups = config.groups || [];
    fill(box,
      h('p', { class: 'muted' }, t('buttons_help')),
      groups.map((g, gi) => h('section', { class: 'card' },
        h('h2', {}, has(`cat.${g.category}`) ? t(`cat.${g.category}`) : has(`type.${g.category}`) ? t(`type.${g.category}`) : g.category),
        h('ul', { class: 'list buttons' }, g.buttons.map((b, bi) => {
          const name = h('input', { type: 'text', value: b.label || '', placeholder: buttonLabel({ ...b, label: undefined }), maxlength: 40, 'aria-label': `${t('button_label')} ${buttonLabel(b)}` });
          return h('li', {},
            h('span', { class: 'emoji', 'aria-hidden': 'true' }, typeIcon(b.type)),
            h('span', { class: 'grow' }, name),
            h('button', { class: 'btn', type: 'button', 'aria-label': `${t('rename')} ${buttonLabel(b)}`, onclick: () => edit((gs) => {
              const v = name.value.trim();
              if (v) gs[gi].buttons[bi].label = v; else delete gs[gi].buttons[bi].label;
            }) }, t('rename')),
            h('button', { class: 'icon-btn', type: 'button', disabled: bi === 0, 'aria-label': `${t('move_up')} ${buttonLabel(b)}`, onclick: () => edit((gs) => {
              const list = gs[gi].buttons;
              [list[bi - 1], list[bi]] = [list[bi], list[bi - 1]];
            }) }, '↑'),
            h('button', { class: 'icon-btn', type: 'button', 'aria-label': `${t('delete')} ${buttonLabel(b)}`, onclick: () => edit((gs) => { gs[gi].buttons.splice(bi, 1); }) }, icon('trash')));
        })))),
      addForm());
  });

  function addForm() {
    const type = h('select', {}, TYPE_NAMES.map((ty) => h('option', { value: ty }, typeName(ty))));
    const labelIn = h('input', { type: 'text', maxlength: 40 });
    const preset = {};
    const presetBox = h('div');
    const timing = h('input', { type: 'checkbox' });
    const timingRow = h('label', { class: 'check' }, timing, t('button_timer'));
    function refresh() {
      for (const k of Object.keys(preset)) delete preset[k];
      const def = TYPES[type.value];
      const fields = def.fields.filter((f) => (f.kind === 'select' || f.kind === 'bool' || f.key === 'name' || f.key === 'dose' || f.key === 'amount_ml'));
      fill(presetBox, fields.map((f) => {
        if (f.kind === 'bool') {
          const cb = h('input', { type: 'checkbox', onchange: (ev) => { preset[f.key] = ev.target.checked; } });
          return h('label', { class: 'check' }, cb, t(`field.${f.key}`));
        }
        if (f.kind === 'select') {
          return field(t(`field.${f.key}`), h('select', { onchange: (ev) => { preset[f.key] = ev.target.value; timingRow.hidden = !def.timer(preset); } },
            ['', ...f.options.filter(Boolean)].map((o) => h('option', { value: o }, o ? t(`opt.${f.key}.${o}`) : '—'))));
        }
        return field(f.unit ? `${t(`field.${f.key}`)} (${f.unit})` : t(`field.${f.key}`), h('input', { type: f.kind === 'number' ? 'number' : 'text', step: 'any', oninput: (ev) => { preset[f.key] = ev.target.value; } }));
      }));
      timingRow.hidden = !def.timer({ method: 'breast_left', ...preset });
    }
    type.addEventListener('change', refresh);
    refresh();
    return h('form', { class: 'card', onsubmit: (ev) => {
      ev.preventDefault();
      const ty = type.value;
      const value = cleanValue(ty, Object.fromEntries(Object.entries(preset).filter(([, v]) => v !== '' && v !== undefined)));
      if (ty === 'diaper' && !value.wet && !value.dirty) value.wet = true;
      const button = { type: ty, value, timing: !timingRow.hidden && timing.checked && TYPES[ty].timer(value) };
      if (labelIn.value.trim()) button.label = labelIn.value.trim();
      const cat = categoryOf(ty);
      edit((gs) => {
        let g = gs.find((x) => x.category === cat);
        if (!g) { g = { category: cat, stateful: cat === 'sleep', buttons: [] }; gs.push(g); }
        g.buttons.push(button);
      });
    } }, h('h2', {}, t('add_button')), field(t('type'), type), presetBox, timingRow, field(t('button_label'), labelIn),
    h('button', { class: 'btn primary block', type: 'submit' }, icon('plus'), t('add_button')));
  }

  if (canWrite()) draw();
  else fill(box, h('p', { class: 'muted' }, t('viewer_readonly')));
}

// views/buttons.js — the family's quick-log buttons (GET/PUT /config): rename,
// reorder and remove buttons, and add one with a preset (a bottle amount, a
// side, a medicine's name and dose). Caregivers and owners; saved with the
// config version, so two people editing at once cannot silently overwrite.
import { t, has, inputUnit, fromInput } from '../i18n.js';
import { html, nothing, paint, keyed, live, field, icon, toast, latest, backTo } from '../ui.js';
import { state, canWrite } from '../state.js';
import { get, put, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { TYPES, TYPE_NAMES, cleanValue } from '../entries.js';
import { buttonLabel, typeIcon, typeName } from '../describe.js';

const CATEGORY = { feed: 'feed', diaper: 'diaper', sleep: 'sleep', pump: 'care', tummy_time: 'care', note: 'care' };
const categoryOf = (type) => CATEGORY[type] || 'health';
const groupName = (c) => (has(`cat.${c}`) ? t(`cat.${c}`) : has(`type.${c}`) ? t(`type.${c}`) : c);
// The preset fields a button can carry: choices, yes/no, a name, a dose, an amount.
const presetFields = (type) =>
  TYPES[type].fields.filter(
    (f) => f.kind === 'select' || f.kind === 'bool' || ['name', 'dose', 'amount_ml'].includes(f.key),
  );

export function mount(root) {
  const fid = state.family.id;
  let config = null;
  let failed = false;
  const fresh = () => ({ type: TYPE_NAMES[0], preset: {}, timing: false });
  let add = fresh();

  async function save(groups) {
    try {
      config = await put(familyPath(fid, '/config'), { version: config.version, groups });
      state.config = config;
      await store.setMeta(`config:${fid}`, config);
      toast(t('saved'));
    } catch (e) {
      toast(
        e instanceof ApiError && e.status === 409
          ? t('buttons_conflict')
          : e instanceof ApiError
            ? Object.values(e.fields)[0] || e.message
            : String(e),
      );
      config = null;
    }
    draw();
  }

  // Change a copy of the groups and save it (empty groups go).
  function edit(fn) {
    const groups = structuredClone(config.groups);
    fn(groups);
    save(groups.filter((g) => g.buttons.length));
  }

  const rename = (gi, bi, ev) =>
    edit((gs) => {
      const v = ev.target.closest('li').querySelector('input').value.trim();
      if (v) gs[gi].buttons[bi].label = v;
      else delete gs[gi].buttons[bi].label;
    });
  const moveUp = (gi, bi) =>
    edit((gs) => {
      const list = gs[gi].buttons;
      [list[bi - 1], list[bi]] = [list[bi], list[bi - 1]];
    });
  const remove = (gi, bi) =>
    edit((gs) => {
      gs[gi].buttons.splice(bi, 1);
    });

  // Shown for timer types whose preset makes a timer (a breast feed, not a bottle).
  const timerShown = () => TYPES[add.type].timer({ method: 'breast_left', ...add.preset });
  const setPreset = (key, value) => {
    add.preset[key] = value;
    show();
  };

  function addButton(ev) {
    ev.preventDefault();
    const ty = add.type;
    const value = cleanValue(
      ty,
      Object.fromEntries(Object.entries(add.preset).filter(([, v]) => v !== '' && v !== undefined)),
    );
    if (ty === 'diaper' && !value.wet && !value.dirty) value.wet = true;
    const button = { type: ty, value, timing: timerShown() && add.timing && TYPES[ty].timer(value) };
    const label = new FormData(ev.target).get('label').trim();
    if (label) button.label = label;
    const cat = categoryOf(ty);
    ev.target.reset();
    add = fresh();
    edit((gs) => {
      let g = gs.find((x) => x.category === cat);
      if (!g) {
        g = { category: cat, stateful: cat === 'sleep', buttons: [] };
        gs.push(g);
      }
      g.buttons.push(button);
    });
  }

  const presetField = (f) => {
    const id = `btn-${f.key}`;
    const name = t(`field.${f.key}`);
    if (f.kind === 'bool') {
      return html`<label class="check"><input type="checkbox" @change=${(ev) => setPreset(f.key, ev.target.checked)}>${name}</label>`;
    }
    if (f.kind === 'select') {
      return field(
        name,
        id,
        html`<select id=${id} @change=${(ev) => setPreset(f.key, ev.target.value)}>${[
          '',
          ...f.options.filter(Boolean),
        ].map((o) => html`<option value=${o}>${o ? t(`opt.${f.key}.${o}`) : '—'}</option>`)}</select>`,
      );
    }
    // Amounts in the person's units, as the entry form takes them.
    const unit = f.unit ? inputUnit(f.unit, state.prefs.units) : '';
    return field(
      unit ? `${name} (${unit})` : name,
      id,
      html`<input id=${id} type=${f.kind === 'number' ? 'number' : 'text'} step="any" @input=${(ev) => {
        add.preset[f.key] = f.unit ? fromInput(ev.target.value, f.unit, state.prefs.units) : ev.target.value;
      }}>`,
    );
  };

  const addForm = () => html`<form class="card" @submit=${addButton}>
    <h2>${t('add_button')}</h2>
    ${field(
      t('type'),
      'btn-type',
      html`<select id="btn-type" @change=${(ev) => {
        add = { ...fresh(), type: ev.target.value };
        show();
      }}>${TYPE_NAMES.map(
        (ty) => html`<option value=${ty} ?selected=${ty === add.type}>${typeName(ty)}</option>`,
      )}</select>`,
    )}
    <div>${keyed(add.type, presetFields(add.type).map(presetField))}</div>
    <label class="check" ?hidden=${!timerShown()}><input type="checkbox" .checked=${live(add.timing)} @change=${(
      ev,
    ) => {
      add.timing = ev.target.checked;
    }}>${t('button_timer')}</label>
    ${field(t('button_label'), 'btn-label', html`<input id="btn-label" name="label" type="text" maxlength="40">`)}
    <button class="btn primary block" type="submit">${icon('plus')}${t('add_button')}</button>
  </form>`;

  const buttonRow = (b, gi, bi) => {
    const name = buttonLabel(b);
    return html`<li>
      <span class="emoji" aria-hidden="true">${typeIcon(b.type)}</span>
      <span class="grow"><input type="text" .value=${live(b.label || '')} placeholder=${buttonLabel({ ...b, label: undefined })} maxlength="40" aria-label="${t('button_label')} ${name}"></span>
      <button class="btn" type="button" aria-label="${t('rename')} ${name}" @click=${(ev) => rename(gi, bi, ev)}>${t('rename')}</button>
      <button class="icon-btn" type="button" ?disabled=${bi === 0} aria-label="${t('move_up')} ${name}" @click=${() => moveUp(gi, bi)}>↑</button>
      <button class="icon-btn" type="button" aria-label="${t('delete')} ${name}" @click=${() => remove(gi, bi)}>${icon('trash')}</button>
    </li>`;
  };

  const body = () => {
    if (!canWrite()) return html`<p class="muted">${t('viewer_readonly')}</p>`;
    if (failed) return html`<p class="error">${t('err.offline')}</p>`;
    if (!config) return nothing;
    return html`<p class="muted">${t('buttons_help')}</p>
      ${(config.groups || []).map(
        (g, gi) => html`<section class="card"><h2>${groupName(g.category)}</h2>
        <ul class="list buttons">${g.buttons.map((b, bi) => buttonRow(b, gi, bi))}</ul></section>`,
      )}
      ${addForm()}`;
  };
  const show = () => paint(html`${backTo('#/settings', t('quick_buttons'))}<div class="stack">${body()}</div>`, root);

  const draw = latest(async () => {
    if (!config) {
      try {
        config = await get(familyPath(fid, '/config'));
        failed = false;
      } catch {
        failed = true;
      }
    }
    show();
  });

  show();
  if (canWrite()) draw();
}

// views/form.js — the full form for any entry type, as a bottom sheet: new
// entries get sensible defaults (now, the last bottle amount, the last side
// used), timer types get an end time or "still running", numbers show in
// the person's units and are stored metric. Viewers see it read-only.
import { t, inputUnit, toInput, fromInput, fmtDateTime } from '../i18n.js';
import { h, fill, sheet, field } from '../ui.js';
import { TYPES, TYPE_NAMES, cleanValue, validate } from '../entries.js';
import { state, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { draft, save, remove } from '../actions.js';
import { typeIcon, typeName } from '../describe.js';

export function toLocalInput(ts) {
  const d = new Date(ts);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(s) { return s ? new Date(s).getTime() : null; }

// Defaults for a new entry from this person's recent log.
async function defaults(type) {
  const fid = state.family.id;
  const sid = state.subject && state.subject.id;
  const v = {};
  if (type === 'feed') {
    const last = await store.latestOfType(fid, 'feed', sid);
    v.method = (last && last.value.method) || 'breast_left';
    const bottles = await store.listEntries(fid, { types: ['feed'], subjectId: sid, limit: 30 });
    const lastBottle = bottles.find((e) => e.value.method === 'bottle' && e.value.amount_ml);
    v.amount_ml = lastBottle ? lastBottle.value.amount_ml : 120;
    v.milk = (lastBottle && lastBottle.value.milk) || 'formula';
  }
  if (type === 'diaper') { v.wet = true; v.dirty = false; }
  if (type === 'pump') {
    const last = await store.latestOfType(fid, 'pump', sid);
    v.side = (last && last.value.side) || 'both';
  }
  return v;
}

export async function lastBottleMl() {
  const bottles = await store.listEntries(state.family.id, { types: ['feed'], subjectId: state.subject && state.subject.id, limit: 30 });
  const b = bottles.find((e) => e.value.method === 'bottle' && e.value.amount_ml);
  return b ? b.value.amount_ml : 120;
}

// Pick a type, then its form.
export function openTypePicker() {
  const sh = sheet(t('log_what'), h('div', { class: 'types' }, TYPE_NAMES.map((type) => h('button', {
    class: `qbtn ${type}`, type: 'button', onclick: () => { sh.close(); openEntryForm({ type }); },
  }, h('span', { class: 'emoji', 'aria-hidden': 'true' }, typeIcon(type)), typeName(type)))));
}

export async function openEntryForm({ type, entry = null, preset = null }) {
  type = entry ? entry.type : type;
  if (!TYPES[type]) return;
  const writable = canWrite();
  const isNew = !entry;
  const value = entry ? { ...entry.value } : { ...(await defaults(type)), ...(preset || {}) };
  const def = TYPES[type];
  const units = state.prefs.units;
  const errors = {};

  const startIn = h('input', { type: 'datetime-local', value: toLocalInput(entry ? entry.ts : Date.now()), required: true, disabled: !writable });
  const endIn = h('input', { type: 'datetime-local', value: entry && entry.end_ts ? toLocalInput(entry.end_ts) : '', disabled: !writable });
  const runningBox = h('input', { type: 'checkbox', checked: isNew ? def.timer(value) && !preset?.stopped : entry.end_ts == null, disabled: !writable });
  const body = h('form', { class: 'sheet-body', novalidate: true });
  const fieldsBox = h('div');

  function input(f) {
    const id = `f-${type}-${f.key}`;
    const lab = t(`field.${f.key}`);
    const v = value[f.key];
    const set = (x) => { value[f.key] = x; };
    if (f.kind === 'bool') {
      const cb = h('input', { type: 'checkbox', id, checked: !!v, disabled: !writable, onchange: (ev) => { set(ev.target.checked); refresh(); } });
      return h('div', { class: 'field' }, h('label', { class: 'check', for: id }, cb, lab), errors[f.key] ? h('small', { class: 'error', role: 'alert' }, t(errors[f.key])) : null);
    }
    if (f.kind === 'select') {
      const sel = h('select', { id, disabled: !writable, onchange: (ev) => { set(ev.target.value); refresh(); } },
        f.options.map((o) => h('option', { value: o, selected: (v || '') === o }, o ? t(`opt.${f.key}.${o}`) : '—')));
      return field(lab, sel, { error: errors[f.key] ? t(errors[f.key]) : '' });
    }
    if (f.kind === 'scale') {
      return h('fieldset', { class: 'field' }, h('legend', { class: 'label' }, lab), h('div', { class: 'seg', role: 'group' },
        [1, 2, 3, 4, 5].map((n) => h('button', { type: 'button', 'aria-pressed': String(Number(v) === n), disabled: !writable, onclick: () => { set(n); refresh(); } }, String(n)))));
    }
    if (f.kind === 'number') {
      const unit = f.unit ? inputUnit(f.unit, units) : '';
      const inp = h('input', { id, type: 'number', inputmode: 'decimal', step: 'any', value: v === undefined ? '' : String(f.unit ? toInput(v, f.unit, units) : v), disabled: !writable,
        oninput: (ev) => set(ev.target.value === '' ? '' : (f.unit ? fromInput(ev.target.value, f.unit, units) : ev.target.value)) });
      const fl = field(unit ? `${lab} (${unit})` : lab, inp, { error: errors[f.key] ? t(errors[f.key]) : '' });
      if (unit) {
        const wrap = h('div', { class: 'with-unit' });
        fl.replaceChild(wrap, inp);
        wrap.append(inp, h('span', { 'aria-hidden': 'true' }, unit));
      }
      return fl;
    }
    const inp = h(f.long ? 'textarea' : 'input', { id, type: f.long ? null : 'text', value: v || '', disabled: !writable, oninput: (ev) => set(ev.target.value) });
    return field(lab, inp, { error: errors[f.key] ? t(errors[f.key]) : '' });
  }

  function refresh() {
    const focused = document.activeElement && document.activeElement.id;
    fill(fieldsBox, ...def.fields.filter((f) => !f.when || f.when(value)).map(input));
    const timer = def.timer(value);
    fill(timeBox, 
      field(timer ? t('started') : t('time'), startIn),
      timer ? h('label', { class: 'check' }, runningBox, t('still_running')) : null,
      timer && !runningBox.checked ? field(t('ended'), endIn) : null,
    );
    if (focused) { const el = document.getElementById(focused); if (el) el.focus(); }
  }
  runningBox.addEventListener('change', () => { if (!runningBox.checked && !endIn.value) endIn.value = toLocalInput(Date.now()); refresh(); });
  const timeBox = h('div');
  const errBox = h('p', { class: 'error', role: 'alert', hidden: true });

  const actions = h('div', { class: 'sheet-actions' });
  if (writable) {
    if (!isNew) actions.append(h('button', { type: 'button', class: 'btn danger', onclick: async () => { sh.close(); await remove(entry); } }, t('delete')));
    actions.append(h('button', { type: 'submit', class: 'btn primary' }, isNew ? t('save') : t('save_changes')));
  }
  fill(body, timeBox, fieldsBox, errBox,
    !isNew ? h('p', { class: 'muted' }, t('by_author', { name: entry.author_name || '—', when: fmtDateTime(entry.updated_at, tz()) })) : null,
    actions);
  body.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!writable) return;
    for (const k of Object.keys(errors)) delete errors[k];
    Object.assign(errors, validate(type, value));
    const ts = fromLocalInput(startIn.value);
    const timer = def.timer(value);
    const endTs = timer && !runningBox.checked ? fromLocalInput(endIn.value) : (timer ? null : (entry ? entry.end_ts ?? null : null));
    if (!ts) errors.ts = 'err.required';
    if (endTs !== null && ts && endTs < ts) errors.end = 'err.end_before_start';
    if (Object.keys(errors).length) {
      refresh();
      errBox.hidden = false;
      errBox.textContent = t(Object.values(errors)[0]);
      return;
    }
    const clean = cleanValue(type, value);
    const next = entry ? { ...entry, ts, end_ts: endTs, value: clean } : { ...draft(type, clean, { ts, end_ts: endTs }) };
    sh.close();
    await save(next, { undo: isNew });
  });
  const sh = sheet(`${typeIcon(type)} ${typeName(type)}`, body);
  refresh();
  const first = body.querySelector('select, input:not([type=datetime-local]), textarea');
  if (first && isNew) first.focus();
}

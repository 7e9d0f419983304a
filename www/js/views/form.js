// views/form.js — the full form for any entry type, as a bottom sheet: new
// entries get sensible defaults (now, the last bottle amount, the last side
// used), timer types get an end time or "still running", numbers show in
// the person's units and are stored metric. Viewers see it read-only.
import { t, inputUnit, toInput, fromInput, fmtInput, fmtDateTime, lbOz, gFromLbOz, unitsOf } from '../i18n.js';
import { html, nothing, repeat, sheet, field } from '../ui.js';
import { TYPES, cleanValue, validate, typesFor, kindOf, isSession } from '../entries.js';
import { state, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { draft, save, remove, newSession, settled, logFor, lastBottle } from '../actions.js';
import { typeIcon, typeName } from '../describe.js';

export function toLocalInput(ts) {
  const d = new Date(ts);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(s) {
  return s ? new Date(s).getTime() : null;
}

// Defaults for a new entry from this person's recent log.
async function defaults(type) {
  const fid = state.family.id;
  const sid = state.subject?.id;
  const v = {};
  if (type === 'feed') {
    const last = await store.latestOfType(fid, 'feed', sid);
    v.method = last?.value.method || 'breast_left';
    Object.assign(v, await lastBottle());
  }
  if (type === 'diaper') {
    v.wet = true;
    v.dirty = false;
  }
  if (type === 'pump') {
    const last = await store.latestOfType(fid, 'pump', sid);
    v.side = last?.value.side || 'both';
  }
  return v;
}

// The last bottle (actions.js) for the views that open forms.
export { lastBottle };

// Pick a type (those that suit the person shown), then its form.
export function openTypePicker() {
  const pick = (type) => {
    sh.close();
    openEntryForm({ type });
  };
  const sh = sheet(
    t('log_what'),
    html`<div class="types">${typesFor(kindOf(state.subject)).map((type) => html`<button class="qbtn ${type}" type="button" @click=${() => pick(type)}><span class="emoji" aria-hidden="true">${typeIcon(type)}</span>${typeName(type)}</button>`)}</div>`,
  );
}

export async function openEntryForm({ type, entry = null, preset = null }) {
  type = entry ? entry.type : type;
  if (!TYPES[type]) return;
  const writable = canWrite();
  const isNew = !entry;
  const value = entry ? { ...entry.value } : { ...(await defaults(type)), ...(preset || {}) };
  const def = TYPES[type];
  const units = state.prefs.units;
  let errors = {};
  let problem = ''; // the first error, said at the bottom
  let forWhom = state.subject?.id || ''; // a new entry's person, or 'all' (several people)
  let start = toLocalInput(entry ? entry.ts : Date.now());
  let end = entry?.end_ts ? toLocalInput(entry.end_ts) : '';
  let running = isNew ? def.timer(value) && !preset?.stopped : entry.end_ts == null;

  const set = (key, v, redraw = true) => {
    value[key] = v;
    if (redraw) sh.redraw();
  };
  const setRunning = (on) => {
    running = on;
    if (!on && !end) end = toLocalInput(Date.now());
    sh.redraw();
  };

  // A number's range in the unit the form shows it in ("from 0.3 kg to 300 kg").
  const range = (f) => ({ min: fmtInput(f.min, f.unit, units), max: fmtInput(f.max, f.unit, units) });
  const ranged = (f) => f.kind === 'number' && Number.isFinite(f.min) && Number.isFinite(f.max);
  const errorText = (key, code) => {
    const f = def.fields.find((x) => x.key === key);
    return code === 'err.range' && f && ranged(f) ? t('err.range_between', range(f)) : t(code);
  };

  function input(f) {
    const id = `f-${type}-${f.key}`;
    const lab = f.label || t(`field.${f.key}`); // a family type's field: the family's label
    const v = value[f.key];
    const error = errors[f.key] ? errorText(f.key, errors[f.key]) : '';
    const invalid = error ? 'true' : nothing;
    const describedBy = error ? `${id}-err` : nothing;
    if (f.kind === 'bool') {
      return html`<div class="field"><label class="check" for=${id}><input type="checkbox" id=${id} .checked=${!!v} ?disabled=${!writable}
        @change=${(ev) => set(f.key, ev.target.checked)}>${lab}</label>${error ? html`<small class="error" role="alert">${error}</small>` : nothing}</div>`;
    }
    if (f.kind === 'select') {
      return field(
        lab,
        id,
        html`<select id=${id} ?disabled=${!writable} aria-invalid=${invalid} aria-describedby=${describedBy} @change=${(ev) => set(f.key, ev.target.value)}>${f.options.map(
          (o) =>
            html`<option value=${o} ?selected=${(v || '') === o}>${o ? f.optionLabels?.[o] || t(`opt.${f.key}.${o}`) : '—'}</option>`,
        )}</select>`,
        { error },
      );
    }
    if (f.kind === 'scale') {
      return html`<fieldset class="field"><legend class="label">${lab}</legend><div class="seg" role="group">${[
        1, 2, 3, 4, 5,
      ].map(
        (n) =>
          html`<button type="button" aria-pressed=${String(Number(v) === n)} ?disabled=${!writable} @click=${() => set(f.key, n)}>${n}</button>`,
      )}</div></fieldset>`;
    }
    const hint = ranged(f) && !error ? t('range_hint', range(f)) : '';
    // A weight in pounds is typed as pounds and ounces.
    if (f.unit === 'g' && unitsOf(units).weight === 'lb') {
      const [lb, oz] = v === undefined || v === '' ? ['', ''] : typeof v === 'number' ? lbOz(v) : [v, ''];
      const typed = () => {
        const [a, b] = [`#${id}`, `#${id}-oz`].map((q) => sh.el.querySelector(q).value.trim());
        const n = gFromLbOz(a, b);
        set(f.key, a === '' && b === '' ? '' : Number.isFinite(n) ? n : `${a} ${b}`, false);
      };
      const box = (key, val, u, name) =>
        html`<input id=${key} type="number" inputmode="decimal" step="any" ?disabled=${!writable} aria-invalid=${invalid} aria-label="${lab}: ${name}" aria-describedby=${error ? `${id}-err` : `${id}-hint`} .value=${String(val)} @input=${typed}><span aria-hidden="true">${u}</span>`;
      return field(
        `${lab} (${inputUnit('g', units)})`,
        id,
        html`<div class="with-unit">${box(id, lb, 'lb', t('weight_lb'))}${box(`${id}-oz`, oz, 'oz', t('weight_oz'))}</div>`,
        { error, hint },
      );
    }
    if (f.kind === 'number') {
      const unit = f.unit ? inputUnit(f.unit, units) : '';
      const described = error ? `${id}-err` : ranged(f) ? `${id}-hint` : nothing;
      const typed = (s) => (s === '' ? '' : f.unit ? fromInput(s, f.unit, units) : s);
      const control = html`<input id=${id} type="number" inputmode="decimal" step="any" ?disabled=${!writable} aria-invalid=${invalid} aria-describedby=${described}
        .value=${v === undefined ? '' : String(f.unit ? toInput(v, f.unit, units) : v)} @input=${(ev) => set(f.key, typed(ev.target.value), false)}>`;
      return field(
        unit ? `${lab} (${unit})` : lab,
        id,
        unit ? html`<div class="with-unit">${control}<span aria-hidden="true">${unit}</span></div>` : control,
        { error, hint },
      );
    }
    const text = (ev) => set(f.key, ev.target.value, false);
    return field(
      lab,
      id,
      f.long
        ? html`<textarea id=${id} ?disabled=${!writable} aria-invalid=${invalid} aria-describedby=${describedBy} .value=${v || ''} @input=${text}></textarea>`
        : html`<input id=${id} type="text" ?disabled=${!writable} aria-invalid=${invalid} aria-describedby=${describedBy} .value=${v || ''} @input=${text}>`,
      { error },
    );
  }

  async function submit(ev) {
    ev.preventDefault();
    if (!writable) return;
    errors = validate(type, value);
    const ts = fromLocalInput(start);
    const timer = def.timer(value);
    const endTs = timer && !running ? fromLocalInput(end) : timer ? null : entry ? (entry.end_ts ?? null) : null;
    if (!ts) errors.ts = 'err.required';
    if (endTs !== null && ts && endTs < ts) errors.end = 'err.end_before_start';
    if (Object.keys(errors).length) {
      problem = errorText(...Object.entries(errors)[0]);
      sh.redraw();
      return;
    }
    let clean = cleanValue(type, value);
    // A breastfeed logged as running is a nursing session; one ended here
    // keeps the time of the side it was on.
    if (type === 'feed' && endTs === null && timer && !isSession(clean)) clean = newSession(clean, ts);
    if (endTs !== null && isSession(clean)) clean = settled({ ts, value: clean }, endTs);
    sh.close();
    // A new entry for everyone (twins): one each, logged together.
    if (isNew && forWhom === 'all') {
      await logFor(
        state.subjects.map((s) => s.id),
        type,
        clean,
        { ts, end_ts: endTs },
      );
      return;
    }
    const next = entry
      ? { ...entry, ts, end_ts: endTs, value: clean }
      : { ...draft(type, clean, { ts, end_ts: endTs }), subject_id: forWhom || state.subject?.id };
    await save(next, { undo: isNew });
  }

  async function del() {
    sh.close();
    await remove(entry);
  }

  const setStart = (ev) => {
    start = ev.target.value;
  };
  const setEnd = (ev) => {
    end = ev.target.value;
  };
  const timeInput = (id, value, onInput, required = false) =>
    html`<input id=${id} type="datetime-local" ?required=${required} ?disabled=${!writable} .value=${value} @input=${onInput}>`;
  const actions =
    () => html`${isNew ? nothing : html`<button type="button" class="btn danger" @click=${del}>${t('delete')}</button>`}
    <button type="submit" class="btn primary">${isNew ? t('save') : t('save_changes')}</button>`;
  const shown = () => def.fields.filter((f) => f.kind !== 'hidden' && (!f.when || f.when(value)));

  // Who a new entry is for, with several people: one of them, or everyone.
  const forField = () =>
    field(
      t('log_for'),
      `f-${type}-for`,
      html`<select id="f-${type}-for" @change=${(ev) => {
        forWhom = ev.target.value;
      }}>${state.subjects.map((s) => html`<option value=${s.id} ?selected=${s.id === forWhom}>${s.name}</option>`)}
        <option value="all" ?selected=${forWhom === 'all'}>${t('people_everyone')}</option></select>`,
    );

  const view = () => {
    const timer = def.timer(value);
    const creator =
      !isNew && entry.created_by !== entry.author_id && state.members.find((m) => m.id === entry.created_by);
    const author = isNew
      ? ''
      : `${creator ? `${t('logged_by', { name: creator.name || t('guest') })} · ` : ''}${t('by_author', { name: entry.author_name || '—', when: fmtDateTime(entry.updated_at, tz()) })}`;
    return html`<form class="sheet-body" novalidate @submit=${submit}>
      <div>
        ${isNew && writable && state.subjects.length > 1 ? forField() : nothing}
        ${field(timer ? t('started') : t('time'), `f-${type}-start`, timeInput(`f-${type}-start`, start, setStart, true))}
        ${timer ? html`<label class="check"><input type="checkbox" .checked=${running} ?disabled=${!writable} @change=${(ev) => setRunning(ev.target.checked)}>${t('still_running')}</label>` : nothing}
        ${timer && !running ? field(t('ended'), `f-${type}-end`, timeInput(`f-${type}-end`, end, setEnd)) : nothing}
      </div>
      <div>${repeat(shown(), (f) => f.key, input)}</div>
      <p class="error" role="alert" ?hidden=${!problem}>${problem}</p>
      ${author ? html`<p class="muted">${author}</p>` : nothing}
      <div class="sheet-actions">${writable ? actions() : nothing}</div>
    </form>`;
  };

  const sh = sheet(`${typeIcon(type)} ${typeName(type)}`, view);
  const first = sh.el.querySelector('form select, form input:not([type=datetime-local]), form textarea');
  if (first && isNew) first.focus();
}

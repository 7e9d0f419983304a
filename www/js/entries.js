// entries.js — the entry types, their form checks, timers and default
// buttons, all read from the entry catalogue (www/js/catalogue.js): a new
// type there appears in every list here. checkValue() gives the server's
// verdict on a value (tests/t0210-catalogue.sh holds them equal); also the
// merge rule between a local and a server copy. Pure.
import { CATALOGUE } from './catalogue.js';
import { minuteOfDay } from './time.js';

const MAX_SAFE = 9007199254740991;
const MAX_ERRORS = 16; // as the server's error list (valid.h V_MAX_ERRORS)

export { CATALOGUE };
// The types values are checked by: the catalogue's, and the family's own
// (useFamilyTypes: GET .../activity-types gives each as a catalogue type,
// the very description the server validates its entries with).
const CAT_TYPES = { ...CATALOGUE.types };
export const PERSON_KINDS = CATALOGUE.person_kinds;
export const PERSON_COLOURS = CATALOGUE.person_colours;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const given = (value, key) => Object.hasOwn(value, key) && value[key] !== null;
const textOf = (value, key) => (typeof value[key] === 'string' ? value[key] : '');

// True when an entry of `type` with this value and no end is a running timer.
function runs(type, value) {
  const t = CAT_TYPES[type];
  if (!t?.timed || !t.timer) return false;
  if (t.timer === true) return true;
  const [[field, values]] = Object.entries(t.timer);
  return values.includes(textOf(value || {}, field));
}

// Whether a form shows a field for the value being edited: not while its
// only_when condition fails (the server would refuse it), nor while a
// show_when hint says it does not apply (a diaper's colour when not dirty).
function shown(f, value) {
  if (f.only_when) {
    const [field, values] = Object.entries(f.only_when).find(([k]) => k !== 'message');
    if (!values.includes(textOf(value, field))) return false;
  }
  for (const [k, values] of Object.entries(f.show_when || {})) {
    if (!values.some((x) => (typeof x === 'boolean' ? x === !!value[k] : x === value[k]))) return false;
  }
  return true;
}

// The form's view of a field. kind: select (options; '' first unless
// required), number (metric unit, min, max, step), text (long: a textarea),
// bool, scale (min..max buttons). `unit` names the metric unit the API stores.
function viewField(f) {
  const out = { key: f.key, rule: f };
  if (f.required) out.required = true;
  if (f.only_when || f.show_when) out.when = (v) => shown(f, v || {});
  if (f.control === 'none') {
    out.kind = 'hidden'; // a running timer's bookkeeping: kept, never shown
  } else if (f.kind === 'enum') {
    out.kind = 'select';
    out.options = f.required ? [...f.options] : ['', ...f.options];
  } else if (f.kind === 'int' || f.kind === 'number') {
    out.kind = f.control === 'scale' ? 'scale' : 'number';
    Object.assign(out, { min: f.min, max: f.max, step: f.step ?? (f.kind === 'int' ? 1 : 'any') });
    if (f.unit) out.unit = f.unit;
  } else if (f.kind === 'bool') {
    out.kind = 'bool';
  } else if (f.control === 'select' && f.suggest) {
    out.kind = 'select';
    out.options = ['', ...f.suggest];
  } else {
    out.kind = 'text';
    if (f.kind === 'longtext') out.long = true;
  }
  return out;
}

const typeView = (name, t) => ({
  icon: t.icon,
  for: [...t.for],
  timed: !!t.timed,
  timer: (v) => runs(name, v),
  fields: t.fields.map(viewField),
});

export const TYPES = Object.fromEntries(Object.entries(CATALOGUE.types).map(([name, t]) => [name, typeView(name, t)]));

export const TYPE_NAMES = Object.keys(TYPES);

// A family's own activity types (GET .../activity-types), in place of the
// previous family's: each becomes a type like the catalogue's, its fields
// carrying the labels the family gave them (`custom` holds the definition:
// names, colour, people, archived). Archived ones stay, for the history.
export const isCustom = (type) => !!TYPES[type]?.custom;
export function useFamilyTypes(list) {
  for (const name of Object.keys(TYPES)) {
    if (!TYPES[name].custom) continue;
    delete TYPES[name];
    delete CAT_TYPES[name];
    TYPE_NAMES.splice(TYPE_NAMES.indexOf(name), 1);
  }
  for (const def of list || []) {
    if (!def?.catalogue || !def.type || def.type in CATALOGUE.types) continue;
    CAT_TYPES[def.type] = def.catalogue;
    const view = typeView(def.type, def.catalogue);
    for (const f of view.fields) {
      const d = (def.fields || []).find((x) => x.key === f.key) || {};
      if (d.label) f.label = d.label;
      if (d.archived) f.kind = 'hidden'; // kept in the value, offered no more
      if (d.options) f.optionLabels = Object.fromEntries(d.options.map((o) => [o.key, o.label || o.key]));
    }
    TYPES[def.type] = { ...view, custom: def };
    TYPE_NAMES.push(def.type);
  }
}

// The types that suit a kind of person (the catalogue's `for`), for pickers;
// a type logged from a screen of its own (`picker: false`) is left out.
export function typesFor(kind) {
  return TYPE_NAMES.filter(
    (t) => (!kind || TYPES[t].for.includes(kind)) && CAT_TYPES[t].picker !== false && !TYPES[t].custom?.archived,
  );
}

// The kind of a person (the catalogue's default when unknown) and what the
// home screen and trends show for that kind (the catalogue's person_views).
export function kindOf(subject) {
  const k = subject?.kind;
  return PERSON_KINDS.includes(k) ? k : CATALOGUE.default_person_kind;
}
export function viewFor(kind) {
  return CATALOGUE.person_views[kind] || CATALOGUE.person_views[CATALOGUE.default_person_kind];
}

// The quick buttons one person sees: the catalogue's defaults for their kind
// while the family keeps the default set, else the family's own buttons of
// the types that suit them (a baby's feeds are not Grandpa's).
// The family's own types, not archived and meant for this person (none
// named: everyone), each get a button of their own (a timer for a type with
// a duration) unless the family's buttons already have one.
export function buttonsFor(config, kind, subjectId = null) {
  const base = !config || config.default ? defaultConfig([kind]) : config;
  const groups = base.default
    ? [...base.groups]
    : (base.groups || [])
        .map((g) => ({ ...g, buttons: g.buttons.filter((b) => TYPES[b.type]?.for.includes(kind)) }))
        .filter((g) => g.buttons.length);
  const placed = new Set(groups.flatMap((g) => g.buttons.map((b) => b.type)));
  const own = TYPE_NAMES.filter((n) => {
    const c = TYPES[n].custom;
    return (
      c && !c.archived && !placed.has(n) && (!c.subject_ids?.length || !subjectId || c.subject_ids.includes(subjectId))
    );
  }).map((type) => ({ type, value: {}, timing: TYPES[type].timed }));
  if (own.length) groups.push({ category: 'custom', stateful: own.some((b) => b.timing), buttons: own });
  return { ...base, groups };
}

// The band a chart draws as normal for a field and a kind of person, or null.
export function normalBand(type, key, kind) {
  const f = CAT_TYPES[type]?.fields.find((x) => x.key === key);
  return f?.normal?.[kind] || null;
}

// The value with its fields in the type's order, nulls dropped: the form the
// server stores (entry_value_normalise).
function normalise(type, value) {
  const out = {};
  for (const f of CAT_TYPES[type].fields) if (given(value, f.key)) out[f.key] = value[f.key];
  return out;
}

// The default quick-log buttons for people of these kinds (none: the
// default kind), exactly as GET /config gives them to a family without
// its own set.
export function defaultConfig(kinds = []) {
  const want = kinds.length ? kinds : [CATALOGUE.default_person_kind];
  const groups = [];
  for (const g of CATALOGUE.button_groups) {
    const buttons = g.buttons
      .filter((b) => b.for.some((k) => want.includes(k)))
      .map((b) => ({
        ...(b.label ? { label: b.label } : {}),
        type: b.type,
        value: normalise(b.type, b.value),
        timing: !!b.timing,
      }));
    if (buttons.length) groups.push({ category: g.category, stateful: g.stateful, buttons });
  }
  return { version: 0, groups, default: true };
}

// Used when the family has no button config yet (before GET /config
// answers). Labels starting with '@' are i18n keys; the defaults carry none
// (describe.js names a button from its preset).
export const DEFAULT_CONFIG = defaultConfig();

// A nursing session: a breast feed that keeps its time on each side
// (left_s, right_s, in seconds); `method` is the side it is on, which, while
// it runs and is not paused, counts from side_at. Older breast feeds are one
// side for their whole span.
const num = (v) => (typeof v === 'number' ? v : 0);
export const BREAST = ['breast_left', 'breast_right', 'breast_both'];
export const isSession = (v) =>
  BREAST.includes(v?.method) && (typeof v.left_s === 'number' || typeof v.right_s === 'number');
// A session's milliseconds at the breast, [left, right, both], counting the
// side it is on up to `end` while it runs (summary.c item_sides: the same).
export function sides(v, running, ts, end) {
  const out = [num(v.left_s) * 1000, num(v.right_s) * 1000, 0];
  const i = BREAST.indexOf(v.method);
  if (running && !v.paused && typeof v.side_at === 'number' && i >= 0)
    out[i] += Math.max(0, end - Math.max(v.side_at, ts));
  return out;
}

// True when the entry is a running timer.
export function isRunning(e) {
  return !e.deleted && e.end_ts == null && !!TYPES[e.type] && runs(e.type, e.value || {});
}

// The fields the catalogue derives when absent, as the server does when it
// stores the entry (a sleep's kind from the hour it starts in the family's
// zone), so an entry logged offline counts the same before and after sync.
export function withDerived(type, value, ts, tz) {
  const t = CAT_TYPES[type];
  let out = value || {};
  for (const f of t ? t.fields : []) {
    const d = f.default_by_start_hour;
    if (!d || Object.hasOwn(out, f.key)) continue;
    const hour = Math.floor(minuteOfDay(ts, tz) / 60);
    const inside = d.from <= d.until ? hour >= d.from && hour < d.until : hour >= d.from || hour < d.until;
    out = { ...out, [f.key]: inside ? d.inside : d.outside };
  }
  return out;
}

// Text as the server accepts it: no control characters (newline, tab and CR
// in long text), no lone surrogates; length in code points.
function textLength(s, multiline) {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if ((cp < 0x20 && !(multiline && (cp === 10 || cp === 9 || cp === 13))) || cp === 0x7f) return -1;
    if (cp >= 0xd800 && cp <= 0xdfff) return -1;
    n += 1;
  }
  return n;
}

// The server's verdict on a value as sent (entry_value_check): {field: i18n
// key} for every field it would refuse, by the same rules in the same order
// (field by field, then the rules that span fields, then unknown fields).
// `preset`: a button preset, where required fields and the rules that span
// fields wait until the entry is logged.
export function checkValue(type, value, { preset = false } = {}) {
  const t = CAT_TYPES[type];
  if (!t) return { type: 'err.type' };
  if (!isObject(value)) return { value: 'err.invalid' };
  const errors = {};
  let count = 0;
  const err = (k, code) => {
    if (!(k in errors) && count < MAX_ERRORS) {
      errors[k] = code;
      count += 1;
    }
  };
  for (const f of t.fields) {
    const required = f.required && !preset;
    if (!Object.hasOwn(value, f.key)) {
      if (required) err(f.key, 'err.required');
      continue;
    }
    const v = value[f.key];
    if (v === null) {
      err(f.key, required ? 'err.required' : 'err.invalid');
      continue;
    }
    switch (f.kind) {
      case 'enum':
        if (typeof v !== 'string' || !f.options.includes(v)) err(f.key, 'err.invalid');
        break;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_SAFE) err(f.key, 'err.invalid');
        else if (v < f.min || v > f.max) err(f.key, 'err.range');
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) err(f.key, 'err.invalid');
        else if (v < f.min || v > f.max) err(f.key, 'err.range');
        break;
      case 'bool':
        if (typeof v !== 'boolean') err(f.key, 'err.invalid');
        break;
      default: {
        // text, longtext
        const n = typeof v === 'string' ? textLength(v, f.kind === 'longtext') : -1;
        if (n < 0) err(f.key, 'err.invalid');
        else if (n < f.min) err(f.key, f.min === 1 ? 'err.required' : 'err.range');
        else if (n > f.max) err(f.key, 'err.too_long');
      }
    }
  }
  if (!preset) {
    for (const f of t.fields) {
      if (!f.only_when || !given(value, f.key)) continue;
      const [field, values] = Object.entries(f.only_when).find(([k]) => k !== 'message');
      if (!values.includes(textOf(value, field))) err(f.key, 'err.only_when');
    }
    for (const r of t.rules || []) {
      const fields = r.at_least_one || r.both_or_neither;
      const n = fields.filter((k) => (r.test === 'true' ? value[k] === true : given(value, k))).length;
      if (r.at_least_one ? n === 0 : n !== 0 && n !== fields.length) err(r.field || fields[0], r.i18n);
    }
  }
  const known = new Set(t.fields.map((f) => f.key));
  for (const k of Object.keys(value)) if (!known.has(k)) err(k, 'err.invalid');
  return errors;
}

// Values a form may send: drop empty strings and fields the form hides (see
// shown()); a checkbox is always an answer (true or false); numbers from
// inputs become numbers, whole for int fields.
export function cleanValue(type, value) {
  const out = {};
  for (const f of TYPES[type].fields) {
    if (f.when && !f.when(value)) continue;
    const v = value[f.key];
    if (f.kind === 'hidden') {
      if (v != null) out[f.key] = v;
      continue;
    }
    // A checkbox is an answer; one that only some entries have, once ticked.
    if (f.rule.kind === 'bool') {
      if (v !== undefined || !f.rule.only_when) out[f.key] = !!v;
      continue;
    }
    if (v === undefined || v === null || v === '') continue;
    if (f.rule.kind === 'int' || f.rule.kind === 'number') {
      const n = Number(v);
      if (Number.isFinite(n)) out[f.key] = f.rule.kind === 'int' ? Math.round(n) : n;
      continue;
    }
    out[f.key] = String(v);
  }
  return out;
}

// A form's check before saving: the server's verdict (checkValue) on what
// the form would send (cleanValue), plus a number typed that is no number
// (cleaning would drop it silently). Returns {field: i18n key}.
export function validate(type, value) {
  if (!TYPES[type]) return { type: 'err.type' };
  const errors = checkValue(type, cleanValue(type, value));
  for (const f of TYPES[type].fields) {
    const v = value[f.key];
    if (
      (f.rule.kind === 'int' || f.rule.kind === 'number') &&
      (!f.when || f.when(value)) &&
      v !== undefined &&
      v !== null &&
      v !== '' &&
      !Number.isFinite(Number(v)) &&
      !(f.key in errors)
    ) {
      errors[f.key] = 'err.range';
    }
  }
  return errors;
}

// Which copy to keep when a server copy arrives. A local change still in the
// outbox and newer than the server's wins (it will reach the server and win
// there too); otherwise the server's copy is the truth.
export function mergeEntry(local, incoming) {
  if (!local) return { ...incoming, _pending: false };
  if (local._pending && local.updated_at > incoming.updated_at) return local;
  if (!local._pending && local.seq != null && incoming.seq != null && incoming.seq < local.seq) return local;
  return { ...incoming, _pending: false };
}

// The change sent to POST /sync for a local entry.
export function toChange(entry) {
  const c = {
    op: entry.deleted ? 'delete' : 'put',
    id: entry.id,
    subject_id: entry.subject_id,
    type: entry.type,
    ts: entry.ts,
    end_ts: entry.end_ts ?? null,
    value: entry.value,
    created_at: entry.created_at,
    updated_at: entry.updated_at,
  };
  // Entries logged together for several people (twins) keep their group.
  if (entry.group_id) c.group_id = entry.group_id;
  if (entry.deleted) return { op: 'delete', id: entry.id, updated_at: entry.updated_at };
  return c;
}

// entries.js — the care-log entry types (fields, which ones run as timers),
// the default quick-log buttons, and the merge rule between a local copy and
// a server copy. Pure: used by the views, the sync code and the unit tests.

// Field kinds: select (options), number (metric unit, min, max, step), text,
// bool, scale (1..5). `unit` names the metric unit the API stores.
export const TYPES = {
  feed: {
    icon: '🍼',
    timer: (v) => /^breast_/.test(v.method || ''),
    fields: [
      {
        key: 'method',
        kind: 'select',
        options: ['breast_left', 'breast_right', 'breast_both', 'bottle', 'solids'],
        required: true,
      },
      { key: 'milk', kind: 'select', options: ['breast_milk', 'formula', 'mixed'], when: (v) => v.method === 'bottle' },
      { key: 'amount_ml', kind: 'number', unit: 'ml', min: 1, max: 1000, step: 5, when: (v) => v.method === 'bottle' },
      { key: 'food', kind: 'text', when: (v) => v.method === 'solids' },
      { key: 'notes', kind: 'text' },
    ],
  },
  diaper: {
    icon: '💧',
    timer: () => false,
    fields: [
      { key: 'wet', kind: 'bool' },
      { key: 'dirty', kind: 'bool' },
      {
        key: 'colour',
        kind: 'select',
        options: ['', 'yellow', 'green', 'brown', 'black', 'red', 'white'],
        when: (v) => v.dirty,
      },
      { key: 'notes', kind: 'text' },
    ],
  },
  sleep: {
    icon: '🌙',
    timer: () => true,
    fields: [
      { key: 'kind', kind: 'select', options: ['', 'nap', 'night'] },
      { key: 'notes', kind: 'text' },
    ],
  },
  pump: {
    icon: '🥛',
    timer: () => true,
    fields: [
      { key: 'side', kind: 'select', options: ['left', 'right', 'both'], required: true },
      { key: 'amount_ml', kind: 'number', unit: 'ml', min: 1, max: 1000, step: 5 },
      { key: 'notes', kind: 'text' },
    ],
  },
  growth: {
    icon: '📏',
    timer: () => false,
    fields: [
      { key: 'weight_g', kind: 'number', unit: 'g', min: 300, max: 200000, step: 10 },
      { key: 'length_cm', kind: 'number', unit: 'cm', min: 20, max: 250, step: 0.1 },
      { key: 'head_cm', kind: 'number', unit: 'cm', min: 15, max: 80, step: 0.1 },
    ],
  },
  temperature: {
    icon: '🌡️',
    timer: () => false,
    fields: [
      { key: 'celsius', kind: 'number', unit: 'celsius', min: 30, max: 45, step: 0.1, required: true },
      { key: 'method', kind: 'select', options: ['', 'oral', 'axillary', 'rectal', 'ear', 'forehead'] },
    ],
  },
  medication: {
    icon: '💊',
    timer: () => false,
    fields: [
      { key: 'name', kind: 'text', required: true },
      { key: 'dose', kind: 'number', min: 0, max: 100000, step: 0.1 },
      { key: 'unit', kind: 'select', options: ['', 'ml', 'mg', 'drops', 'tablets', 'puffs'] },
      { key: 'notes', kind: 'text' },
    ],
  },
  symptom: {
    icon: '🤒',
    timer: () => false,
    fields: [
      { key: 'text', kind: 'text', required: true },
      { key: 'severity', kind: 'scale', min: 1, max: 5 },
    ],
  },
  vitals: {
    icon: '❤️',
    timer: () => false,
    fields: [
      { key: 'heart_rate', kind: 'number', min: 20, max: 300, step: 1 },
      { key: 'bp_systolic', kind: 'number', min: 40, max: 300, step: 1 },
      { key: 'bp_diastolic', kind: 'number', min: 20, max: 200, step: 1 },
      { key: 'spo2', kind: 'number', min: 50, max: 100, step: 1 },
      { key: 'glucose', kind: 'number', min: 0.5, max: 40, step: 0.1 },
    ],
  },
  tummy_time: {
    icon: '🧸',
    timer: () => true,
    fields: [
      { key: 'milestone', kind: 'text' },
      { key: 'notes', kind: 'text' },
    ],
  },
  note: {
    icon: '📝',
    timer: () => false,
    fields: [{ key: 'text', kind: 'text', required: true, long: true }],
  },
};

export const TYPE_NAMES = Object.keys(TYPES);

// Used when the family has no button config yet. Labels starting with '@'
// are i18n keys; anything else is the family's own wording.
export const DEFAULT_CONFIG = {
  version: 0,
  groups: [
    {
      category: 'feed',
      stateful: true,
      buttons: [
        { label: '@btn.left', type: 'feed', value: { method: 'breast_left' }, timing: true },
        { label: '@btn.right', type: 'feed', value: { method: 'breast_right' }, timing: true },
        { label: '@btn.bottle', type: 'feed', value: { method: 'bottle', milk: 'formula' }, timing: false },
      ],
    },
    {
      category: 'diaper',
      stateful: false,
      buttons: [
        { label: '@btn.wet', type: 'diaper', value: { wet: true, dirty: false }, timing: false },
        { label: '@btn.dirty', type: 'diaper', value: { wet: false, dirty: true }, timing: false },
        { label: '@btn.both', type: 'diaper', value: { wet: true, dirty: true }, timing: false },
      ],
    },
    { category: 'sleep', stateful: true, buttons: [{ label: '@btn.sleep', type: 'sleep', value: {}, timing: true }] },
  ],
};

// True when the entry is a running timer.
export function isRunning(e) {
  return !e.deleted && e.end_ts == null && TYPES[e.type] && TYPES[e.type].timer(e.value || {});
}

// Values a form may send: drop empty strings and fields hidden by `when`.
export function cleanValue(type, value) {
  const out = {};
  for (const f of TYPES[type].fields) {
    if (f.when && !f.when(value)) continue;
    const v = value[f.key];
    if (v === undefined || v === null || v === '') continue;
    if (f.kind === 'bool') {
      out[f.key] = !!v;
      continue;
    }
    if (f.kind === 'number' || f.kind === 'scale') {
      const n = Number(v);
      if (Number.isFinite(n)) out[f.key] = f.step && f.step >= 1 ? Math.round(n) : n;
      continue;
    }
    out[f.key] = String(v);
  }
  if (type === 'diaper') {
    out.wet = !!value.wet;
    out.dirty = !!value.dirty;
  }
  return out;
}

// Client-side check mirroring the server's rules; returns {field: i18n key}.
export function validate(type, value) {
  const errors = {};
  const def = TYPES[type];
  if (!def) return { type: 'err.type' };
  for (const f of def.fields) {
    if (f.when && !f.when(value)) continue;
    const v = value[f.key];
    if (f.required && (v === undefined || v === '' || v === null)) errors[f.key] = 'err.required';
    if (f.kind === 'number' && v !== undefined && v !== '' && v !== null) {
      const n = Number(v);
      if (!Number.isFinite(n) || n < f.min || n > f.max) errors[f.key] = 'err.range';
    }
  }
  if (type === 'diaper' && !value.wet && !value.dirty) errors.wet = 'err.diaper';
  if (
    type === 'growth' &&
    !['weight_g', 'length_cm', 'head_cm'].some((k) => value[k] !== undefined && value[k] !== '')
  ) {
    errors.weight_g = 'err.growth';
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
  if (entry.deleted) return { op: 'delete', id: entry.id, updated_at: entry.updated_at };
  return c;
}

// actions.js — what the buttons do: log an entry, start/stop/switch a timer,
// save an edit, delete with undo. Each writes through sync.record (local copy
// and outbox first), so it works the same with or without a network.
import { state, canWrite } from './state.js';
import { record } from './sync.js';
import { uuidv7 } from './uuid.js';
import { t } from './i18n.js';
import { toast } from './ui.js';
import { title } from './describe.js';
import { isRunning, isSession, BREAST } from './entries.js';
import * as store from './store.js';

function me() {
  return state.me?.user || {};
}

// updated_at must grow even if the phone's clock stands still.
function nextStamp(prev) {
  return Math.max(Date.now(), (prev || 0) + 1);
}

export function draft(type, value = {}, { ts = Date.now(), end_ts = null } = {}) {
  const now = Date.now();
  return {
    id: uuidv7(),
    subject_id: state.subject ? state.subject.id : null,
    type,
    ts,
    end_ts,
    value,
    created_at: now,
    updated_at: now,
    deleted: false,
    author_id: me().id,
    author_name: me().name,
  };
}

// `offer`: the toast's action instead of undo ({action, onAction}).
export async function save(entry, { quiet = false, undo = true, offer = {} } = {}) {
  if (!canWrite()) return null;
  const saved = await record({ ...entry, updated_at: nextStamp(entry.updated_at) });
  if (!quiet) {
    toast(
      t('logged', { what: title(saved) }),
      undo ? { action: t('undo'), onAction: () => remove(saved, { quiet: true }) } : offer,
    );
  }
  return saved;
}

export function log(type, value, opts) {
  return save(draft(type, value, opts));
}

// One event for several people at once (twins): an entry of its own for
// each (own id, own sync), sharing a group id, saved together and undone
// together.
export async function logFor(subjectIds, type, value, { ts = Date.now(), end_ts = null } = {}) {
  if (!canWrite()) return [];
  const group = uuidv7();
  const saved = [];
  for (const sid of subjectIds)
    saved.push(await record({ ...draft(type, value, { ts, end_ts }), subject_id: sid, group_id: group }));
  toast(t('logged_for_n', { what: title(saved[0]), n: saved.length }), {
    action: t('undo'),
    onAction: async () => {
      for (const e of saved) await remove(e, { quiet: true });
    },
  });
  return saved;
}

export async function remove(entry, { quiet = false } = {}) {
  if (!canWrite()) return;
  const current = (await store.getEntry(entry.id)) || entry;
  const tomb = await record({ ...current, deleted: true, updated_at: nextStamp(current.updated_at) });
  if (!quiet) {
    toast(t('deleted', { what: title(entry) }), {
      action: t('undo'),
      onAction: () => record({ ...tomb, deleted: false, updated_at: nextStamp(tomb.updated_at) }),
    });
  }
}

// The person's last bottle (amount and milk), what a new one likely is:
// among their last 30 feeds (`feeds`, when the caller has read them).
export async function lastBottle(feeds = null) {
  const bottles =
    feeds ||
    (await store.listEntries(state.family.id, {
      types: ['feed'],
      subjectId: state.subject?.id,
      limit: 30,
    }));
  const b = bottles.find((e) => e.value.method === 'bottle' && e.value.amount_ml)?.value || {};
  return { amount_ml: b.amount_ml || 120, milk: b.milk || 'formula' };
}

// Timers running now for the current person.
export const RUNNING_DAYS = 7;
export async function running() {
  if (!state.family) return [];
  return runningIn(await store.entriesSince(state.family.id, Date.now() - RUNNING_DAYS * 86400000));
}

// The timers running among entries of the last RUNNING_DAYS days (the home
// screen reads those days once for its timers and its figures).
export function runningIn(list) {
  return list
    .filter((e) => isRunning(e) && (!state.subject || e.subject_id === state.subject.id))
    .sort((a, b) => a.ts - b.ts);
}

export async function stop(entry, extra = {}, opts = {}) {
  const end = Math.max(Date.now(), entry.ts);
  const value = BREAST.includes(entry.value.method) ? settled(entry, end) : entry.value;
  return save({ ...entry, end_ts: end, value: { ...value, ...extra } }, { undo: false, ...opts });
}

// ---- nursing: a breast feed is one entry however often the side changes
// or the baby pauses (entries.js isSession). ----
export const newSession = (value, at = Date.now()) => ({ ...value, left_s: 0, right_s: 0, side_at: at });

// The session's value with the side it is on counted in up to `now` and
// no longer running on: what pausing, switching and stopping start from.
// An older running breast feed becomes a session on its side since it began.
export function settled(e, now = Date.now()) {
  const v = isSession(e.value) ? { ...e.value } : newSession(e.value, e.ts);
  const k = { breast_left: 'left_s', breast_right: 'right_s' }[v.method];
  if (k && typeof v.side_at === 'number' && !v.paused)
    v[k] = Math.min(172800, (v[k] || 0) + Math.max(0, Math.round((now - Math.max(v.side_at, e.ts)) / 1000)));
  delete v.side_at;
  delete v.paused;
  return v;
}

const update = (e, value) => save({ ...e, value }, { quiet: true });
export const pauseFeed = (e) => update(e, { ...settled(e), paused: true });
// On to `side` (left, right; none: the other one), resuming if paused.
export function switchSide(e, side) {
  const v = settled(e);
  const method = side ? `breast_${side}` : v.method === 'breast_left' ? 'breast_right' : 'breast_left';
  return update(e, { ...v, method, side_at: Date.now() });
}

// Start a timer; a running timer of the same type for this person is
// stopped first (one sleep at a time), except that a breast feed on while
// one runs is the same feed on that side.
export async function start(type, value = {}) {
  const breast = type === 'feed' && /^breast_(left|right)$/.test(value.method);
  for (const e of await running()) {
    if (e.type !== type) continue;
    if (breast && BREAST.includes(e.value.method)) return switchSide(e, value.method.slice(7));
    await stop(e);
  }
  return save(draft(type, breast && !isSession(value) ? newSession(value) : value), { undo: true });
}

// actions.js — what the buttons do: log an entry, start/stop/switch a timer,
// save an edit, delete with undo. Each writes through sync.record (local copy
// and outbox first), so it works the same with or without a network.
import { state, canWrite } from './state.js';
import { record } from './sync.js';
import { uuidv7 } from './uuid.js';
import { t } from './i18n.js';
import { toast } from './ui.js';
import { title } from './describe.js';
import { isRunning } from './entries.js';
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

export async function save(entry, { quiet = false, undo = true } = {}) {
  if (!canWrite()) return null;
  const saved = await record({ ...entry, updated_at: nextStamp(entry.updated_at) });
  if (!quiet) {
    toast(
      t('logged', { what: title(saved) }),
      undo ? { action: t('undo'), onAction: () => remove(saved, { quiet: true }) } : {},
    );
  }
  return saved;
}

export function log(type, value, opts) {
  return save(draft(type, value, opts));
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

// Timers running now for the current person.
export async function running() {
  if (!state.family) return [];
  const list = await store.entriesSince(state.family.id, Date.now() - 7 * 86400000);
  return list
    .filter((e) => isRunning(e) && (!state.subject || e.subject_id === state.subject.id))
    .sort((a, b) => a.ts - b.ts);
}

export async function stop(entry, extra = {}) {
  return save(
    { ...entry, end_ts: Math.max(Date.now(), entry.ts), value: { ...entry.value, ...extra } },
    { undo: false },
  );
}

// Start a timer; a running timer of the same type for this person is
// stopped first (one sleep at a time; a breast feed switches sides).
export async function start(type, value = {}) {
  for (const e of await running()) if (e.type === type) await stop(e);
  return save(draft(type, value), { undo: true });
}

export async function switchSide(entry) {
  const side = entry.value.method === 'breast_left' ? 'breast_right' : 'breast_left';
  await stop(entry);
  return save(draft('feed', { ...entry.value, method: side }), { quiet: true });
}

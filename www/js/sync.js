// sync.js — keeps the local copy and the server in step for the current
// family. Local changes are written to IndexedDB (the UI updates at once)
// and queued in the outbox; the outbox flushes through POST /sync, whose
// answer also carries the changes made elsewhere since our cursor. Flushes
// happen on every change, on `online`, when the page becomes visible, on a
// timer with backoff, on Background Sync, and when the stream reconnects.
import { Outbox } from './outbox.js';
import * as store from './store.js';
import { post, get, familyPath, ApiError } from './api.js';
import { toChange, useFamilyTypes } from './entries.js';
import { state, emit, afterFirstScreen } from './state.js';
import { openStream } from './stream.js';
import { keepProfile, prefetchProfiles } from './care.js';
import { keepMedication, refreshMedications } from './meds.js';
import { alertArrived, checkAlerts, keepUnread, refreshUnread } from './notices.js';

let fid = null;
let owner = null; // whose queued changes this outbox sends (who was signed in at start)
let outbox = null;
let stream = null;
let pulling = null;
let pollTimer = null;
const POLL_MS = 30000;

const cursorKey = () => `cursor:${fid}`;

// The family's own activity types as the server has them now (after an
// activity_type event: a type defined, changed or archived elsewhere).
export async function refreshActivityTypes() {
  const at = fid;
  try {
    const d = await get(familyPath(at, '/activity-types'));
    if (at !== fid) return;
    await store.setMeta(`acttypes:${at}`, d);
    useFamilyTypes(d.activity_types);
    emit('acttypes');
  } catch {
    // offline: the cached list stays
  }
}

async function applyChanges(list) {
  const changed = await store.applyServer(fid, list);
  if (changed.length) emit('entries', changed);
  return changed;
}

async function sendBatch(changes) {
  const cursor = (await store.getMeta(cursorKey())) ?? 0;
  const res = await post(familyPath(fid, '/sync'), { cursor, changes });
  await applyChanges(res.changes || []);
  if (res.cursor !== undefined) await store.setMeta(cursorKey(), res.cursor);
  if (res.more) pull();
  return res;
}

async function onResult(r, change) {
  if ((r.status === 'applied' || r.status === 'stale') && r.entry) {
    // mergeEntry keeps a newer local edit that is still queued.
    await applyChanges([r.entry]);
    if (r.status === 'stale') emit('stale', r.entry);
    return;
  }
  if (r.status === 'invalid') {
    const local = await store.getEntry(r.id);
    if (local && local.seq == null && change.op === 'put') {
      await store.putLocal({ ...local, deleted: true, _pending: false, _invalid: true });
    } else if (local) {
      await store.putLocal({ ...local, _pending: false });
    }
    emit('entries', [local].filter(Boolean));
    emit('invalid', { id: r.id, error: r.error });
  }
}

// Is sync running for this family on behalf of this person?
export function runningFor(familyId, userId) {
  return !!outbox && fid === familyId && owner === userId;
}

export async function start(familyId) {
  stop();
  fid = familyId;
  owner = state.me.user.id;
  outbox = new Outbox({
    storage: store.outboxStorageFor(fid, owner),
    send: sendBatch,
    onResult,
    onChange: (n) => {
      state.pending = n;
      emit('pending', n);
    },
    onBlocked: () => emit('signed-out'),
  });
  const [waiting, cursor] = await Promise.all([outbox.count(), store.getMeta(cursorKey())]);
  state.pending = waiting;
  emit('pending', state.pending);
  stream = openStream(fid, {
    onOpen: () => {
      state.streamUp = true;
      emit('stream', true);
      afterFirstScreen(syncNow);
      // Online again: the care records as the server has them now (the
      // emergency cards are then on this device for the next time offline),
      // once the first screen is up.
      afterFirstScreen(() => {
        refreshMedications();
        prefetchProfiles();
        refreshUnread();
        checkAlerts(fid);
      });
    },
    onDown: () => {
      state.streamUp = false;
      emit('stream', false);
    },
    onEntry: (data) => {
      if (data?.entry) applyChanges([data.entry]);
    },
    onConfig: (cfg) => {
      state.config = cfg;
      store.setMeta(`config:${fid}`, cfg);
      emit('config', cfg);
    },
    onProfile: (p) => keepProfile(p),
    onMedication: (m) => keepMedication(m),
    onAppointment: (a) => emit('appointments', a),
    onAlert: (a) => alertArrived(a),
    onInbox: (n) => keepUnread(n?.unread, n?.item),
    onDocument: (d) => emit('documents', d),
    onActivityType: () => refreshActivityTypes(),
    onShift: (x) => emit('shifts', x),
    onPresence: (p) => {
      state.presence = p?.members || [];
      emit('presence', state.presence);
    },
  });
  // A quiet pull now and then even with the stream up: a change the stream
  // missed (a dropped event) shows up within POLL_MS anyway.
  pollTimer = setInterval(() => {
    if (document.hidden) return;
    if (state.streamUp) pull();
    else syncNow();
  }, POLL_MS);
  // A device that has the log shows it first, then imports what changed
  // meanwhile; a first load pulls at once (its home screen waits for it).
  if (cursor === undefined) setTimeout(syncNow, 0);
  else afterFirstScreen(syncNow);
}

export function stop() {
  if (stream) stream.close();
  stream = null;
  clearInterval(pollTimer);
  if (outbox) outbox.cancelRetry();
  outbox = null;
  owner = null;
  state.streamUp = false;
}

// Pull the change feed from our cursor until the server has no more.
export function pull() {
  if (!fid) return Promise.resolve();
  if (pulling) return pulling;
  const myFid = fid;
  pulling = (async () => {
    for (let page = 0; page < 1000; page++) {
      const since = (await store.getMeta(`cursor:${myFid}`)) ?? 0;
      const res = await get(familyPath(myFid, `/changes?since=${encodeURIComponent(since)}&limit=500`));
      if (myFid !== fid) return;
      await applyChanges(res.changes || []);
      if (res.cursor !== undefined) await store.setMeta(`cursor:${myFid}`, res.cursor);
      if (!res.more) break;
    }
    emit('synced');
  })()
    .catch((err) => {
      if (!(err instanceof ApiError) || err.status !== 0) console.warn('pull failed', err);
    })
    .finally(() => {
      pulling = null;
    });
  return pulling;
}

// Flush what waits, then (or instead) pull what is new.
// The outbox is taken once: stop() (another person signing in) may replace
// it while this waits, and a flush must never move to the next outbox.
export async function syncNow() {
  const box = outbox;
  if (!box) return;
  if (stream && !state.streamUp) stream.reconnect();
  box.unblock();
  const waiting = await box.count();
  if (box !== outbox) return;
  if (waiting > 0) {
    const r = await box.flush();
    if (r.ok && box === outbox) emit('synced');
    return;
  }
  await pull();
}

// Record a local change: IndexedDB first, the view updates, then the queue.
export async function record(entry) {
  const local = { ...entry, family_id: fid, _pending: true };
  const box = outbox;
  await store.putLocal(local);
  emit('entries', [local]);
  await box.add(toChange(local));
  askBackgroundSync();
  if (navigator.onLine !== false && box === outbox) box.flush();
  return local;
}

function askBackgroundSync() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready.then((reg) => (reg.sync ? reg.sync.register('outbox') : null)).catch(() => {});
}

// Wire the page's own triggers once.
export function installTriggers() {
  addEventListener('online', () => {
    state.online = true;
    emit('online', true);
    syncNow();
  });
  addEventListener('offline', () => {
    state.online = false;
    emit('online', false);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) syncNow();
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (ev) => {
      if (ev.data && ev.data.type === 'flush') syncNow();
    });
  }
}

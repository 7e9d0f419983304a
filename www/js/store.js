// store.js — the IndexedDB copy of the care log that the app reads from
// (timeline, summaries, timers), the outbox's storage, and small cached
// values (the session, families, subjects, button config, sync cursors), so
// the app opens and shows data with no network.
import { openDB } from '../vendor/idb.js';
import { mergeEntry } from './entries.js';

const DB_NAME = 'carelog';
let dbPromise = null;

export function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, 1, {
      upgrade(d) {
        const entries = d.createObjectStore('entries', { keyPath: 'id' });
        entries.createIndex('family_ts', ['family_id', 'ts']);
        d.createObjectStore('outbox', { keyPath: 'n', autoIncrement: true });
        d.createObjectStore('meta');
      },
      blocking() {
        dbPromise.then((x) => x.close());
        dbPromise = null;
      },
    });
  }
  return dbPromise;
}

// ---- meta ----
export async function getMeta(key) {
  return (await db()).get('meta', key);
}
export async function setMeta(key, value) {
  return (await db()).put('meta', value, key);
}
export async function delMeta(key) {
  return (await db()).delete('meta', key);
}

// ---- entries ----
export async function getEntry(id) {
  return (await db()).get('entries', id);
}

// Write a local change (already marked _pending by the caller).
export async function putLocal(entry) {
  await (await db()).put('entries', entry);
}

// Apply server copies (change feed, sync answers, stream events) in one
// transaction, keeping newer local changes still waiting in the outbox.
// Returns the entries that changed. Reads, then writes, go out together
// (a first sync brings hundreds); an id twice merges with its first copy.
export async function applyServer(fid, list) {
  if (!list.length) return [];
  const tx = (await db()).transaction('entries', 'readwrite');
  const stored = await Promise.all(list.map((e) => tx.store.get(e.id)));
  const now = new Map();
  const changed = [];
  list.forEach((incoming, i) => {
    const local = now.has(incoming.id) ? now.get(incoming.id) : stored[i];
    const merged = mergeEntry(local, { ...incoming, family_id: fid });
    if (merged !== local) {
      now.set(incoming.id, merged);
      changed.push(merged);
    }
  });
  await Promise.all([...[...now.values()].map((e) => tx.store.put(e)), tx.done]);
  return changed;
}

const DAY = 86400000;

// Onto `out`, newest first, those of `list` (oldest first) that `keep`.
function takeNewest(list, keep, limit, out) {
  for (let i = list.length - 1; i >= 0 && out.length < limit; i--) if (keep(list[i])) out.push(list[i]);
  return out;
}
const matcher =
  ({ subjectId = null, types = null, includeDeleted = false }) =>
  (e) =>
    (includeDeleted || !e.deleted) && (!subjectId || e.subject_id === subjectId) && (!types || types.includes(e.type));

// Entries of a family newest first, starting before `beforeTs`, filtered.
// A span of time per request (doubling), not an entry per request.
export async function listEntries(fid, { beforeTs = Infinity, limit = 50, ...filter } = {}) {
  const keep = matcher(filter);
  const index = (await db()).transaction('entries').store.index('family_ts');
  const out = [];
  let range = IDBKeyRange.bound([fid, Math.min(beforeTs, Date.now()) - DAY], [fid, beforeTs], false, true);
  for (let span = DAY; out.length < limit; span *= 2) {
    if (takeNewest(await index.getAll(range), keep, limit, out).length >= limit) break;
    // The next span ends with the newest entry older than this one.
    const lo = range.lower[1];
    const older = await index.openKeyCursor(IDBKeyRange.bound([fid, -Infinity], [fid, lo], false, true), 'prev');
    if (!older) break;
    const hi = older.key[1];
    range = IDBKeyRange.bound([fid, hi - span * 2], [fid, hi]);
  }
  return out;
}

// The same from `recent` (what entriesSince read, oldest first) when it
// holds `limit` of them; else from IndexedDB further back.
export async function newestOf(recent, fid, { limit = 50, ...filter } = {}) {
  const out = takeNewest(recent, matcher(filter), limit, []);
  return out.length >= limit ? out : listEntries(fid, { limit, ...filter });
}

// All entries of a family from `sinceTs` on (for summaries and trends).
export async function entriesSince(fid, sinceTs) {
  const d = await db();
  const range = IDBKeyRange.bound([fid, sinceTs], [fid, Infinity]);
  return d.getAllFromIndex('entries', 'family_ts', range);
}

// Latest entries of one type (for defaults such as the last bottle amount).
export async function latestOfType(fid, type, subjectId) {
  const list = await listEntries(fid, { limit: 1, types: [type], subjectId });
  return list[0] || null;
}

// ---- outbox storage adapter (see outbox.js), one view per family: a
// change waits for its own family's sync route even if the person switches.
// The outbox of one family as one person left it. Changes carry their
// author's user id, so on a shared phone a change queued by one person is
// never sent under the next person's session; it waits for its author.
export function outboxStorageFor(fid, owner) {
  const mine = (it) => it.fid === fid && (it.owner ?? owner) === owner;
  return {
    async list() {
      return (await (await db()).getAll('outbox')).filter(mine);
    },
    async add(item) {
      return (await db()).add('outbox', { ...item, fid, owner });
    },
    async put(item) {
      return (await db()).put('outbox', { ...item, fid, owner });
    },
    async remove(n) {
      return (await db()).delete('outbox', n);
    },
  };
}

export async function outboxFamilies(owner) {
  const items = (await (await db()).getAll('outbox')).filter((it) => (it.owner ?? owner) === owner);
  return [...new Set(items.map((it) => it.fid))];
}

// Someone else signs in on this device: the previous person's copy of the log
// and cached session go (their families are not this person's to read); their
// queued changes stay, marked as theirs, until they sign in again.
export async function switchOwner(userId) {
  const d = await db();
  const previous = await d.get('meta', 'owner');
  if (previous !== undefined && previous !== userId) {
    const tx = d.transaction(['entries', 'meta'], 'readwrite');
    await Promise.all([tx.objectStore('entries').clear(), tx.objectStore('meta').clear(), tx.done]);
  }
  await d.put('meta', userId, 'owner');
  return previous !== undefined && previous !== userId;
}

// Sign out: forget everything this device holds.
export async function wipe() {
  const d = await db();
  const tx = d.transaction(['entries', 'outbox', 'meta'], 'readwrite');
  await Promise.all([
    tx.objectStore('entries').clear(),
    tx.objectStore('outbox').clear(),
    tx.objectStore('meta').clear(),
    tx.done,
  ]);
}

// meds.js — the medications of the open family, kept on this device
// (fetched when online, updated by the live stream's medication events),
// and the day's doses computed from them and the local copy of the log by
// the server's rules (schedule.js), so the schedule works offline and a
// dose given on another phone shows the moment its entry arrives.
import * as store from './store.js';
import { state, emit } from './state.js';
import { get, familyPath } from './api.js';
import { daySchedule, supplyLeft, timesOf, daySlots, asNeeded } from './schedule.js';

export { daySchedule, supplyLeft, timesOf, daySlots, asNeeded };

const listKey = (fid) => `medications:${fid}`;

// ---- the cached list ----
export async function medicationsOf(sid) {
  const list = (await store.getMeta(listKey(state.family?.id))) || [];
  return list.filter((m) => m.subject_id === sid && !m.deleted);
}

export async function allMedications() {
  return ((await store.getMeta(listKey(state.family?.id))) || []).filter((m) => !m.deleted);
}

// The server's list (kept for offline), or the cached one.
export async function refreshMedications() {
  const fid = state.family?.id;
  if (!fid) return;
  try {
    const res = await get(familyPath(fid, '/medications'));
    await store.setMeta(listKey(fid), res.medications || []);
    emit('medications');
  } catch {
    /* offline: the copy here stays */
  }
}

// One medication from an answer or a stream event. A stream event carries
// no opted_in (it is each member's own): the one known here stays.
export async function keepMedication(m) {
  const fid = state.family?.id;
  if (!fid || !m?.id) return;
  const list = (await store.getMeta(listKey(fid))) || [];
  const i = list.findIndex((x) => x.id === m.id);
  if (i >= 0 && list[i].version > m.version) return;
  const merged = { ...(i >= 0 ? { opted_in: list[i].opted_in } : {}), ...m };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  await store.setMeta(listKey(fid), m.deleted ? list.filter((x) => x.id !== m.id) : list);
  emit('medications');
}

// meds.js — the medications of the open family as this device last had
// them (a cached list, kept current by the live stream), for the emergency
// card and the day's schedule.
import * as store from './store.js';
import { state } from './state.js';

const listKey = () => `medications:${state.family?.id}`;

// The medications of one person (none cached: an empty list).
export async function medicationsOf(sid) {
  const list = (await store.getMeta(listKey())) || [];
  return list.filter((m) => m.subject_id === sid && !m.deleted);
}

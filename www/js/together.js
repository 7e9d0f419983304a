// together.js — timers for several people at once (twins), loaded when
// "log for everyone" is on and a timing button is tapped (views/home.js):
// one timer per person, started together as a group (actions.js logFor:
// each its own entry, one undo), and the running timers of that group
// stopped together by the same button. Each person's timer still stops
// alone from their own screen (its timer card). Rules as actions.js start:
// a person's running timer of the type stops first, and a nursing session
// that runs switches to the side tapped.
import { state } from './state.js';
import * as store from './store.js';
import { stop, switchSide, newSession, logFor } from './actions.js';
import { isRunning, isSession, BREAST } from './entries.js';

async function runningOf(ids) {
  const list = await store.entriesSince(state.family.id, Date.now() - 7 * 86400000);
  return list.filter((e) => isRunning(e) && ids.includes(e.subject_id));
}

export async function startTogether(ids, type, value) {
  const breast = type === 'feed' && /^breast_(left|right)$/.test(value.method);
  const run = await runningOf(ids);
  const fresh = [];
  for (const sid of ids) {
    const mine = run.filter((e) => e.subject_id === sid && e.type === type);
    const nursing = breast && mine.find((e) => BREAST.includes(e.value.method));
    if (nursing) {
      await switchSide(nursing, value.method.slice(7));
      continue;
    }
    for (const e of mine) await stop(e);
    fresh.push(sid);
  }
  if (fresh.length) await logFor(fresh, type, breast && !isSession(value) ? newSession(value) : value);
}

// `entry` and the timers started with it that still run, each by `finish`.
export async function stopTogether(entry, finish) {
  const group = entry.group_id
    ? (await runningOf(state.subjects.map((s) => s.id))).filter((e) => e.group_id === entry.group_id)
    : [];
  for (const e of group.length ? group : [entry]) await finish(e);
}

// summary.js — numbers computed from the local copy of the log, so the day
// view and the trends work with no network: a day's totals and 24-hour grid,
// per-day series for 7/30 days, the daily rhythm, and "time since last".
// Pure functions over plain entry objects; days are in the family zone.
import { dayKey, dayStart, dayEnd, addDays } from './time.js';
import { isRunning } from './entries.js';

const HOUR = 3600000;

function live(entries, subjectId) {
  return entries.filter((e) => !e.deleted && (!subjectId || e.subject_id === subjectId));
}

// Milliseconds of [a, b) that fall inside [lo, hi).
function overlap(a, b, lo, hi) {
  return Math.max(0, Math.min(b, hi) - Math.max(a, lo));
}

function endOf(e, now) {
  return e.end_ts == null ? (isRunning(e) ? now : e.ts) : e.end_ts;
}

export function emptyTotals() {
  return {
    feeds: 0,
    bottle_ml: 0,
    breast_min: 0,
    solids: 0,
    sleep_min: 0,
    naps: 0,
    diapers: 0,
    wet: 0,
    dirty: 0,
    pump_ml: 0,
    meds: 0,
  };
}

function addToTotals(t, e, lo, hi, now) {
  const inDay = e.ts >= lo && e.ts < hi;
  const v = e.value || {};
  switch (e.type) {
    case 'feed':
      if (inDay) {
        t.feeds += 1;
        if (v.method === 'bottle') t.bottle_ml += Number(v.amount_ml) || 0;
        if (v.method === 'solids') t.solids += 1;
      }
      if (/^breast_/.test(v.method || '')) t.breast_min += overlap(e.ts, endOf(e, now), lo, hi) / 60000;
      break;
    case 'sleep': {
      const ms = overlap(e.ts, endOf(e, now), lo, hi);
      t.sleep_min += ms / 60000;
      if (inDay) t.naps += 1;
      break;
    }
    case 'diaper':
      if (inDay) {
        t.diapers += 1;
        if (v.wet) t.wet += 1;
        if (v.dirty) t.dirty += 1;
      }
      break;
    case 'pump':
      if (inDay) t.pump_ml += Number(v.amount_ml) || 0;
      break;
    case 'medication':
      if (inDay) t.meds += 1;
      break;
    default:
  }
}

function roundTotals(t) {
  t.sleep_min = Math.round(t.sleep_min);
  t.breast_min = Math.round(t.breast_min);
  return t;
}

// Totals for one day plus hours[24]: per hour, the entries that start in it
// and the minutes asleep in it.
export function daySummary(entries, key, tz, { subjectId = null, now = Date.now() } = {}) {
  const lo = dayStart(key, tz);
  const hi = dayEnd(key, tz);
  const totals = emptyTotals();
  const hours = [];
  for (let h = 0; h < 24; h++) hours.push({ hour: h, entries: [], sleep_min: 0 });
  // Hour boundaries by wall clock: 23 or 25 hours on DST days fold into 24 rows.
  const span = (hi - lo) / 24;
  for (const e of live(entries, subjectId)) {
    const end = endOf(e, now);
    if (end < lo || e.ts >= hi) continue;
    addToTotals(totals, e, lo, hi, now);
    if (e.ts >= lo && e.ts < hi) hours[Math.min(23, Math.floor((e.ts - lo) / span))].entries.push(e);
    if (e.type === 'sleep') {
      for (let h = 0; h < 24; h++) {
        hours[h].sleep_min += overlap(e.ts, end, lo + h * span, lo + (h + 1) * span) / 60000;
      }
    }
  }
  for (const h of hours) {
    h.sleep_min = Math.round(h.sleep_min);
    h.entries.sort((a, b) => a.ts - b.ts);
  }
  return { date: key, totals: roundTotals(totals), hours };
}

// Per-day totals for the `days` days ending with endKey (oldest first).
export function trends(entries, days, endKey, tz, { subjectId = null, now = Date.now() } = {}) {
  const keys = [];
  for (let i = days - 1; i >= 0; i--) keys.push(addDays(endKey, -i));
  const first = dayStart(keys[0], tz);
  const last = dayEnd(endKey, tz);
  const bounds = keys.map((k) => [dayStart(k, tz), dayEnd(k, tz)]);
  const out = keys.map((k) => ({ date: k, ...emptyTotals() }));
  for (const e of live(entries, subjectId)) {
    const end = endOf(e, now);
    if (end < first || e.ts >= last) continue;
    for (let i = 0; i < keys.length; i++) {
      const [lo, hi] = bounds[i];
      if (end < lo || e.ts >= hi) continue;
      addToTotals(out[i], e, lo, hi, now);
    }
  }
  return out.map(roundTotals);
}

// For the 24-hour rhythm chart: per day, sleep spans and feed times as
// fractions of the day (0..1).
export function rhythm(entries, days, endKey, tz, { subjectId = null, now = Date.now() } = {}) {
  const rows = [];
  const list = live(entries, subjectId);
  for (let i = days - 1; i >= 0; i--) {
    const key = addDays(endKey, -i);
    const lo = dayStart(key, tz);
    const hi = dayEnd(key, tz);
    const len = hi - lo;
    const row = { date: key, sleep: [], feeds: [] };
    for (const e of list) {
      if (e.type === 'sleep') {
        const a = Math.max(e.ts, lo);
        const b = Math.min(endOf(e, now), hi);
        if (b > a) row.sleep.push([(a - lo) / len, (b - lo) / len]);
      } else if (e.type === 'feed' && e.ts >= lo && e.ts < hi) {
        row.feeds.push((e.ts - lo) / len);
      }
    }
    rows.push(row);
  }
  return rows;
}

// The most recent entry of a type (by start time), or null.
export function lastOf(entries, type, subjectId = null) {
  let best = null;
  for (const e of live(entries, subjectId)) {
    if (e.type === type && (!best || e.ts > best.ts)) best = e;
  }
  return best;
}

// Milliseconds since the last feed / diaper / sleep ended; 0 while running.
export function sinceLast(entries, type, now = Date.now(), subjectId = null) {
  const e = lastOf(entries, type, subjectId);
  if (!e) return null;
  if (isRunning(e)) return { ms: 0, running: true, entry: e };
  const at = type === 'diaper' ? e.ts : (e.end_ts ?? e.ts);
  return { ms: Math.max(0, now - at), running: false, entry: e };
}

export function runningTimers(entries, subjectId = null) {
  return live(entries, subjectId)
    .filter(isRunning)
    .sort((a, b) => a.ts - b.ts);
}

export function todayKey(tz, now = Date.now()) {
  return dayKey(now, tz);
}

export { HOUR };

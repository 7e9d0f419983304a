// summary.js — what the log adds up to, from the local copy (so the day
// view and the trends work offline), in the family's zone: a day's totals
// and hour grid, 7/30-day trends with the rhythm, time since the last feed,
// diaper and sleep. The same figures, names and shapes as GET /summary and
// /trends by the same rules (cgi-bin/lib/data/summary.c states them; README: The
// app, Feeding); tests/t0212-summary-shared.sh holds them equal.
import { dayKey, dayStart, dayEnd, addDays, minuteOfDay } from './time.js';
import { isRunning, withDerived, isSession, sides, BREAST, TYPES } from './entries.js';

const HOUR = 3600000;
const MAX_RUN_MS = 48 * HOUR; // a forgotten timer cannot fill a month
const MAX_HOURS = 26;
const CONTINUE_MS = 60000; // a breast feed this soon after another continues it

// subjectId: one person's id; null: every entry; ALL: everyone, each on
// their own (the `subjects` given, in the family's order).
export const ALL = 'all';
const anyone = (subjectId) => !subjectId || subjectId === ALL;

function live(entries, subjectId) {
  return entries.filter((e) => !e.deleted && (anyone(subjectId) || e.subject_id === subjectId));
}

// Whom figures cover: each person with ALL, else the one (or null).
const peopleOf = (subjectId, subjects) => (subjectId === ALL ? subjects : [subjectId]);
// subject_id, and with ALL subject_ids (lib/data/summary.c add_people).
const whom = (subjectId, subjects) =>
  subjectId === ALL ? { subject_id: null, subject_ids: subjects } : { subject_id: subjectId };

// Milliseconds of [a, b) that fall inside [lo, hi).
function overlap(a, b, lo, hi) {
  return Math.max(0, Math.min(b, hi) - Math.max(a, lo));
}

const byStart = (a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// An entry as the figures see it: its value with the derived fields, and
// where it ends (its end_ts; `now` while it runs, at most 48 h on; else its
// start).
function item(e, tz, now) {
  const value = withDerived(e.type, e.value || {}, e.ts, tz);
  const running = e.end_ts == null && isRunning({ ...e, value });
  let end = running ? Math.min(now, e.ts + MAX_RUN_MS) : (e.end_ts ?? e.ts);
  if (end < e.ts) end = e.ts;
  return {
    sides: isSession(value) ? sides(value, running, e.ts, end) : null,
    top_up: value.top_up === true,
    continued: false,
    id: e.id,
    type: e.type,
    ts: e.ts,
    end,
    running,
    value,
    method: typeof value.method === 'string' ? value.method : '',
    kind: typeof value.kind === 'string' ? value.kind : '',
    wet: value.wet === true,
    dirty: value.dirty === true,
    amount_ml: typeof value.amount_ml === 'number' ? value.amount_ml : 0,
  };
}

// The entries that can touch [from, to), oldest first, as the server selects
// them (an entry without an end is taken as reaching `now`; the 48 h bound
// is the longest an entry may last).
// Breast feeds ending up to a minute before `from` come too, for the one
// that may continue them (they add nothing to the window themselves).
function items(entries, subjectId, from, to, tz, now) {
  let breastEnd = -Infinity;
  return live(entries, subjectId)
    .filter((e) => e.ts < to && (e.end_ts ?? now) >= from - CONTINUE_MS && e.ts >= from - MAX_RUN_MS)
    .sort(byStart)
    .map((e) => {
      const it = item(e, tz, now);
      if (it.type === 'feed' && BREAST.includes(it.method)) {
        it.continued = it.ts >= breastEnd && it.ts - breastEnd <= CONTINUE_MS;
        breastEnd = Math.max(breastEnd, it.end);
      }
      return it;
    });
}

export function emptyTotals() {
  return {
    sleep_ms: 0,
    nap_ms: 0,
    night_ms: 0,
    naps: 0,
    night_sleeps: 0,
    longest_sleep_ms: 0,
    feeds: 0,
    bottles: 0,
    bottle_ml: 0,
    solids: 0,
    breast_left_ms: 0,
    breast_right_ms: 0,
    breast_both_ms: 0,
    diapers: 0,
    wet: 0,
    dirty: 0,
    pumps: 0,
    pump_ml: 0,
    tummy_ms: 0,
    medications: 0,
  };
}

// Adds what of `it` falls in [lo, hi): durations clipped to it, counts to
// the window the entry starts in (lib/data/summary.c summary_totals_add).
function totalsAdd(t, it, lo, hi) {
  const inMs = overlap(it.ts, it.end, lo, hi);
  const startsHere = it.ts >= lo && it.ts < hi;
  switch (it.type) {
    case 'sleep': {
      if (inMs === 0 && !startsHere) return;
      const night = it.kind === 'night';
      t.sleep_ms += inMs;
      if (night) t.night_ms += inMs;
      else t.nap_ms += inMs;
      t.longest_sleep_ms = Math.max(t.longest_sleep_ms, it.end - it.ts);
      if (startsHere && night) t.night_sleeps += 1;
      else if (startsHere) t.naps += 1;
      return;
    }
    case 'feed': {
      const side = it.sides
        ? startsHere
          ? it.sides
          : [0, 0, 0]
        : [0, 1, 2].map((i) => (it.method === BREAST[i] ? inMs : 0));
      t.breast_left_ms += side[0];
      t.breast_right_ms += side[1];
      t.breast_both_ms += side[2];
      if (!startsHere) return;
      if (!it.continued && !it.top_up) t.feeds += 1;
      if (it.method === 'bottle') {
        t.bottles += 1;
        t.bottle_ml += it.amount_ml;
      } else if (it.method === 'solids') t.solids += 1;
      return;
    }
    case 'tummy_time':
      t.tummy_ms += inMs;
      return;
    default:
      if (!startsHere) return;
      if (it.type === 'diaper') {
        t.diapers += 1;
        t.wet += it.wet ? 1 : 0;
        t.dirty += it.dirty ? 1 : 0;
      } else if (it.type === 'pump') {
        t.pumps += 1;
        t.pump_ml += it.amount_ml;
      } else if (it.type === 'medication') {
        t.medications += 1;
      }
  }
}

const pad = (n) => String(n).padStart(2, '0');
function hourLabel(ts, tz) {
  const m = minuteOfDay(ts, tz);
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

// The zone's abbreviation for a grid row, as Intl names it (the server
// takes tzdata's: the same in most zones, "GMT+2" against "IST" in some).
const abbrFormats = new Map();
function abbr(ts, tz) {
  let f = abbrFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, timeZoneName: 'short' });
    abbrFormats.set(tz, f);
  }
  const p = f.formatToParts(ts).find((x) => x.type === 'timeZoneName');
  return p ? p.value : '';
}

// The latest entry of a type started by `now` (lib/data/summary.c last_of). Time
// since a feed counts from its start, since a sleep from waking (from
// falling asleep while it runs), since anything else from when it was.
function last(entries, type, subjectId, tz, now) {
  let best = null;
  for (const e of live(entries, subjectId)) {
    if (e.type === type && e.ts <= now && e.value?.top_up !== true && (!best || byStart(e, best) > 0)) best = e;
  }
  if (!best) return null;
  const it = item(best, tz, now);
  const end = best.end_ts ?? best.ts;
  const since = type === 'sleep' && !it.running ? end : best.ts;
  return {
    id: best.id,
    ts: best.ts,
    end_ts: best.end_ts ?? null,
    running: it.running,
    ago_ms: now - since,
    value: it.value,
  };
}

// A family's own type in a window's figures (summary.c custom_add, the
// same rule): custom[type] = {count, duration_ms, fields: {key: sum}}:
// entries starting in [lo, hi) are counted and their count and amount
// fields summed; a duration type's time is clipped to the window.
function customAdd(custom, it, lo, hi) {
  const def = TYPES[it.type];
  if (!def?.custom) return;
  const startsHere = it.ts >= lo && it.ts < hi;
  const inside = def.timed ? overlap(it.ts, it.end, lo, hi) : 0;
  if (!startsHere && inside === 0) return;
  if (!custom[it.type]) custom[it.type] = { count: 0, duration_ms: 0, fields: {} };
  const c = custom[it.type];
  c.duration_ms += inside;
  if (!startsHere) return;
  c.count += 1;
  for (const f of def.fields) {
    const v = it.value[f.key];
    if ((f.rule.kind === 'int' || f.rule.kind === 'number') && typeof v === 'number')
      c.fields[f.key] = (c.fields[f.key] || 0) + v;
  }
}

const lasts = (entries, sid, tz, now) =>
  Object.fromEntries(['feed', 'diaper', 'sleep'].map((ty) => [ty, last(entries, ty, sid, tz, now)]));

// One day as GET /summary?date=key gives it:
// {date, timezone, subject_id, day_start, day_end, hours_in_day, now,
//  totals, custom, last: {feed, diaper, sleep}, hours: [{label, abbr, start, end,
//  sleep_ms, feeds, bottle_ml, breast_ms, wet, dirty, events}]}; with
// subjectId ALL the people's figures added up (each one's feeds chained on
// their own), subject_ids, and people: [{subject_id, totals, custom, last}]
// instead of last.
export function daySummary(entries, key, tz, { subjectId = null, subjects = [], now = Date.now() } = {}) {
  const lo = dayStart(key, tz);
  const hi = dayEnd(key, tz);
  const totals = emptyTotals();
  const rows = [];
  for (let h = lo; h < hi && rows.length < MAX_HOURS; h += HOUR) {
    rows.push({ start: h, end: Math.min(h + HOUR, hi), t: emptyTotals(), events: [] });
  }
  const custom = {};
  const people = peopleOf(subjectId, subjects).map((sid) => ({ subject_id: sid, totals: emptyTotals(), custom: {} }));
  for (const p of people) {
    for (const it of items(entries, p.subject_id, lo, hi, tz, now)) {
      for (const [t, c] of [
        [totals, custom],
        [p.totals, p.custom],
      ]) {
        totalsAdd(t, it, lo, hi);
        customAdd(c, it, lo, hi);
      }
      for (const r of rows) {
        totalsAdd(r.t, it, r.start, r.end);
        if (it.ts >= r.start && it.ts < r.end) {
          r.events.push({ id: it.id, type: it.type, ts: it.ts });
        }
      }
    }
    p.last = lasts(entries, p.subject_id, tz, now);
  }
  const hours = rows.map((r) => ({
    label: hourLabel(r.start, tz),
    abbr: abbr(r.start, tz),
    start: r.start,
    end: r.end,
    sleep_ms: r.t.sleep_ms,
    feeds: r.t.feeds,
    bottle_ml: r.t.bottle_ml,
    breast_ms: r.t.breast_left_ms + r.t.breast_right_ms + r.t.breast_both_ms,
    wet: r.t.wet,
    dirty: r.t.dirty,
    events: r.events,
  }));
  return {
    date: key,
    timezone: tz,
    ...whom(subjectId, subjects),
    day_start: lo,
    day_end: hi,
    hours_in_day: (hi - lo) / HOUR,
    now,
    totals,
    custom,
    ...(subjectId === ALL ? { people } : { last: people[0].last }),
    hours,
  };
}

// The `days` days ending with endKey as GET /trends gives them:
// {timezone, subject_id, now, days: [totals + {date, day_start,
//  minutes_in_day, rhythm: {sleeps: [[from, to]], feeds: [at]}}]}, oldest
// first, rhythm in minutes from the day's start.
export function trendsReport(entries, days, endKey, tz, { subjectId = null, subjects = [], now = Date.now() } = {}) {
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const date = addDays(endKey, -i);
    const lo = dayStart(date, tz);
    const hi = dayEnd(date, tz);
    out.push({ date, lo, hi, t: emptyTotals(), sleeps: [], feeds: [], custom: {} });
  }
  const all = peopleOf(subjectId, subjects).flatMap((sid) =>
    items(entries, sid, out[0].lo, out[out.length - 1].hi, tz, now),
  );
  for (const it of all) {
    for (const d of out) {
      if (it.end < d.lo || it.ts >= d.hi) continue;
      totalsAdd(d.t, it, d.lo, d.hi);
      customAdd(d.custom, it, d.lo, d.hi);
      const from = Math.max(it.ts, d.lo) - d.lo;
      const to = Math.min(it.end, d.hi) - d.lo;
      if (it.type === 'sleep' && to > from) d.sleeps.push([from / 60000, to / 60000]);
      else if (it.type === 'feed' && it.ts >= d.lo && !it.continued && !it.top_up) d.feeds.push(from / 60000);
    }
  }
  return {
    timezone: tz,
    ...whom(subjectId, subjects),
    now,
    days: out.map((d) => ({
      ...d.t,
      date: d.date,
      day_start: d.lo,
      minutes_in_day: (d.hi - d.lo) / 60000,
      rhythm: { sleeps: d.sleeps, feeds: d.feeds },
      custom: d.custom,
    })),
  };
}

// Per-day figures for the `days` days ending with endKey (oldest first).
export function trends(entries, days, endKey, tz, opts = {}) {
  return trendsReport(entries, days, endKey, tz, opts).days;
}

// For the 24-hour rhythm chart: per day of a trends report (the server's or
// ours), sleep spans and feed times as fractions of the day (0..1).
export function rhythmRows(days) {
  return days.map((d) => ({
    date: d.date,
    sleep: d.rhythm.sleeps.map(([a, b]) => [a / d.minutes_in_day, b / d.minutes_in_day]),
    feeds: d.rhythm.feeds.map((a) => a / d.minutes_in_day),
  }));
}

export function rhythm(entries, days, endKey, tz, opts = {}) {
  return rhythmRows(trends(entries, days, endKey, tz, opts));
}

// The most recent entry of a type started by `now` (ties: the larger id), or null.
export function lastOf(entries, type, subjectId = null, now = Date.now()) {
  let best = null;
  for (const e of live(entries, subjectId)) {
    if (e.type === type && e.ts <= now && (!best || byStart(e, best) > 0)) best = e;
  }
  return best;
}

// Time since the last feed (from its start), sleep (from waking; from
// falling asleep while it runs) or diaper: the server's last.*.ago_ms.
export function sinceLast(entries, type, now = Date.now(), subjectId = null) {
  const e = lastOf(entries, type, subjectId, now);
  if (!e) return null;
  const running = isRunning(e);
  const at = type === 'sleep' && !running ? (e.end_ts ?? e.ts) : e.ts;
  return { ms: Math.max(0, now - at), running, entry: e };
}

export function runningTimers(entries, subjectId = null) {
  return live(entries, subjectId).filter(isRunning).sort(byStart);
}

export function todayKey(tz, now = Date.now()) {
  return dayKey(now, tz);
}

// ---- the server's figures when they can be had ----

// True when the local copy holds changes in [lo, hi) the server has not
// taken yet: its figures would miss them, so the local ones are fresher.
function pendingIn(entries, subjectId, lo, hi) {
  return entries.some(
    (e) =>
      e._pending &&
      (anyone(subjectId) || e.subject_id === subjectId) &&
      e.ts < hi &&
      (e.end_ts ?? e.ts) >= lo - MAX_RUN_MS,
  );
}

// A day's summary from the server (GET /summary) when online and nothing of
// the day waits in the outbox, else computed here from the local copy; the
// same shape either way, with `source`: 'server' or 'local'. `get` is
// api.js's get (injected, so this module stays pure); `online`, e.g.
// navigator.onLine.
export async function summaryFor({
  get,
  familyId,
  key,
  tz,
  entries,
  subjectId = null,
  subjects = [],
  now = Date.now(),
  online = true,
}) {
  const local = () => ({ ...daySummary(entries, key, tz, { subjectId, subjects, now }), source: 'local' });
  if (!online || !get || pendingIn(entries, subjectId, dayStart(key, tz), dayEnd(key, tz))) return local();
  const q = `date=${key}${subjectId ? `&subject=${encodeURIComponent(subjectId)}` : ''}`;
  try {
    const s = await get(`/families/${encodeURIComponent(familyId)}/summary?${q}`);
    return { ...s, source: 'server' };
  } catch {
    return local();
  }
}

// The same for GET /trends (days 7 or 30, ending with endKey): the report's
// shape, with `source`.
export async function trendsFor({
  get,
  familyId,
  days,
  endKey,
  tz,
  entries,
  subjectId = null,
  subjects = [],
  now = Date.now(),
  online = true,
}) {
  const local = () => ({ ...trendsReport(entries, days, endKey, tz, { subjectId, subjects, now }), source: 'local' });
  const lo = dayStart(addDays(endKey, 1 - days), tz);
  if (!online || !get || pendingIn(entries, subjectId, lo, dayEnd(endKey, tz))) return local();
  const q = `days=${days}&end=${endKey}${subjectId ? `&subject=${encodeURIComponent(subjectId)}` : ''}`;
  try {
    const r = await get(`/families/${encodeURIComponent(familyId)}/trends?${q}`);
    return { ...r, source: 'server' };
  } catch {
    return local();
  }
}

export { HOUR };

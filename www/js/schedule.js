// schedule.js — a medication's day by the server's rules (lib/data/meds.c),
// pure, for the app to compute offline: its doses as wall-clock times in
// the family's zone (a spring-forward gap gives the dose at its end, a
// repeated hour once), each dose's state (due, late, missed, given,
// skipped; the first record of a dose is the dose and any other a
// conflict), as-needed limits and the supply left. Shapes are the API's
// (GET /medications/schedule). tests/t0222-schedule-shared.sh holds it
// equal to the server on the clock-change days.
import { tzOffset } from './time.js';

export const LATE_AFTER_MS = 0;
export const MISSED_AFTER_MS = 30 * 60000;
export const EARLY_MS = 60 * 60000;
const DAY_MS = 86400000;

// ---- time: a local wall time in a zone as an instant ----
// The instant local `key` (YYYY-MM-DD) at `minutes` after midnight reads in
// `tz`, as the server's tz_civil_to_utc: in a spring-forward gap the end of
// the gap, in an autumn overlap the first occurrence.
export function zonedInstant(key, minutes, tz) {
  const [y, m, d] = key.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  const offsets = [...new Set([tzOffset(wall - DAY_MS, tz), tzOffset(wall, tz), tzOffset(wall + DAY_MS, tz)])];
  const fits = offsets.map((o) => wall - o).filter((t) => tzOffset(t, tz) === wall - t);
  if (fits.length) return Math.min(...fits);
  // A gap: the first instant whose local time is past the wall time.
  let lo = Math.min(...offsets.map((o) => wall - o));
  let hi = Math.max(...offsets.map((o) => wall - o));
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2 / 1000) * 1000;
    if (mid + tzOffset(mid, tz) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

const hhmm = (s) => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
};
const fmtHHMM = (ms, tz) => {
  const p = new Date(ms + tzOffset(ms, tz));
  return `${String(p.getUTCHours()).padStart(2, '0')}:${String(p.getUTCMinutes()).padStart(2, '0')}`;
};

// The schedule's times of day (minutes after midnight), sorted, distinct.
export function timesOf(med) {
  const s = med.schedule || {};
  let out = [];
  if (s.kind === 'times') out = (s.times || []).map(hhmm).filter((x) => x >= 0);
  else if (s.kind === 'interval') {
    const first = hhmm(s.first_time);
    const n = s.every_hours > 0 && 24 % s.every_hours === 0 ? 24 / s.every_hours : 0;
    for (let k = 0; first >= 0 && k < n; k++) out.push((first + k * s.every_hours * 60) % 1440);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

// The instants of a medication's doses on local day `key` (med_day_slots).
export function daySlots(med, key, tz) {
  if (!med.active || med.deleted || med.schedule?.kind === 'prn') return [];
  if (key < med.start_date || (med.end_date && key > med.end_date)) return [];
  const out = [];
  for (const min of timesOf(med)) {
    const at = zonedInstant(key, min, tz);
    if (out.length && out[out.length - 1] >= at) continue;
    out.push(at);
  }
  return out;
}

export function doseState(at, now, status) {
  if (status === 'given') return 'given';
  if (status === 'skipped') return 'skipped';
  if (now < at + LATE_AFTER_MS) return 'due';
  return now < at + MISSED_AFTER_MS ? 'late' : 'missed';
}
export const onTime = (at, givenAt) => givenAt >= at - EARLY_MS && givenAt <= at + MISSED_AFTER_MS;

// The dose entries of a medication, live, first stored first (entries not
// yet on the server come after, in the order they were made).
function dosesOf(entries, medId) {
  return entries
    .filter((e) => e.type === 'medication_dose' && !e.deleted && e.value?.medication_id === medId)
    .sort(
      (a, b) =>
        (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
        a.created_at - b.created_at ||
        (a.id < b.id ? -1 : 1),
    );
}

// The records of one scheduled dose as the schedule shows them.
function slotOf(med, at, doses, now, tz) {
  const recs = doses.filter((e) => e.value.scheduled_at === at);
  const [first, ...rest] = recs;
  const state = doseState(at, now, first?.value.status);
  return {
    medication_id: med.id,
    subject_id: med.subject_id,
    name: med.name,
    dose: med.dose ?? null,
    unit: med.unit || '',
    scheduled_at: at,
    time: fmtHHMM(at, tz),
    state,
    entry_id: first?.id ?? null,
    at: first?.ts ?? null,
    by: first ? (first.author_name ?? null) : null,
    by_member_id: first ? (first.author_id ?? null) : null,
    reason: first?.value.reason ?? null,
    on_time: state === 'given' && onTime(at, first.ts),
    conflicts: rest.map((e) => ({ entry_id: e.id, status: e.value.status, at: e.ts, by: e.author_name ?? null })),
  };
}

// An as-needed medication's last dose, doses in 24 h and when the next is
// safe (null: now).
export function asNeeded(med, entries, now) {
  const given = dosesOf(entries, med.id)
    .filter((e) => e.value.status === 'given' && e.ts <= now)
    .map((e) => e.ts)
    .sort((a, b) => b - a);
  const s = med.schedule || {};
  const recent = given.filter((ts) => ts > now - DAY_MS).slice(0, 101);
  let safe = 0;
  if (given.length && s.min_interval_min) safe = given[0] + s.min_interval_min * 60000;
  if (s.max_per_24h && recent.length >= s.max_per_24h) safe = Math.max(safe, recent[s.max_per_24h - 1] + DAY_MS);
  return {
    medication_id: med.id,
    subject_id: med.subject_id,
    name: med.name,
    dose: med.dose ?? null,
    unit: med.unit || '',
    min_interval_min: s.min_interval_min ?? null,
    max_per_24h: s.max_per_24h ?? null,
    last_at: given.length ? given[0] : null,
    in_24h: recent.length,
    next_safe_at: safe > now ? safe : null,
  };
}

// The day's schedule as GET /medications/schedule answers it.
export function daySchedule(meds, entries, key, tz, now, subjectId = null) {
  const doses = [];
  const prn = [];
  const mine = meds
    .filter((m) => !m.deleted && (!subjectId || m.subject_id === subjectId))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  for (const med of mine) {
    if (med.schedule?.kind === 'prn') {
      if (med.active) prn.push(asNeeded(med, entries, now));
      continue;
    }
    const records = dosesOf(entries, med.id);
    for (const at of daySlots(med, key, tz)) doses.push(slotOf(med, at, records, now, tz));
  }
  doses.sort((a, b) => a.scheduled_at - b.scheduled_at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { date: key, timezone: tz, doses, prn };
}

// The supply left (MED_SUPPLY_LEFT_SQL): the count entered less each given
// dose since, a scheduled time once; null without a count.
export function supplyLeft(med, entries) {
  if (med.supply == null) return null;
  const doses = dosesOf(entries, med.id);
  let used = 0;
  for (const e of doses) {
    if (e.value.status !== 'given' || e.ts < med.supply_at) continue;
    const at = e.value.scheduled_at;
    if (at != null && doses.find((x) => x.value.scheduled_at === at) !== e) continue;
    used += e.value.dose ?? med.dose ?? 1;
  }
  return med.supply - used;
}

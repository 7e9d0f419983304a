// guidance.js — when the next sleep is likely due: the wake window for the
// baby's age, moved towards the baby's own (README: Sleep guidance). Pure.
// Guidance, not a rule; the app says so.

// Wake windows by age: [up to this age (days), shortest, longest (minutes)].
export const WAKE = [
  [28, 35, 60],
  [56, 60, 90],
  [91, 75, 105],
  [122, 90, 120],
  [183, 120, 150],
  [244, 150, 180],
  [304, 150, 210],
  [365, 180, 240],
  [548, 240, 300],
  [1096, 300, 360],
];

// For one person's entries: {awake, at, minutes, lo, hi, own} — awake since
// `awake`, next sleep likely at `at` (minutes after waking), the age's
// window [lo, hi], and the median of the baby's own wake windows before a
// nap in the last 7 days (3 at least; windows under half the shortest or
// over twice the longest are left out as unlogged sleep) or null. null when
// asleep, nothing is logged, waking was over 12 hours ago, or past 3 years.
export function nextSleep(entries, birthDate, now = Date.now()) {
  const age = (now - Date.parse(`${birthDate}T00:00:00Z`)) / 86400000;
  const band = age >= 0 && WAKE.find(([upTo]) => age < upTo);
  const sleeps = entries.filter((e) => e.type === 'sleep' && !e.deleted).sort((a, b) => a.ts - b.ts);
  const last = sleeps[sleeps.length - 1];
  if (!band || !last || last.end_ts == null || now - last.end_ts > 12 * 3600000) return null;
  const [, lo, hi] = band;
  const own = [];
  for (let i = 1; i < sleeps.length; i++) {
    const w = (sleeps[i].ts - (sleeps[i - 1].end_ts ?? Infinity)) / 60000;
    if (sleeps[i].ts > now - 7 * 86400000 && sleeps[i].value?.kind !== 'night' && w >= lo / 2 && w <= hi * 2)
      own.push(w);
  }
  own.sort((a, b) => a - b);
  const mid = own.length >> 1;
  const median = own.length < 3 ? null : own.length % 2 ? own[mid] : (own[mid - 1] + own[mid]) / 2;
  const minutes = Math.round(median === null ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, median)));
  return { awake: last.end_ts, at: last.end_ts + minutes * 60000, minutes, lo, hi, own: median };
}

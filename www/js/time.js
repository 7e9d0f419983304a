// time.js — calendar days in a family's IANA time zone (daily summaries are
// per family zone, not per phone), built on Intl only.
const partsFormatters = new Map();

function partsFormatter(tz) {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

function zonedParts(ts, tz) {
  const out = {};
  for (const p of partsFormatter(tz).formatToParts(ts)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return out;
}

// Milliseconds to add to UTC to get wall-clock time in tz at instant ts.
export function tzOffset(ts, tz) {
  const p = zonedParts(ts, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ts / 1000) * 1000;
}

export function dayKey(ts, tz) {
  const p = zonedParts(ts, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function minuteOfDay(ts, tz) {
  const p = zonedParts(ts, tz);
  return p.hour * 60 + p.minute;
}

function keyToUTC(key) {
  const [y, m, d] = key.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

// The instant the day `key` starts in tz (handles DST: try the offset at the
// guess, then correct once with the offset at the result).
export function dayStart(key, tz) {
  const guess = keyToUTC(key);
  let start = guess - tzOffset(guess, tz);
  const again = guess - tzOffset(start, tz);
  if (again !== start && dayKey(again, tz) === key) start = again;
  return start;
}

export function addDays(key, n) {
  const d = new Date(keyToUTC(key) + n * 86400000);
  return d.toISOString().slice(0, 10);
}

export function dayEnd(key, tz) {
  return dayStart(addDays(key, 1), tz);
}

// Whole days between two YYYY-MM-DD keys (b - a).
export function daysBetween(a, b) {
  return Math.round((keyToUTC(b) - keyToUTC(a)) / 86400000);
}

// The instant a wall-clock time (minutes after midnight) of the day `key`
// is in tz. A time a spring gap skips comes out after the gap, a time the
// autumn repeats as its first occurrence, as the server reads a local time.
export function localToMs(key, minute, tz) {
  const wall = keyToUTC(key) + minute * 60000;
  let ts = wall - tzOffset(wall, tz);
  const again = wall - tzOffset(ts, tz);
  if (again !== ts && minuteOfDay(again, tz) === minute && dayKey(again, tz) === key) ts = again;
  const earlier = ts - 3600000;
  if (dayKey(earlier, tz) === key && minuteOfDay(earlier, tz) === minute) ts = earlier;
  return ts;
}

// "HH:MM" of minutes after midnight, and back (a form's time field).
const pad2 = (n) => String(n).padStart(2, '0');
export const hhmm = (min) => `${pad2(Math.floor(min / 60))}:${pad2(min % 60)}`;
export function minutesOf(text) {
  const [h, m] = String(text || '00:00')
    .split(':')
    .map(Number);
  return h * 60 + m;
}

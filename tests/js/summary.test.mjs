// summary.test.mjs — family-zone days, daily totals and grid, trends,
// "time since last", the entry merge rule, validation and UUID v7 ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayKey, dayStart, dayEnd, addDays, tzOffset } from '../../www/js/time.js';
import { daySummary, trends, rhythm, sinceLast, runningTimers } from '../../www/js/summary.js';
import { mergeEntry, validate, cleanValue, isRunning, toChange } from '../../www/js/entries.js';
import { uuidv7, uuidTime } from '../../www/js/uuid.js';
import { webcrypto } from 'node:crypto';

// Browsers and Node 20+ have a global crypto; Debian 12's Node 18 has it only
// in the REPL, so uuid.js gets the same Web Crypto object here.
globalThis.crypto ??= webcrypto;

const TZ = 'Asia/Jerusalem';
const MIN = 60000;
const H = 60 * MIN;

function e(type, ts, value = {}, extra = {}) {
  return {
    id: `${type}-${ts}`,
    subject_id: 's1',
    type,
    ts,
    end_ts: null,
    value,
    updated_at: ts,
    deleted: false,
    ...extra,
  };
}

test('days follow the family zone, including DST change days', () => {
  const start = dayStart('2026-03-27', TZ); // Israel springs forward on 27 March 2026
  assert.equal(dayKey(start, TZ), '2026-03-27');
  assert.equal(dayKey(start - 1, TZ), '2026-03-26');
  assert.equal(dayEnd('2026-03-27', TZ) - start, 23 * H);
  assert.equal(dayEnd('2026-01-10', TZ) - dayStart('2026-01-10', TZ), 24 * H);
  assert.equal(tzOffset(Date.UTC(2026, 0, 10), TZ), 2 * H);
  assert.equal(addDays('2026-02-28', 1), '2026-03-01');
  assert.equal(dayKey(Date.UTC(2026, 0, 10, 23, 30), 'UTC'), '2026-01-10');
  assert.equal(dayKey(Date.UTC(2026, 0, 10, 23, 30), TZ), '2026-01-11');
});

test('a day: totals, sleep clipped at midnight, and the 24-hour grid', () => {
  const d0 = dayStart('2026-01-10', TZ);
  const list = [
    e('sleep', d0 - 2 * H, {}, { end_ts: d0 + 3 * H }), // night sleep from the day before
    e('feed', d0 + 3 * H + 5 * MIN, { method: 'bottle', amount_ml: 120 }),
    e('feed', d0 + 6 * H, { method: 'breast_left' }, { end_ts: d0 + 6 * H + 15 * MIN }),
    e('diaper', d0 + 6 * H + 20 * MIN, { wet: true, dirty: true }),
    e('diaper', d0 + 9 * H, { wet: true, dirty: false }),
    e('sleep', d0 + 13 * H, {}, { end_ts: d0 + 14 * H + 30 * MIN }),
    e('feed', d0 + 10 * H, { method: 'bottle', amount_ml: 90 }, { deleted: true }),
    e('feed', d0 + 11 * H, { method: 'bottle', amount_ml: 60 }, { subject_id: 'other' }),
  ];
  const s = daySummary(list, '2026-01-10', TZ, { subjectId: 's1', now: d0 + 20 * H });
  assert.equal(s.totals.sleep_ms, (3 * 60 + 90) * MIN);
  assert.deepEqual(
    [s.totals.night_ms, s.totals.nap_ms, s.totals.naps, s.totals.night_sleeps],
    [3 * H, 90 * MIN, 1, 0],
    'the sleep from 22:00 the day before is a night (its kind derived), the 13:00 one a nap',
  );
  assert.equal(s.totals.feeds, 2);
  assert.equal(s.totals.bottle_ml, 120);
  assert.equal(s.totals.breast_left_ms, 15 * MIN);
  assert.equal(s.totals.diapers, 2);
  assert.equal(s.totals.wet, 2);
  assert.equal(s.totals.dirty, 1);
  assert.equal(s.hours.length, 24);
  assert.equal(s.hours[0].sleep_ms, H);
  assert.equal(s.hours[3].events.length, 1);
  assert.equal(s.hours[13].sleep_ms, H);
  assert.equal(s.hours[14].sleep_ms, 30 * MIN);
  assert.equal(s.hours[6].events.length, 2);
});

test('a running sleep counts up to now, a forgotten one 48 hours at most; a bottle is never running', () => {
  const d0 = dayStart('2026-01-10', TZ);
  const list = [e('sleep', d0 + 20 * H), e('feed', d0 + 19 * H, { method: 'bottle', amount_ml: 90 })];
  const s = daySummary(list, '2026-01-10', TZ, { now: d0 + 21 * H + 15 * MIN });
  assert.equal(s.totals.sleep_ms, 75 * MIN);
  assert.equal(runningTimers(list).length, 1);
  assert.equal(s.last.feed.running, false);
  const later = daySummary(list, '2026-01-12', TZ, { now: d0 + 30 * 24 * H });
  assert.equal(later.totals.sleep_ms, 20 * H, 'day 3 holds the last 20 of the 48 hours');
});

test('trends: one row per day, oldest first; rhythm gives day fractions', () => {
  const d0 = dayStart('2026-01-10', TZ);
  const list = [
    e('diaper', d0 + H, { wet: true }),
    e('diaper', d0 - 22 * H, { wet: true }),
    e('sleep', d0 - 2 * H, {}, { end_ts: d0 + 2 * H }),
    e('feed', d0 + 12 * H, { method: 'bottle', amount_ml: 100 }),
  ];
  const t = trends(list, 7, '2026-01-10', TZ, { now: d0 + 23 * H });
  assert.equal(t.length, 7);
  assert.equal(t[6].date, '2026-01-10');
  assert.equal(t[6].diapers, 1);
  assert.equal(t[5].diapers, 1);
  assert.equal(t[5].sleep_ms, 2 * H);
  assert.equal(t[6].sleep_ms, 2 * H);
  assert.equal(t[6].bottle_ml, 100);
  const r = rhythm(list, 2, '2026-01-10', TZ, { now: d0 + 23 * H });
  assert.deepEqual(r[1].sleep, [[0, 2 / 24]]);
  assert.deepEqual(r[1].feeds, [0.5]);
});

test('time since last, as the server counts it: a feed from its start, a sleep from waking, a diaper from its change', () => {
  const t = 1_000_000_000;
  const list = [
    e('feed', t, { method: 'breast_left' }, { end_ts: t + 10 * MIN }),
    e('diaper', t + 5 * MIN, { wet: true }),
    e('sleep', t + 20 * MIN, {}, { end_ts: t + 50 * MIN }),
  ];
  assert.equal(sinceLast(list, 'feed', t + 70 * MIN).ms, 70 * MIN);
  assert.equal(sinceLast(list, 'diaper', t + 70 * MIN).ms, 65 * MIN);
  assert.equal(sinceLast(list, 'sleep', t + 70 * MIN).ms, 20 * MIN);
  assert.equal(sinceLast([e('sleep', t)], 'sleep', t - 1), null, 'nothing started by now');
  const asleep = sinceLast([e('sleep', t)], 'sleep', t + MIN);
  assert.deepEqual([asleep.running, asleep.ms], [true, MIN], 'asleep for a minute');
});

test('merge: a newer local change waiting in the outbox beats the server copy; otherwise server wins', () => {
  const local = { id: 'a', updated_at: 10, _pending: true, value: { text: 'mine' } };
  assert.equal(mergeEntry(local, { id: 'a', updated_at: 5, seq: 3 }).value.text, 'mine');
  assert.equal(mergeEntry(local, { id: 'a', updated_at: 11, seq: 4, value: { text: 'theirs' } }).value.text, 'theirs');
  const synced = { id: 'a', updated_at: 10, seq: 9, _pending: false };
  assert.equal(
    mergeEntry(synced, { id: 'a', updated_at: 12, seq: 7 }).seq,
    9,
    'an older server event does not undo a newer one',
  );
  assert.equal(mergeEntry(null, { id: 'b', seq: 1 })._pending, false);
});

test('validation and cleaning follow the entry rules', () => {
  assert.deepEqual(validate('diaper', { wet: false, dirty: false }), { wet: 'err.diaper' });
  assert.deepEqual(validate('feed', { method: 'bottle', amount_ml: 5000 }), { amount_ml: 'err.range' });
  assert.deepEqual(validate('feed', { method: 'breast_left', amount_ml: 5000 }), {}, 'hidden fields are not checked');
  assert.deepEqual(validate('temperature', {}), { celsius: 'err.required' });
  assert.deepEqual(validate('growth', {}), { weight_g: 'err.growth' });
  assert.deepEqual(cleanValue('feed', { method: 'breast_left', amount_ml: 100, notes: '' }), { method: 'breast_left' });
  assert.deepEqual(cleanValue('feed', { method: 'bottle', amount_ml: '120.4', milk: 'formula' }), {
    method: 'bottle',
    milk: 'formula',
    amount_ml: 120,
  });
  assert.equal(isRunning(e('feed', 1, { method: 'bottle' })), false);
  assert.equal(isRunning(e('feed', 1, { method: 'breast_right' })), true);
  assert.deepEqual(toChange({ id: 'x', deleted: true, updated_at: 3 }), { op: 'delete', id: 'x', updated_at: 3 });
});

test('UUID v7: well formed, time first, ordered within one millisecond', () => {
  const ids = Array.from({ length: 50 }, () => uuidv7(1_700_000_000_000));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, 50);
  assert.equal(uuidTime(uuidv7(1_800_000_000_000)), 1_800_000_000_000);
});

// summary-shared.test.mjs — the app's figures on the shared fixture
// (tests/fixtures/summary.json) at its fixed `now`: the hand-worked figures
// of its `expect` (the server must give the same: t0212-summary-shared.sh,
// which also compares every other figure with the server's), and the timers
// left running, which count up to that `now`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { daySummary, trends, rhythm } from '../../www/js/summary.js';

// Read, not imported: Node 18 imports JSON only with import attributes.
const fx = JSON.parse(readFileSync(new URL('../fixtures/summary.json', import.meta.url), 'utf8'));
const TZ = fx.timezone;
const SID = 'noa';
const entries = fx.entries.map((e) => ({
  ...e,
  deleted: !!e.deleted,
  subject_id: e.subject === 'other' ? 'gal' : SID,
}));
const opts = { subjectId: SID, now: fx.now };
const H = 3600000;
const M = 60000;

for (const [date, want] of Object.entries(fx.expect)) {
  test(`${date}: the fixture's hand-worked figures`, () => {
    const s = daySummary(entries, date, TZ, opts);
    assert.equal(s.hours_in_day, want.hours_in_day);
    assert.equal(s.hours.length, Math.ceil(want.hours_in_day));
    for (const [k, v] of Object.entries(want.totals)) assert.equal(s.totals[k], v, `totals.${k}`);
    if (want.hour_labels)
      assert.deepEqual(
        s.hours.slice(0, want.hour_labels.length).map((h) => h.label),
        want.hour_labels,
      );
    if (want.hour_feeds)
      assert.deepEqual(
        s.hours.slice(0, want.hour_feeds.length).map((h) => h.feeds),
        want.hour_feeds,
      );
  });
}

test('the spring-forward grid skips 01:00 and splits the night by real hours', () => {
  const s = daySummary(entries, '2026-03-29', TZ, opts);
  assert.deepEqual(
    s.hours.slice(0, 3).map((h) => [h.label, h.abbr, h.sleep_ms]),
    [
      ['00:00', 'GMT', H],
      ['02:00', 'BST', H],
      ['03:00', 'BST', H],
    ],
  );
  assert.equal(s.hours[4].sleep_ms, H, '05:00-06:00 asleep');
  assert.equal(s.hours[5].sleep_ms, 0, 'awake from 06:00');
  assert.deepEqual(
    [s.hours[21].label, s.hours[21].events.map((e) => e.type)],
    ['22:00', ['sleep']],
    'the night from 22:00',
  );
  assert.deepEqual(
    s.hours[22].events.map((e) => e.type),
    ['feed'],
    'the breast feed from 23:50',
  );
});

test('timers never stopped count up to now', () => {
  const s25 = daySummary(entries, '2026-10-25', TZ, opts);
  assert.equal(s25.totals.breast_left_ms, 90 * M, 'the feed from 22:30 runs to midnight');
  const s26 = daySummary(entries, '2026-10-26', TZ, opts);
  assert.equal(
    s26.totals.breast_left_ms,
    12 * H + (5 + 390 + 2) * M,
    '…and on to now, 12:00; with a session on the left since 05:30 (after 5 min), and a paused one’s 2 min',
  );
  assert.equal(s26.totals.breast_right_ms, 5 * M, 'the sessions’ 4 and 1 min on the right');
  assert.equal(s26.totals.feeds, 3, 'the 07:00 bottle and the two sessions');
  assert.deepEqual(
    [s26.totals.sleep_ms, s26.totals.nap_ms, s26.totals.naps],
    [150 * M, 150 * M, 1],
    'the sleep from 09:30 is a nap of 2.5 h so far',
  );
  assert.deepEqual([s26.last.sleep.running, s26.last.sleep.ago_ms], [true, 150 * M], 'asleep for 2.5 h');
  assert.deepEqual([s26.last.feed.running, s26.last.feed.ago_ms], [false, 5 * H], 'the last feed: the 07:00 bottle');
  const later = daySummary(entries, '2026-10-27', TZ, { ...opts, now: fx.now + 30 * 24 * H });
  assert.equal(later.totals.breast_left_ms, 22 * H + 30 * M, 'a forgotten timer stops at 48 h (22:30 on the 27th)');
});

test('trends and the rhythm split the nights at midnight', () => {
  const week = trends(entries, 7, '2026-03-31', TZ, opts);
  assert.deepEqual(
    week.map((d) => d.minutes_in_day),
    [1440, 1440, 1440, 1440, 1380, 1440, 1440],
  );
  const d29 = week[4];
  assert.equal(d29.sleep_ms, fx.expect['2026-03-29'].totals.sleep_ms);
  assert.deepEqual(d29.rhythm.sleeps, [
    [0, 300],
    [720, 780],
    [1110, 1155],
    [1260, 1380],
  ]);
  assert.deepEqual(rhythm(entries, 7, '2026-03-31', TZ, opts)[4].sleep[0], [0, 300 / 1380]);
});

test('a feed is counted once: side switches, nursing sessions and top-ups', () => {
  const d29 = daySummary(entries, '2026-03-29', TZ, opts);
  assert.equal(d29.totals.feeds, 4, '14:00 left then 14:15 right is one feed');
  assert.deepEqual([d29.totals.breast_left_ms, d29.totals.breast_right_ms], [15 * M, 15 * M], '…its time on each side');
  const d30 = daySummary(entries, '2026-03-30', TZ, opts);
  const h14 = d30.hours[14];
  assert.deepEqual(
    [h14.label, h14.feeds, h14.breast_ms, h14.bottle_ml, h14.events.length],
    ['14:00', 1, 33 * M, 40, 2],
    'the session (15 + 18 min, not its 40-minute span) and its top-up: one feed in its hour',
  );
  assert.equal(d30.hours[15].breast_ms, 0, 'a session’s time stays in the hour it starts');
  assert.equal(d30.totals.bottles, 1, 'the top-up is a bottle given');
  const week = trends(entries, 7, '2026-03-31', TZ, opts);
  assert.equal(week[4].rhythm.feeds.length, 4, 'the rhythm has a dot per feed, not per side');
  assert.deepEqual(week[5].rhythm.feeds, [14 * 60], '…nor one for the top-up');
  const topUp = entries.find((e) => e.value.top_up);
  const s = daySummary(entries, '2026-03-30', TZ, { ...opts, now: topUp.ts + 10 * M });
  assert.equal(
    s.last.feed.ts,
    entries.find((e) => e.value.left_s === 900).ts,
    'time since the last feed runs from the session, not its top-up',
  );
});

// guidance.test.mjs — the sleep guidance rule (README: Sleep guidance):
// the age's wake window, moved towards the baby's own recent windows
// within that range, from the end of the last sleep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextSleep, WAKE } from '../../www/js/guidance.js';

const M = 60000;
const H = 60 * M;
const D = 24 * H;
const now = Date.parse('2026-06-15T12:00:00Z');
const born = (days) => new Date(now - days * D).toISOString().slice(0, 10);
let n = 0;
const sleep = (from, to, kind = 'nap') => ({
  id: `s${n++}`,
  type: 'sleep',
  ts: now + from,
  end_ts: to === null ? null : now + to,
  value: { kind },
});

test('the wake windows grow with age, each band from where the last ended', () => {
  for (let i = 1; i < WAKE.length; i++) {
    assert.ok(WAKE[i][0] > WAKE[i - 1][0] && WAKE[i][2] >= WAKE[i - 1][2], `band ${i}`);
    assert.ok(WAKE[i][1] < WAKE[i][2]);
  }
});

test('without enough of its own sleep logged: the middle of the age’s window', () => {
  const g = nextSleep([sleep(-3 * H, -1 * H)], born(130), now);
  assert.deepEqual([g.lo, g.hi, g.minutes, g.own], [120, 150, 135, null], '4 to 6 months: 2 h to 2.5 h');
  assert.equal(g.at, now - H + 135 * M);
  assert.equal(nextSleep([sleep(-2 * H, -H)], born(10), now).minutes, 48, 'a newborn: 35 to 60 minutes');
});

test('the baby’s own windows before naps move it, within the age’s range', () => {
  // Windows of 2 h, 2 h 10 and 2 h 20 before naps; a night and a 9 h gap left out.
  const log = [
    sleep(-2 * D, -2 * D + H),
    sleep(-2 * D + 3 * H, -2 * D + 4 * H),
    sleep(-2 * D + 6 * H + 10 * M, -2 * D + 7 * H),
    sleep(-2 * D + 9 * H + 20 * M, -2 * D + 10 * H, 'nap'),
    sleep(-2 * D + 12 * H, -D + 2 * H, 'night'),
    sleep(-D + 11 * H, -D + 12 * H),
    sleep(-2 * H, -30 * M),
  ];
  const g = nextSleep(log, born(130), now);
  assert.equal(g.own, 130, 'the median of 120, 130, 140');
  assert.equal(g.minutes, 130);
  assert.equal(nextSleep(log, born(40), now).minutes, 90, 'kept within 60-90 minutes at 6 weeks');
});

test('no guidance while asleep, with nothing logged, long after waking, or past three years', () => {
  assert.equal(nextSleep([sleep(-H, null)], born(130), now), null, 'asleep now');
  assert.equal(nextSleep([], born(130), now), null);
  assert.equal(nextSleep([sleep(-20 * H, -13 * H)], born(130), now), null, 'woke 13 hours ago: not logged since');
  assert.equal(nextSleep([sleep(-3 * H, -H)], born(4 * 365), now), null);
  assert.equal(nextSleep([sleep(-3 * H, -H)], born(-3), now), null, 'not born yet');
});

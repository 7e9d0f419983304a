// ticks.test.mjs — chart axes tick at steps of 1, 2, 2.5 or 5 times a power
// of ten, cover the data, and name each tick with the decimals its step has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks } from '../../www/js/ticks.js';

test('nice steps that cover the data', () => {
  assert.deepEqual(niceTicks(2.4, 9.7).ticks, [2, 4, 6, 8, 10], 'WHO weight 0-6 months: not 2, 3.6, 5.2, …');
  assert.deepEqual(niceTicks(45, 68).ticks, [45, 50, 55, 60, 65, 70]);
  assert.deepEqual(niceTicks(0, 930, { count: 4 }).ticks, [0, 250, 500, 750, 1000]);
  assert.deepEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1], 'no 0.6000000000000001');
  for (const [a, b, o] of [
    [2.4, 9.7],
    [0, 7],
    [0, 14.5, { count: 4 }],
    [3.3, 3.31],
    [-4, 17],
  ]) {
    const r = niceTicks(a, b, o);
    assert.ok(r.lo <= a && r.hi >= b, `[${a}, ${b}] inside [${r.lo}, ${r.hi}]`);
    assert.ok(
      [1, 2, 2.5, 5].some((f) => Math.abs(r.step / 10 ** Math.floor(Math.log10(r.step)) - f) < 1e-9),
      `step ${r.step}`,
    );
    r.ticks.forEach((v, i) => {
      assert.equal(v, Number((r.lo + i * r.step).toFixed(r.digits)));
    });
  }
});

test('counts tick at whole numbers; an empty chart still has an axis', () => {
  assert.deepEqual(niceTicks(0, 3, { count: 4, integer: true }).ticks, [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0, 0, { integer: true }).ticks, [0, 1]);
  assert.ok(niceTicks(0, 7, { count: 4, integer: true }).ticks.every(Number.isInteger));
  assert.equal(niceTicks(0, 0.5, { count: 2 }).digits, 2, 'step 0.25');
  assert.equal(niceTicks(0, 5, { count: 2 }).digits, 1, 'step 2.5');
});

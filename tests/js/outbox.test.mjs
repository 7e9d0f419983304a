// outbox.test.mjs — the outbox's ordering, coalescing, batching, retry with
// backoff, isolation of refused changes, and stop on a lost session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, MemoryStorage, backoffDelay, isRetryable, BATCH_MAX } from '../../www/js/outbox.js';

// A fake timer the tests fire by hand, so no test waits on the clock.
function fakeTimers() {
  const t = {
    pending: [],
    set(fn, ms) {
      const h = { fn, ms };
      t.pending.push(h);
      return h;
    },
    clear(h) {
      t.pending = t.pending.filter((x) => x !== h);
    },
    async fire() {
      const h = t.pending.shift();
      assert.ok(h, 'a retry was scheduled');
      h.fn();
    },
  };
  return t;
}

function put(id, extra = {}) {
  return { op: 'put', id, type: 'note', ts: 1, value: { text: id }, updated_at: 1, ...extra };
}

function applyAll(changes) {
  return { results: changes.map((c) => ({ id: c.id, status: 'applied', entry: c })) };
}

function netError(status = 0, retryAfterMs = 0) {
  const e = new Error('send failed');
  e.status = status;
  e.retryAfterMs = retryAfterMs;
  return e;
}

function makeOutbox(send, extra = {}) {
  const timers = fakeTimers();
  const results = [];
  const ob = new Outbox({
    storage: new MemoryStorage(),
    send,
    setTimer: timers.set,
    clearTimer: timers.clear,
    random: () => 0.5,
    onResult: (r) => results.push(r),
    ...extra,
  });
  return { ob, timers, results };
}

test('changes are sent in the order they were made', async () => {
  const seen = [];
  const { ob } = makeOutbox(async (changes) => {
    seen.push(...changes.map((c) => c.id));
    return applyAll(changes);
  });
  for (const id of ['a', 'b', 'c', 'd']) await ob.add(put(id));
  const r = await ob.flush();
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.equal(r.ok, true);
  assert.equal(r.sent, 4);
  assert.equal(await ob.count(), 0);
});

test('a second change to a waiting entry replaces the first, keeping its place', async () => {
  const seen = [];
  const { ob } = makeOutbox(async (changes) => {
    seen.push(...changes);
    return applyAll(changes);
  });
  await ob.add(put('a'));
  await ob.add(put('b'));
  await ob.add(put('a', { updated_at: 2, value: { text: 'edited' } }));
  assert.equal(await ob.count(), 2);
  await ob.flush();
  assert.deepEqual(
    seen.map((c) => c.id),
    ['a', 'b'],
  );
  assert.equal(seen[0].value.text, 'edited');
});

test('a change made while its entry is on the wire is queued after it, not merged', async () => {
  let release;
  const sent = [];
  const { ob } = makeOutbox(async (changes) => {
    sent.push(changes.map((c) => `${c.id}@${c.updated_at}`));
    if (sent.length === 1)
      await new Promise((r) => {
        release = r;
      });
    return applyAll(changes);
  });
  await ob.add(put('a'));
  const run = ob.flush();
  await new Promise((r) => setImmediate(r));
  await ob.add(put('a', { updated_at: 5 }));
  release();
  await run;
  assert.deepEqual(sent, [['a@1'], ['a@5']]);
  assert.equal(await ob.count(), 0);
});

test('no network: nothing is lost, retries back off, then everything goes once', async () => {
  let online = false;
  const delivered = [];
  const { ob, timers } = makeOutbox(async (changes) => {
    if (!online) throw netError(0);
    delivered.push(...changes.map((c) => c.id));
    return applyAll(changes);
  });
  for (let i = 0; i < 20; i++) await ob.add(put(`e${i}`));
  const r = await ob.flush();
  assert.equal(r.ok, false);
  assert.equal(await ob.count(), 20);
  const delays = [timers.pending[0].ms];
  for (let i = 0; i < 3; i++) {
    await timers.fire();
    await ob.running;
    delays.push(timers.pending[0].ms);
  }
  assert.deepEqual(delays, [2000, 4000, 8000, 16000], 'delay doubles each time');
  online = true;
  await timers.fire();
  await ob.running;
  assert.equal(await ob.count(), 0);
  assert.deepEqual(
    delivered,
    Array.from({ length: 20 }, (_, i) => `e${i}`),
  );
  assert.equal(timers.pending.length, 0, 'no retry left after success');
  assert.equal(ob.attempt, 0, 'backoff resets');
});

test('an explicit flush (online event) replaces a scheduled retry', async () => {
  let fail = true;
  const { ob, timers } = makeOutbox(async (changes) => {
    if (fail) throw netError(503);
    return applyAll(changes);
  });
  await ob.add(put('a'));
  await ob.flush();
  assert.equal(timers.pending.length, 1);
  fail = false;
  const r = await ob.flush();
  assert.equal(r.ok, true);
  assert.equal(timers.pending.length, 0);
});

test('Retry-After from a 429 is honoured when longer than the backoff', async () => {
  const { ob, timers } = makeOutbox(async () => {
    throw netError(429, 60000);
  });
  await ob.add(put('a'));
  await ob.flush();
  assert.equal(timers.pending[0].ms, 60000);
});

test('a change the server refuses is isolated and dropped; the others still go', async () => {
  const delivered = [];
  const invalid = [];
  const { ob } = makeOutbox(
    async (changes) => {
      if (changes.some((c) => c.id === 'bad')) {
        const e = netError(400);
        e.body = { error: { code: 'validation_failed' } };
        throw e;
      }
      delivered.push(...changes.map((c) => c.id));
      return applyAll(changes);
    },
    {
      onResult: (r) => {
        if (r.status === 'invalid') invalid.push(r.id);
      },
    },
  );
  for (const id of ['a', 'bad', 'c']) await ob.add(put(id));
  const r = await ob.flush();
  assert.equal(r.ok, true);
  assert.deepEqual(delivered, ['a', 'c']);
  assert.deepEqual(invalid, ['bad']);
  assert.equal(await ob.count(), 0);
});

test('per-change results: stale and invalid leave the queue and are reported', async () => {
  const { ob, results } = makeOutbox(async (changes) => ({
    results: [
      { id: changes[0].id, status: 'applied', entry: changes[0] },
      { id: changes[1].id, status: 'stale', entry: { id: changes[1].id, updated_at: 99 } },
      { id: changes[2].id, status: 'invalid', error: { code: 'validation_failed' } },
    ],
  }));
  for (const id of ['a', 'b', 'c']) await ob.add(put(id));
  await ob.flush();
  assert.deepEqual(
    results.map((r) => r.status),
    ['applied', 'stale', 'invalid'],
  );
  assert.equal(results[1].entry.updated_at, 99);
  assert.equal(await ob.count(), 0);
});

test('a lost session (401) stops flushing until unblocked', async () => {
  let authed = false;
  let blocked = null;
  const { ob, timers } = makeOutbox(
    async (changes) => {
      if (!authed) throw netError(401);
      return applyAll(changes);
    },
    {
      onBlocked: (why) => {
        blocked = why;
      },
    },
  );
  await ob.add(put('a'));
  let r = await ob.flush();
  assert.equal(r.blocked, 'auth');
  assert.equal(blocked, 'auth');
  assert.equal(timers.pending.length, 0, 'no retry loop against a dead session');
  authed = true;
  r = await ob.flush();
  assert.equal(r.ok, false, 'still blocked');
  ob.unblock();
  r = await ob.flush();
  assert.equal(r.ok, true);
});

test('batches hold at most BATCH_MAX changes; a 413 halves the batch', async () => {
  const sizes = [];
  const { ob } = makeOutbox(async (changes) => {
    sizes.push(changes.length);
    if (changes.length > 300) throw netError(413);
    return applyAll(changes);
  });
  for (let i = 0; i < BATCH_MAX + 20; i++) await ob.add(put(`x${i}`));
  await ob.flush();
  assert.equal(sizes[0], BATCH_MAX);
  assert.ok(sizes.slice(1).every((n) => n <= 300));
  assert.equal(
    sizes.slice(1).reduce((a, b) => a + b, 0),
    BATCH_MAX + 20,
  );
});

test('concurrent flushes share one run and nothing is sent twice', async () => {
  const seen = [];
  const { ob } = makeOutbox(async (changes) => {
    seen.push(...changes.map((c) => c.id));
    return applyAll(changes);
  });
  for (const id of ['a', 'b']) await ob.add(put(id));
  await Promise.all([ob.flush(), ob.flush(), ob.flush()]);
  assert.deepEqual(seen, ['a', 'b']);
});

test('backoff: doubles, capped at 5 min, jitter within ±20 %, Retry-After wins', () => {
  assert.equal(backoffDelay(1, { random: () => 0.5 }), 2000);
  assert.equal(backoffDelay(2, { random: () => 0.5 }), 4000);
  assert.equal(backoffDelay(30, { random: () => 0.5 }), 300000);
  assert.equal(backoffDelay(1, { random: () => 0 }), 1600);
  assert.equal(backoffDelay(1, { random: () => 1 }), 2400);
  assert.equal(backoffDelay(1, { random: () => 0.5, retryAfterMs: 30000 }), 30000);
});

test('which statuses are retried', () => {
  for (const s of [0, 408, 429, 500, 502, 503]) assert.equal(isRetryable(s), true, String(s));
  for (const s of [400, 403, 404, 409, 413, 415]) assert.equal(isRetryable(s), false, String(s));
});

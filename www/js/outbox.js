// outbox.js — every change goes here first. The queue keeps changes in the
// order they were made, flushes them in batches through a `send` function
// (POST /sync), retries with exponential backoff on network or server
// trouble, and isolates a change the server refuses so it cannot block the
// rest. Storage is an adapter (IndexedDB in the browser, memory in tests):
//   list() → items sorted by n; add(item) → n; put(item); remove(n)
// An item is {n, id, change, tries}.

export const BATCH_MAX = 500;

// Delay before retry number `attempt` (1, 2, ...): 2 s doubling to 5 min,
// with ±20 % jitter so many phones do not retry in step; a server's
// Retry-After wins when it is longer.
export function backoffDelay(attempt, { base = 2000, max = 300000, random = Math.random, retryAfterMs = 0 } = {}) {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random()));
  return Math.max(Math.min(jittered, max), retryAfterMs || 0);
}

// Statuses worth retrying later as they are: no network (0), timeouts, rate
// limits and server trouble. Anything else means the request itself is bad.
export function isRetryable(status) {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export class Outbox {
  constructor({
    storage,
    send,
    onResult = () => {},
    onChange = () => {},
    onBlocked = () => {},
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (h) => clearTimeout(h),
    random = Math.random,
  }) {
    this.storage = storage;
    this.send = send;
    this.onResult = onResult;
    this.onChange = onChange;
    this.onBlocked = onBlocked;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.random = random;
    this.attempt = 0;
    this.timer = null;
    this.running = null;
    this.again = false;
    this.batchSize = BATCH_MAX;
    this.inFlight = new Set();
    this.blocked = null; // 'auth' when the session is gone
    this.nextRetryAt = 0;
  }

  // Queue a change. A change for an entry that already waits (and is not on
  // the wire) replaces it in place: the server keeps the last write anyway.
  async add(change) {
    const items = await this.storage.list();
    const waiting = items.find((it) => it.id === change.id && !this.inFlight.has(it.n));
    if (waiting) {
      await this.storage.put({ ...waiting, change });
    } else {
      await this.storage.add({ id: change.id, change, tries: 0 });
    }
    this.onChange(await this.count());
  }

  async count() {
    return (await this.storage.list()).length;
  }

  async has(id) {
    return (await this.storage.list()).some((it) => it.id === id);
  }

  // Send everything waiting, in order. Concurrent calls share one run; a call
  // made during a run makes the run go round once more.
  flush() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.cancelRetry();
    this.running = (async () => {
      let result;
      do {
        this.again = false;
        result = await this.flushOnce();
      } while (this.again && result.ok);
      return result;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  unblock() {
    this.blocked = null;
  }

  cancelRetry() {
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
    this.nextRetryAt = 0;
  }

  scheduleRetry(retryAfterMs) {
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, { retryAfterMs, random: this.random });
    this.cancelRetry();
    this.nextRetryAt = Date.now() + delay;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.flush();
    }, delay);
    return delay;
  }

  async flushOnce() {
    if (this.blocked) return { ok: false, sent: 0, blocked: this.blocked };
    let sent = 0;
    for (;;) {
      const items = await this.storage.list();
      if (items.length === 0) {
        this.attempt = 0;
        this.batchSize = BATCH_MAX;
        return { ok: true, sent };
      }
      const batch = items.slice(0, this.batchSize);
      for (const it of batch) this.inFlight.add(it.n);
      let response;
      try {
        response = await this.send(batch.map((it) => it.change));
      } catch (err) {
        for (const it of batch) this.inFlight.delete(it.n);
        const status = err && typeof err.status === 'number' ? err.status : 0;
        if (status === 401) {
          this.blocked = 'auth';
          this.onBlocked('auth');
          return { ok: false, sent, blocked: 'auth' };
        }
        if (isRetryable(status)) {
          const delay = this.scheduleRetry(err.retryAfterMs || 0);
          return { ok: false, sent, retryIn: delay };
        }
        if (status === 413 && batch.length > 1) {
          this.batchSize = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        if (batch.length > 1) {
          this.batchSize = 1; // find the one change the server refuses
          continue;
        }
        await this.storage.remove(batch[0].n);
        this.onResult(
          { id: batch[0].id, status: 'invalid', error: err?.body ? err.body.error : { code: String(status) } },
          batch[0].change,
        );
        this.onChange(await this.count());
        continue;
      }
      this.attempt = 0;
      const byId = new Map((response.results || []).map((r) => [r.id, r]));
      let progressed = 0;
      for (const it of batch) {
        this.inFlight.delete(it.n);
        const r = byId.get(it.id);
        if (!r) continue; // not answered: stays queued for the next round
        await this.storage.remove(it.n);
        progressed += 1;
        this.onResult(r, it.change);
      }
      sent += progressed;
      this.onChange(await this.count());
      if (progressed === 0) {
        const delay = this.scheduleRetry(0);
        return { ok: false, sent, retryIn: delay };
      }
      if (this.batchSize < BATCH_MAX && progressed === batch.length) {
        this.batchSize = Math.min(BATCH_MAX, this.batchSize * 2);
      }
    }
  }
}

// Storage adapter kept in memory: the unit tests' storage, and the fallback
// where IndexedDB is unavailable (private windows on some browsers).
export class MemoryStorage {
  constructor() {
    this.items = new Map();
    this.n = 0;
  }
  async list() {
    return [...this.items.values()].sort((a, b) => a.n - b.n);
  }
  async add(item) {
    const n = ++this.n;
    this.items.set(n, { ...item, n });
    return n;
  }
  async put(item) {
    this.items.set(item.n, { ...item });
  }
  async remove(n) {
    this.items.delete(n);
  }
}

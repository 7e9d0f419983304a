// bgsync.js — the flush that the service worker runs on a Background Sync
// event when no page of the app is open: each family's queued changes go
// through POST /sync, and the answers land in the local copy.
import { Outbox } from './outbox.js';
import * as store from './store.js';
import { post, setCsrf, familyPath } from './api.js';

export async function flushAllFamilies() {
  const owner = await store.getMeta('owner');
  setCsrf(await store.getMeta('csrf'), owner);
  let failed = false;
  for (const fid of await store.outboxFamilies(owner)) {
    const outbox = new Outbox({
      storage: store.outboxStorageFor(fid, owner),
      async send(changes) {
        const cursor = (await store.getMeta(`cursor:${fid}`)) ?? 0;
        const res = await post(familyPath(fid, '/sync'), { cursor, changes });
        await store.applyServer(fid, res.changes || []);
        if (res.cursor !== undefined) await store.setMeta(`cursor:${fid}`, res.cursor);
        return res;
      },
      async onResult(r) {
        if (r.entry) await store.applyServer(fid, [r.entry]);
      },
      setTimer: () => null, // the browser schedules Background Sync retries itself
      clearTimer: () => {},
    });
    const r = await outbox.flush();
    if (!r.ok) failed = true;
  }
  // Throwing tells the browser to try this sync again later.
  if (failed) throw new Error('outbox not empty');
}

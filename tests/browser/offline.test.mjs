// offline.test.mjs — with the network gone: log 20 entries, reload the page
// (the service worker serves the app, IndexedDB still shows all 20 as
// waiting to sync), come back online, and the server then holds all 20
// exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, appReady, serverEntries, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('offline', (s) => ({ server, browser } = s));

test('20 entries logged offline survive a reload and reach the server once each', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.locator('.qbtn').first().waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60000 }); // precaching ~70 files on a loaded machine

  await ctx.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  for (let i = 0; i < 20; i++) {
    await page.getByRole('button', { name: i % 2 ? /^Bottle(\s|$)/ : /^Wet(\s|$)/ }).click();
  }
  await page.locator('#pending-count[data-n="20"]').waitFor();
  assert.match(await page.locator('#status').innerText(), /20 waiting to sync/);

  await page.reload();
  await appReady(page);
  await page.getByRole('link', { name: 'Timeline' }).click();
  await page.locator('.entry').nth(19).waitFor();
  assert.equal(await page.locator('.entry[data-pending="1"]').count(), 20, 'all 20 shown, marked as waiting');
  assert.equal(
    (await serverEntries(owner.client, owner.family.id)).length,
    0,
    'nothing reached the server while offline',
  );

  await ctx.setOffline(false);
  await page.locator('#pending-count[data-n="0"]').waitFor({ state: 'attached', timeout: 30000 });
  let list = [];
  for (let i = 0; i < 100 && list.length < 20; i++) {
    list = await serverEntries(owner.client, owner.family.id);
    if (list.length < 20) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(list.length, 20, 'the server holds 20 entries');
  assert.equal(new Set(list.map((e) => e.id)).size, 20, 'each once');
  assert.equal(list.filter((e) => e.type === 'diaper').length, 10);
  assert.equal(list.filter((e) => e.type === 'feed').length, 10);
  // A replay of the same changes (as after a lost answer) changes nothing.
  const again = await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/sync`, {
    cursor: 0,
    changes: list.slice(0, 3).map((e) => ({
      op: 'put',
      id: e.id,
      subject_id: e.subject_id,
      type: e.type,
      ts: e.ts,
      end_ts: e.end_ts,
      value: e.value,
      created_at: e.created_at,
      updated_at: e.updated_at,
    })),
  });
  assert.equal(again.results.length, 3);
  assert.equal((await serverEntries(owner.client, owner.family.id)).length, 20, 'still 20 after a replay');
  await page.locator('.entry[data-pending="1"]').first().waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

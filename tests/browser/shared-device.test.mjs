// shared-device.test.mjs — one phone, two people: changes queued offline by
// Dana are never sent under Sam's session when Sam signs in next (they wait,
// marked as Dana's, and Dana's cached log is not shown to Sam); they go out
// under Dana's name when Dana signs in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useStack,
  familyWithBaby,
  accessLink,
  Client,
  uniqueEmail,
  signInContext,
  appReady,
  serverEntries,
  signedInPage,
} from './harness.mjs';

let server;
let browser;
useStack('shared-device', (s) => ({ server, browser } = s));

test('a queued change waits for its own author on a shared device', async () => {
  const owner = await familyWithBaby(server.base);
  const sam = await new Client(server.base).register(uniqueEmail('sam'), 'Sam');
  await sam.join(await accessLink(owner.client, owner.family.id, 'caregiver'));

  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.locator('.qbtn').first().waitFor();

  await ctx.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await page.locator('#pending-count[data-n="3"]').waitFor();

  // Dana's session is gone (expired, or signed out elsewhere); Sam signs in.
  await ctx.clearCookies();
  await ctx.setOffline(false);
  await signInContext(ctx, server.base, sam.email, sam.password);
  await page.goto(server.base);
  await appReady(page);
  await page.locator('.qbtn').first().waitFor();
  await page.getByRole('link', { name: 'Timeline' }).click();
  await page.locator('.timeline').waitFor();
  await new Promise((r) => setTimeout(r, 2500)); // time for any flush to happen
  assert.equal(
    (await serverEntries(owner.client, owner.family.id)).length,
    0,
    "Dana's queued changes were not sent under Sam's session",
  );
  assert.equal(await page.locator('.entry[data-pending="1"]').count(), 0, "Sam does not see Dana's queue");
  assert.equal(
    await page.evaluate(() => document.querySelector('#pending-count')?.dataset.n ?? '0'),
    '0',
    'nothing waits for Sam',
  );

  // Dana comes back: her changes go out, under her name.
  await ctx.clearCookies();
  await signInContext(ctx, server.base, owner.email, owner.password);
  await page.goto(server.base);
  await appReady(page);
  let list = [];
  for (let i = 0; i < 100 && list.length < 3; i++) {
    list = await serverEntries(owner.client, owner.family.id);
    if (list.length < 3) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(list.length, 3, 'the three changes reached the server once Dana was back');
  assert.deepEqual([...new Set(list.map((e) => e.author_name))], ['Dana'], 'authored by Dana');
  assert.deepEqual(errors, [], `errors on the page:\n${errors.join('\n')}`);
});

// acttypes.test.mjs — a family's own activity type in the app (issue 18):
// the owner defines "Bath" with a duration in Settings, its quick button
// appears on both phones (the other one told by the live stream), a tap
// starts its timer on one phone and the other sees it ticking, a tap stops
// it there, and the day view counts the bath and its time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, accessLink, Client, uniqueEmail, signedInPage, serverEntries } from './harness.mjs';

let server;
let browser;
useStack('acttypes', (s) => ({ server, browser } = s));

test('define Bath, time one on one phone, watch it on another, see it in the day', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const other = await new Client(server.base).register(uniqueEmail('sam'), 'Sam');
  await other.join(await accessLink(owner.client, owner.family.id, 'caregiver'));

  const a = await signedInPage(browser, server.base, owner);
  const b = await signedInPage(browser, server.base, other);
  await a.page.locator('.qbtn').first().waitFor();
  await b.page.locator('.qbtn').first().waitFor();
  await b.page.locator('.presence', { hasText: 'Dana' }).waitFor();

  // The owner defines it under Settings.
  await a.page.getByRole('link', { name: 'Settings' }).click();
  await a.page.getByRole('link', { name: /Activity types/ }).click();
  await a.page.locator('#acttype-new').click();
  await a.page.getByLabel('Name').fill('Bath');
  await a.page.getByLabel('Icon (one emoji)').fill('🛁');
  await a.page.locator('#acttype-add-field').click();
  assert.equal(await a.page.locator('#kind-0').inputValue(), 'duration', 'a new field is a duration first');
  await a.page.getByLabel('Label').fill('Time in the water');
  await a.page.getByRole('button', { name: 'Save' }).click();
  await a.page.locator('[data-acttype="x-bath"]', { hasText: 'Bath' }).waitFor();
  const defs = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/activity-types`);
  assert.deepEqual(
    defs.activity_types.map((d) => [d.type, d.names.en, d.catalogue.timed]),
    [['x-bath', 'Bath', true]],
  );

  // Its button on both phones: Sam's without a reload (the live stream).
  const bath = (p) => p.getByRole('button', { name: /^Bath(\s|$)/ });
  await bath(b.page).waitFor({ timeout: 10000 });
  await a.page.getByRole('link', { name: 'Home' }).click();
  await bath(a.page).waitFor();

  // Started on Dana's phone, ticking on Sam's.
  await bath(a.page).click();
  await a.page.locator('.timer.x-bath').waitFor();
  const clock = b.page.locator('.timer.x-bath .clock');
  await clock.waitFor({ timeout: 10000 });
  const first = await clock.textContent();
  await b.page.waitForFunction((was) => document.querySelector('.timer.x-bath .clock')?.textContent !== was, first, {
    timeout: 5000,
  });
  await a.page.waitForTimeout(1500);

  // Stopped on Sam's phone; gone from Dana's.
  await b.page.locator('.timer.x-bath').getByRole('button', { name: /^Stop/ }).click();
  await a.page.locator('.timer.x-bath').waitFor({ state: 'detached', timeout: 10000 });
  await a.page.waitForTimeout(500);
  const done = (await serverEntries(owner.client, owner.family.id)).filter((e) => e.type === 'x-bath' && !e.deleted);
  assert.equal(done.length, 1, 'one bath');
  assert.ok(done[0].end_ts - done[0].ts >= 1000, 'that lasted the time it ran');

  // The day view counts it.
  await a.page.goto(`${server.base}/#/day`);
  const total = a.page.locator('[data-custom-totals] [data-stat="x-bath-count"] b');
  await total.waitFor({ timeout: 10000 });
  assert.equal(await total.textContent(), '1');
  await a.page.locator('[data-custom-totals] [data-stat="x-bath-time"]').waitFor();

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

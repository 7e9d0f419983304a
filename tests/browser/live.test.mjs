// live.test.mjs — two caregivers on two devices: what one logs (an entry, a
// running timer) appears on the other's screen without a reload, pushed by
// the family stream. The wait is bounded well below the 60 s poll, so only
// the live stream can pass it; the observed delay is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, accessLink, Client, uniqueEmail, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('live', (s) => ({ server, browser } = s));

async function deviceFor(who) {
  const { page, errors } = await signedInPage(browser, server.base, who);
  await page.locator('.qbtn').first().waitFor();
  return { page, errors };
}

test('each caregiver sees the other’s new entry and running timer live', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const other = await new Client(server.base).register(uniqueEmail('sam'), 'Sam');
  await other.join(await accessLink(owner.client, owner.family.id, 'caregiver'));
  const otherMe = await other.ok('GET', '/api/v1/auth/me');
  assert.equal(otherMe.families.find((f) => f.id === owner.family.id)?.role, 'caregiver');

  const a = await deviceFor(owner);
  const b = await deviceFor(other);
  await b.page.locator('.presence', { hasText: 'Dana' }).waitFor();
  await a.page.locator('.presence', { hasText: 'Sam' }).waitFor();
  await b.page.getByRole('link', { name: 'Timeline' }).click();
  await b.page.locator('.timeline').waitFor();

  let t0 = Date.now();
  await a.page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await b.page.locator('.entry', { hasText: 'by Dana' }).waitFor({ timeout: 10000 });
  console.log(`# entry seen on the other device after ${Date.now() - t0} ms`);

  await b.page.getByRole('link', { name: 'Home' }).click();
  await b.page.locator('.qbtn').first().waitFor();
  t0 = Date.now();
  await a.page.getByRole('button', { name: /^Sleep(\s|$)/ }).click();
  await b.page.locator('.timer.sleep').waitFor({ timeout: 10000 });
  console.log(`# running timer seen on the other device after ${Date.now() - t0} ms`);

  t0 = Date.now();
  await b.page.locator('.timer.sleep').getByRole('button', { name: /^Stop/ }).click();
  await a.page.locator('.timer.sleep').waitFor({ state: 'detached', timeout: 10000 });
  console.log(`# stop seen on the first device after ${Date.now() - t0} ms`);

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

// units.test.mjs — units per member: each dimension chosen on its own
// (volume, weight, length, temperature), kept in the account so every
// device of the member shows them, forms taking values in them (a weight in
// pounds and ounces) with hints, and the stored values metric.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage, serverEntries } from './harness.mjs';

let server;
let browser;
useStack('units', (s) => ({ server, browser } = s));

test('a member reads and types fl oz, lb + oz and °F but cm, on every device; storage stays metric', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings/units' });
  const choose = (group, name) => page.getByRole('group', { name: group }).getByRole('button', { name }).click();
  await choose('Volume', 'fl oz');
  await choose('Weight', 'lb + oz');
  await choose('Temperature', '°F');
  let units;
  for (let i = 0; i < 50; i++) {
    units = (await owner.client.ok('GET', '/api/v1/auth/me')).user.units;
    if (units.temperature === 'f' && units.weight === 'lb' && units.volume === 'fl_oz') break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(units, { volume: 'fl_oz', weight: 'lb', length: null, temperature: 'f' }, 'kept in the account');

  await page.evaluate(() => {
    location.hash = '#/log/growth';
  });
  const form = page.locator('dialog.sheet[open]');
  await form.getByLabel('Weight: Pounds').fill('9');
  await form.getByLabel('Weight: Ounces').fill('4');
  assert.match(await form.locator('#f-growth-weight_g-hint').textContent(), /lb.*oz.*lb.*oz/, 'the hint in lb and oz');
  assert.ok(await form.getByLabel('Length (cm)').isVisible(), 'length stays in cm');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await page.evaluate(() => {
    location.hash = '#/log/temperature';
  });
  await form.getByLabel('Temperature (°F)').fill('100.4');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  let list = [];
  for (let i = 0; i < 100 && list.length < 2; i++) {
    list = (await serverEntries(owner.client, owner.family.id)).filter((e) =>
      ['growth', 'temperature'].includes(e.type),
    );
    if (list.length < 2) await page.waitForTimeout(100);
  }
  const by = Object.fromEntries(list.map((e) => [e.type, e.value]));
  assert.deepEqual(by, { growth: { weight_g: 4196 }, temperature: { celsius: 38 } }, 'stored in g and °C');

  // Another device of the same member reads the account's units.
  const other = await signedInPage(browser, server.base, owner, { path: '/#/timeline' });
  await other.page.locator('.entry', { hasText: 'lb' }).waitFor();
  assert.match(await other.page.locator('.entry', { hasText: 'lb' }).innerText(), /9 lb 4(\.0)? oz/);
  assert.match(await other.page.locator('.entry', { hasText: '°F' }).innerText(), /100\.4\s?°F/);
  await other.page.evaluate(() => {
    location.hash = '#/settings/units';
  });
  await other.page.getByRole('group', { name: 'Volume' }).waitFor();
  const pressed = await other.page.locator('.seg button[aria-pressed="true"]').allTextContents();
  assert.ok(pressed.includes('fl oz') && pressed.includes('°F') && pressed.includes('cm'), `pressed: ${pressed}`);
  await other.ctx.close();
  await ctx.close();
  assert.deepEqual([...errors, ...other.errors], []);
});

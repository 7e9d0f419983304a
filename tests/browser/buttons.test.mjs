// buttons.test.mjs — the family's quick buttons can be changed from the app:
// add a medicine button with its preset, rename and remove buttons; the home
// screen follows, and one tap on the new button logs the preset entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, serverEntries, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('buttons', (s) => ({ server, browser } = s));

test('add, rename and remove quick buttons; a new preset logs in one tap', async () => {
  const owner = await familyWithBaby(server.base);
  const { page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/buttons' });
  await page.getByRole('heading', { name: 'Add a button' }).waitFor();

  const form = page.locator('form', { hasText: 'Add a button' });
  await form.getByLabel('Type').selectOption('medication');
  await form.getByLabel('Name').fill('Vitamin D');
  await form.getByLabel('Dose').fill('1');
  await form.getByLabel('Unit').selectOption('drops');
  await form.getByLabel('Button text').fill('Vit D');
  await form.getByRole('button', { name: 'Add a button' }).click();
  await page.getByRole('textbox', { name: /Button text Vit D/ }).waitFor();

  await page.getByRole('textbox', { name: 'Button text Left' }).fill('Left side');
  await page.getByRole('button', { name: 'Rename Left' }).click();
  await page.getByRole('textbox', { name: 'Button text Left side' }).waitFor();
  await page.getByRole('button', { name: 'Delete Both' }).click();
  await page.getByRole('button', { name: 'Delete Both' }).waitFor({ state: 'detached' });

  const cfg = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/config`);
  const all = cfg.groups.flatMap((g) => g.buttons);
  const vit = all.find((b) => b.label === 'Vit D');
  assert.deepEqual(vit?.value, { name: 'Vitamin D', dose: 1, unit: 'drops' });
  assert.ok(all.some((b) => b.label === 'Left side'));
  assert.ok(!all.some((b) => b.type === 'diaper' && b.value.wet && b.value.dirty), 'the "Both" button is gone');

  await page.getByRole('link', { name: 'Home' }).click();
  await page.getByRole('button', { name: /^Left side(\s|$)/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Both(\s|$)/ }).count(), 0);
  await page.getByRole('button', { name: /^Vit D(\s|$)/ }).click();
  let med;
  for (let i = 0; i < 100 && !med; i++) {
    med = (await serverEntries(owner.client, owner.family.id)).find((e) => e.type === 'medication');
    if (!med) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(med?.value, { name: 'Vitamin D', dose: 1, unit: 'drops' });
  assert.deepEqual(errors, []);
});

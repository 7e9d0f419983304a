// person.test.mjs — the person shown drives the app: an adult's home has
// the adult buttons (vitals, temperature, medicine, symptom, weight) and no
// feeds or diapers, the baby's home in the same family keeps hers; an
// adult's trends chart vitals over normal bands, not WHO curves; the
// profile is edited in the app and the emergency card (big tel: links)
// then opens with the network gone, after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, appReady, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('person', (s) => ({ server, browser } = s));

test('an adult gets adult buttons, vitals trends and an emergency card that opens offline', async () => {
  const owner = await familyWithBaby(server.base);
  const fid = owner.family.id;
  const joe = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, {
    name: 'Grandpa Joe',
    kind: 'adult',
    birth_date: '1941-03-02',
  });
  const now = Date.now();
  const changes = [0, 1, 2].map((i) => ({
    op: 'put',
    id: crypto.randomUUID(),
    subject_id: joe.id,
    type: 'vitals',
    ts: now - (i + 1) * 86400000,
    value: { heart_rate: 70 + i * 20, bp_systolic: 120 + i * 15, bp_diastolic: 80 + i * 5 },
    updated_at: now,
  }));
  await owner.client.ok('POST', `/api/v1/families/${fid}/sync`, { cursor: 0, changes });
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, {
    path: `/?family=${fid}&subject=${owner.subject.id}`,
  });

  // The baby's home: her buttons.
  await page.locator('.qbtn').first().waitFor();
  assert.ok(await page.getByRole('button', { name: /^Left(\s|$)/ }).isVisible(), 'the baby has feeds');

  // Grandpa's home: the adult's buttons, none of the baby's.
  await page.goto(`${server.base}/?family=${fid}&subject=${joe.id}`);
  await appReady(page);
  await page.locator('.qbtn').first().waitFor();
  const names = await page.locator('.qbtn span:not(.emoji)').allInnerTexts();
  assert.deepEqual(names, ['Temperature', 'Medication', 'Vitals', 'Symptom', 'Weight']);
  assert.match(await page.locator('.since').innerText(), /Last dose[\s\S]*Vitals[\s\S]*Sleep/);
  assert.equal(await page.locator('.totals').count(), 0, 'no infant day totals for an adult');
  await page.getByRole('button', { name: /Log something else/ }).click();
  const types = await page.locator('dialog.sheet[open] .types button').allInnerTexts();
  assert.ok(!types.some((x) => /Feed|Pumping|Tummy/.test(x)), `no infant types offered: ${types}`);
  await page.keyboard.press('Escape');

  // His trends: blood pressure over its normal bands, no WHO curves.
  await page.getByRole('link', { name: 'Trends' }).click();
  await page.locator('svg.chart .pt.sys').first().waitFor();
  assert.equal(await page.locator('svg.chart .pt.sys').count(), 3, 'three systolic readings');
  assert.equal(
    await page.locator('svg.chart rect.band.normal').count(),
    3,
    'normal bands drawn (systolic, diastolic, heart rate)',
  );
  assert.equal(await page.locator('svg.chart .curve').count(), 0, 'no WHO curves for an adult');

  // The profile, written in the app.
  await page.evaluate(() => {
    location.hash = '#/home';
  });
  await page.locator('#card-link').click();
  await page.getByRole('link', { name: 'Edit profile' }).click();
  await page.getByLabel('Blood type').selectOption('O-');
  await page.getByLabel('Allergies').fill('Penicillin');
  await page.locator('#add-contact').click();
  await page.locator('#pf-contact-0-name').fill('Dana');
  await page.locator('#pf-contact-0-relation').fill('daughter');
  await page.locator('#pf-contact-0-phone').fill('+44 7700 900123');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.ecard .blood').waitFor();
  assert.equal(await page.locator('.ecard .blood').innerText(), 'O-');
  assert.equal(await page.locator('.ecard a.phone').first().getAttribute('href'), 'tel:+447700900123');
  const stored = await owner.client.ok('GET', `/api/v1/families/${fid}/people/${joe.id}/profile`);
  assert.equal(stored.emergency_contacts[0].name, 'Dana', 'the server has it');

  // The network gone, the app reloaded: the card still opens.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 20000 });
  await ctx.setOffline(true);
  await page.reload();
  await appReady(page);
  await page.evaluate((sid) => {
    location.hash = `#/card/${sid}`;
  }, joe.id);
  await page.locator('#card-offline').waitFor();
  assert.equal(await page.locator('.ecard .blood').innerText(), 'O-');
  assert.match(await page.locator('.ecard .allergies').innerText(), /Penicillin/);
  assert.match(await page.locator('.ecard .contacts').innerText(), /Dana[\s\S]*\+44 7700 900123/);
  assert.equal(await page.locator('#card-print').isVisible(), true, 'it prints from here');
  await ctx.setOffline(false);
  assert.deepEqual(errors, []);
});

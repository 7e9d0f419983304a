// settings.test.mjs — the owner's settings, section by section, against the
// real server: add a person (a colour from outside the palette survives an
// edit), create an access link (shown once, with copy), see it in the list
// and revoke it, read the audit log, export; switch the language (saved to
// the account), units and theme; the day summary and the trends charts
// render from the local copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage, appReady } from './harness.mjs';

let server;
let browser;
let owner;
let page;
let errors;

useStack('settings', async (s) => {
  ({ server, browser } = s);
  owner = await familyWithBaby(server.base, { owner: 'Dana' });
  ({ page, errors } = await signedInPage(browser, server.base, owner, {
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
  }));
  await page.locator('.qbtn').first().waitFor();
});

test('owner adds a person, creates and revokes an access link, reads the audit log', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Family and people/ }).click();
  await page.getByRole('heading', { name: 'People cared for' }).waitFor();
  await page.getByRole('button', { name: 'Add a person' }).click();
  const form = page.locator('form', { hasText: 'Add a person' }).last();
  await form.getByLabel('Name').fill('Grandpa Joe');
  await form.getByLabel('Who').selectOption('adult');
  await form.getByRole('button', { name: 'Add a person' }).click();
  await page.locator('.list li', { hasText: 'Grandpa Joe' }).waitFor();
  const subjects = (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/subjects`)).subjects;
  assert.ok(subjects.some((s) => s.name === 'Grandpa Joe' && s.kind === 'adult'));

  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('link', { name: /^Sharing/ }).click();
  await page.getByLabel('Label').fill('Grandma');
  await page.getByLabel('Role').first().selectOption('viewer');
  await page.getByRole('button', { name: 'Create link' }).click();
  const shown = page.locator('input[readonly]');
  await shown.waitFor();
  const url = await shown.inputValue();
  assert.match(url, /\/join\/[A-Za-z0-9_-]{16,}$/);
  await page.getByRole('button', { name: 'Copy' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  const row = page.locator('.links li', { hasText: 'Grandma' });
  await row.waitFor();
  assert.match(await row.innerText(), /viewer/);
  await row.getByRole('button', { name: /^Revoke/ }).click();
  await row.waitFor({ state: 'detached' });
  const links = (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/links`)).links;
  assert.ok(links.every((l) => l.revoked || l.label !== 'Grandma'));
  const joined = await fetch(new URL(new URL(url).pathname, server.base), { redirect: 'manual' });
  assert.equal(joined.status, 410, 'a revoked link no longer works');

  await page.getByRole('heading', { name: 'Audit log' }).scrollIntoViewIfNeeded();
  await page.locator('.audit li', { hasText: /link/ }).first().waitFor();

  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('link', { name: /^Export the log/ }).click();
  const csvHref = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
  const csv = await page.request.get(new URL(csvHref, server.base).href);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
});

test('saving a person keeps a colour from outside the palette', async () => {
  const fid = owner.family.id;
  const gal = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, {
    name: 'Gal',
    kind: 'child',
    colour: '#123abc',
  });
  await page.goto(`${server.base}/#/settings/people`);
  await page.reload();
  await page.getByRole('button', { name: 'Edit Gal' }).click();
  const form = page.locator('form', { hasText: 'Edit person' });
  const colour = form.getByLabel('Colour');
  assert.equal(await colour.inputValue(), '#123abc', 'the select shows the person’s own colour');
  assert.equal(await colour.locator('option:checked').textContent(), 'Current colour');
  await form.getByLabel('Name').fill('Gali');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.list li', { hasText: 'Gali' }).waitFor();
  const after = (await owner.client.ok('GET', `/api/v1/families/${fid}/subjects`)).subjects.find(
    (s) => s.id === gal.id,
  );
  assert.deepEqual([after.name, after.colour], ['Gali', '#123abc'], 'renamed, not recoloured');
});

test('units and language: French is saved to the account; imperial units; dark theme', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Units and language/ }).click();
  await page.getByRole('button', { name: 'Français' }).click();
  await page.getByRole('heading', { name: 'Unités et langue' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  let me;
  for (let i = 0; i < 50; i++) {
    me = await owner.client.ok('GET', '/api/v1/auth/me');
    if (me.user.locale === 'fr') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(me.user.locale, 'fr');
  await page.getByRole('button', { name: /Impérial/ }).click();
  await page.getByRole('button', { name: 'Sombre' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.getByRole('link', { name: 'Accueil' }).click();
  await page.getByRole('button', { name: /^Biberon/ }).click();
  await page.getByRole('link', { name: 'Journal' }).click();
  const bottle = page.locator('.entry', { hasText: 'Biberon' }).first();
  await bottle.waitFor();
  assert.match(await bottle.innerText(), /oz/, 'the bottle reads in fluid ounces');
  await page.getByRole('link', { name: 'Réglages' }).click();
  await page.getByRole('link', { name: /^Unités et langue/ }).click();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: /^Metric/ }).click();
  await page.getByRole('heading', { name: 'Units and language' }).waitFor();
});

test('the day summary and the trends charts render from the local copy', async () => {
  await page.getByRole('link', { name: 'Home' }).click();
  await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await page.getByRole('link', { name: 'Day details' }).click();
  await page.getByRole('heading', { name: 'What happened' }).waitFor();
  assert.ok((await page.locator('.daylog .pill').count()) >= 2, 'the logged entries are in the day’s log');
  assert.ok((await page.locator('.daylog li').count()) < 24, 'no row per empty hour');
  await page.getByRole('link', { name: 'See trends' }).click();
  await page.getByRole('heading', { name: 'Sleep per day' }).waitFor();
  await page.locator('svg.chart').nth(6).waitFor();
  assert.equal(await page.locator('svg.chart').count(), 7, 'four daily charts, the rhythm and two growth charts');
  await page.getByRole('button', { name: '30 days' }).click();
  await page.locator('svg.chart').first().locator('rect.bar').nth(29).waitFor({ state: 'attached' });
  assert.equal(await page.locator('svg.chart').first().locator('rect.bar').count(), 30);
  assert.deepEqual(errors, []);
});

test('the timeline loads older entries as you scroll and filters by type', async () => {
  const now = Date.now();
  const changes = [];
  for (let i = 0; i < 120; i++) {
    const ts = now - (i + 1) * 2 * 3600000;
    const hex = ts.toString(16).padStart(12, '0');
    changes.push({
      op: 'put',
      id: `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-${String(i).padStart(12, '0')}`,
      subject_id: owner.subject.id,
      type: i % 4 === 0 ? 'diaper' : 'note',
      ts,
      end_ts: null,
      value: i % 4 === 0 ? { wet: true, dirty: false } : { text: `old note ${i}` },
      created_at: ts,
      updated_at: ts,
    });
  }
  await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/sync`, { cursor: 0, changes });
  // Not a live-update test: a reload pulls the seeded log through the change feed.
  await page.goto(`${server.base}/#/timeline`);
  await page.reload();
  await appReady(page);
  await page.locator('.entry', { hasText: 'old note 1' }).first().waitFor();
  const total = (
    await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/changes?since=0&limit=500`)
  ).changes.filter((e) => !e.deleted).length;
  for (let i = 0; i < 20 && (await page.locator('.entry').count()) < total; i++) {
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await page.waitForTimeout(150);
  }
  assert.equal(await page.locator('.entry').count(), total, 'every entry once, oldest reached by scrolling');
  assert.equal(await page.locator('.entry', { hasText: 'old note 119' }).count(), 1);
  await page.getByRole('button', { name: /Diaper$/ }).click();
  await page.locator('.entry', { hasText: 'old note' }).first().waitFor({ state: 'detached' });
  const titles = await page.locator('.entry .title').allInnerTexts();
  assert.ok(titles.length >= 30 && titles.every((x) => /diaper/i.test(x)), 'only diapers');
});

test('the owner deletes a family by typing its name; it is gone for everyone', async () => {
  const other = await familyWithBaby(server.base, { owner: 'Eli', baby: 'Ada' });
  const s = await signedInPage(browser, server.base, other);
  await s.page.locator('.qbtn').first().waitFor();
  await s.page.goto(`${server.base}/#/settings/people`);
  await s.page.getByRole('button', { name: 'Delete this family' }).click();
  const dialog = s.page.getByRole('dialog', { name: 'Delete this family' });
  const go = dialog.getByRole('button', { name: 'Delete this family' });
  assert.equal(await go.isDisabled(), true, 'nothing happens before the name is typed');
  await dialog.getByLabel('Family name').fill('not it');
  assert.equal(await go.isDisabled(), true);
  await dialog.getByLabel('Family name').fill(other.family.name);
  await go.click();
  await s.page.locator('#toast', { hasText: 'Family deleted' }).waitFor();
  const r = await other.client.call('GET', `/api/v1/families/${other.family.id}`);
  assert.equal(r.status, 404);
  assert.deepEqual(s.errors, []);
  await s.ctx.close();
});

// connect.test.mjs — the two settings sections of views/connect.js against
// the real server: Connected apps (a key made, shown once, working on the
// Baby Buddy-compatible API, its last use shown, revoked) and Import (Baby
// Buddy's CSV files picked, a preview with counts, warnings by file and line
// and how it maps, then the import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useStack, familyWithBaby, signedInPage, serverEntries } from './harness.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/babybuddy/', import.meta.url));
let server;
let owner;
let page;
let errors;

useStack('connect', async (s) => {
  server = s.server;
  owner = await familyWithBaby(server.base, { owner: 'Dana' });
  ({ page, errors } = await signedInPage(s.browser, server.base, owner, {
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
  }));
  await page.locator('.qbtn').first().waitFor();
});

test('Connected apps: make a key, use it, see its last use, revoke it', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Connected apps/ }).click();
  await page.getByLabel('Name').fill('Home Assistant');
  await page.getByRole('button', { name: 'Create a key' }).click();
  const shown = page.locator('input[readonly]');
  await shown.waitFor();
  const key = await shown.inputValue();
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Copy' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
  const row = page.locator('.tokens li', { hasText: 'Home Assistant' });
  await row.waitFor();
  assert.match(await row.innerText(), /never used/);

  const res = await fetch(`${server.base}/api/children/`, { headers: { Authorization: `Token ${key}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).results[0].first_name, 'Noa');

  await page.reload();
  await row.waitFor();
  assert.match(await row.innerText(), /used/);
  assert.doesNotMatch(await row.innerText(), /never used/);
  await row.getByRole('button', { name: /^Revoke/ }).click();
  await page.locator('dialog.sheet').getByRole('button', { name: 'Revoke' }).click();
  await row.waitFor({ state: 'detached' });
  const gone = await fetch(`${server.base}/api/children/`, { headers: { Authorization: `Token ${key}` } });
  assert.equal(gone.status, 401, 'a revoked key opens nothing');
});

test('Import: Baby Buddy files, a preview, then the import', async () => {
  await page.goto(`${server.base}/#/settings/import`);
  await page.getByLabel('Files').setInputFiles([`${fixtures}child.csv`, `${fixtures}feeding.csv`]);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.locator('.import-preview');
  await preview.waitFor();
  const text = await preview.innerText();
  // Noa is the family's only person: child 9's row goes to her.
  assert.match(text, /7 to import · 0 already here · 2 skipped/);
  assert.match(text, /Feed: 7/);
  assert.match(text, /feeding\.csv, line 8:\s*type must be one of/);
  assert.match(text, /feeding → feed/);
  assert.equal((await serverEntries(owner.client, owner.family.id)).length, 0, 'the preview writes nothing');

  await preview.getByRole('button', { name: 'Import' }).click();
  await page.locator('#toast', { hasText: 'Imported 7 entries' }).waitFor();
  const entries = await serverEntries(owner.client, owner.family.id);
  assert.equal(entries.filter((e) => e.type === 'feed').length, 7);
  const people = (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/subjects`)).subjects;
  assert.deepEqual(people.map((p) => p.name).sort(), ['Emily Huerta', 'Noa', 'Sam Huerta']);
  assert.deepEqual(errors, []);
});

test('Import: a zip of the same files is read whole, and finds every row again (the row of an unknown child is skipped now: Noa is no longer the only person)', async () => {
  // Made by python3's zipfile, as any zip tool would.
  const zip = execFileSync('python3', [
    '-c',
    'import sys, zipfile, io\nb = io.BytesIO()\nwith zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:\n    for f in sys.argv[2:]: z.write(sys.argv[1] + f, "export/" + f)\nsys.stdout.buffer.write(b.getvalue())',
    fixtures,
    'child.csv',
    'feeding.csv',
  ]);
  await page.goto(`${server.base}/#/settings/import`);
  await page.getByLabel('Files').setInputFiles({ name: 'babybuddy.zip', mimeType: 'application/zip', buffer: zip });
  // The answer is read on its way to the page (the browser's own copy of a
  // streamed body is not always kept for the test to read afterwards).
  let answer;
  await page.route('**/import?**', async (route) => {
    const res = await route.fetch();
    answer = { type: res.headers()['content-type'], text: await res.text() };
    await route.fulfill({ response: res, body: answer.text });
  });
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.locator('.import-preview');
  await preview.waitFor();
  await page.unroute('**/import?**');
  assert.match(await preview.innerText(), /0 to import · 8 already here · 3 skipped/);
  // The page asked for progress lines and read the result from the last one.
  assert.equal(answer.type, 'application/x-ndjson');
  assert.match(answer.text, /^\{"progress":\{"file":"child.csv","done":\d+,"total":\d+\}\}\n/);
  assert.deepEqual(errors, []);
});

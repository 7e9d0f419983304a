// console.test.mjs — the consultant console in a real browser (issue 11):
// the admin opens /admin, creates a client and a 14-day access link (copy
// and QR code), a second browser opens the link as the parent and logs two
// entries, and the admin's dashboard row and the client's hourly grid show
// them without a reload; the client's day prints as one page; revoking the
// link ends the parent's stream. Also: a consultant sees only their own
// clients, and the console is in Hebrew right to left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  useStack,
  Client,
  uniqueEmail,
  signedInPage,
  newContext,
  openLink,
  appReady,
  watchErrors,
  runSync,
} from './harness.mjs';

let server;
let browser;
useStack('console', (s) => ({ server, browser } = s));

// An account made the instance admin (or a consultant) straight in the
// database, as carelogctl would.
async function staff(name, column = 'is_admin') {
  const client = await new Client(server.base).register(uniqueEmail(name), name);
  const db = join(server.dir, 'data', 'carelog.db');
  const r = runSync('sqlite3', [db, `UPDATE users SET ${column} = 1 WHERE email = lower('${client.email}')`]);
  assert.equal(r.status, 0, r.stderr);
  return client;
}

const pdfPages = (pdf) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;

test('admin: a client, a 14-day link, the parent logs, the console updates live, prints, revokes', async () => {
  const admin = await staff('Jane');
  const { page, errors } = await signedInPage(browser, server.base, admin, { path: '/admin' });
  assert.match(page.url(), /#\/admin$/, '/admin opens the console');
  await page.getByRole('heading', { name: 'Console' }).waitFor();

  // Add a client with its first person.
  await page.getByRole('button', { name: 'Add client' }).click();
  const form = page.locator('dialog.sheet[open]');
  await form.getByLabel('Client name').fill('Rivka family');
  await form.getByLabel('Time zone').fill('UTC');
  await form.getByLabel('First person cared for (name)').fill('Tom');
  await form.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/#\/admin\/client\/[0-9a-f-]{36}$/);
  const fid = page.url().split('/').pop();
  await page.getByRole('heading', { name: 'Rivka family' }).waitFor();

  // A link for 14 days (the form's first offer), with copy and a QR code.
  assert.equal(await page.locator('#clink-days').inputValue(), '14', '14 days is offered first');
  await page.getByLabel('Label').fill("Mum's phone");
  await page.getByRole('button', { name: 'Create link' }).click();
  const url = await page.locator('.made input').inputValue();
  assert.match(url, /\/join\/[A-Za-z0-9_-]{43}$/);
  await page.locator('.made svg.qr path').waitFor();
  const link = await page.locator('.links li', { hasText: "Mum's phone" }).textContent();
  assert.match(link, /never used/);
  const expires = (await admin.ok('GET', `/api/v1/admin/clients/${fid}/links`)).links[0].expires_at;
  assert.ok(Math.abs(expires - (Date.now() + 14 * 86400000)) < 600000, 'it expires in 14 days');

  // The dashboard in a second tab of the admin, the client's page in this one.
  const dash = await page.context().newPage();
  const dashErrors = watchErrors(dash);
  await dash.goto(`${server.base}/#/admin`);
  await appReady(dash);
  const row = dash.locator(`.client[data-id="${fid}"]`);
  await row.waitFor();
  assert.equal(await row.locator('[data-stat="wet"] b').textContent(), '0');
  assert.equal(await row.getAttribute('data-quiet'), '1', 'nothing logged: marked');

  // The parent opens the link on another device and logs two entries.
  const parentCtx = await newContext(browser);
  const parent = await parentCtx.newPage();
  const parentErrors = watchErrors(parent);
  await openLink(parent, server.base, new URL(url).pathname);
  await appReady(parent);
  await parent.getByRole('button', { name: 'Continue' }).click();
  await parent.locator('.qbtn').first().waitFor();
  const t0 = Date.now();
  await parent.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await parent.getByRole('button', { name: /^Dirty(\s|$)/ }).click();

  // Live, no reload: the dashboard row and the hourly grid.
  await row.locator('[data-stat="wet"] b', { hasText: '1' }).waitFor({ timeout: 10000 });
  await row.locator('[data-stat="dirty"] b', { hasText: '1' }).waitFor({ timeout: 10000 });
  assert.equal(await row.getAttribute('data-quiet'), null, 'no longer marked quiet');
  console.log(`# dashboard row updated ${Date.now() - t0} ms after the parent's first tap`);
  await page.locator('.console-hours .pill').nth(1).waitFor({ timeout: 10000 });
  console.log(`# hourly grid updated ${Date.now() - t0} ms after it`);
  assert.equal(await page.locator('.console-hours li').count(), 24, 'a 24-hour day has 24 rows');
  assert.match(await page.locator('[data-stat="wet"] b').textContent(), /^1$/);
  await page.locator('.links li', { hasText: 'last used' }).waitFor({ timeout: 10000 });

  // Print: the day as one page.
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdfPages(pdf), 1, 'the daily report prints on one page');

  // Revoke: the parent's stream ends (and its reconnection is refused).
  const streamEnded = parent.waitForEvent('requestfinished', {
    predicate: (r) => r.url().endsWith(`/families/${fid}/stream`),
    timeout: 15000,
  });
  const refused = parent.waitForResponse((r) => r.url().endsWith(`/families/${fid}/stream`) && r.status() === 401, {
    timeout: 20000,
  });
  page.once('dialog', () => {});
  await page
    .locator('.links li', { hasText: "Mum's phone" })
    .getByRole('button', { name: /^Revoke/ })
    .click();
  await page.locator('dialog.sheet[open]').getByRole('button', { name: 'Revoke' }).click();
  await page.locator('.links li', { hasText: 'Revoked' }).waitFor();
  await streamEnded;
  await refused;

  // The family's audit log names the admin's reads of it.
  const audit = await admin.ok('GET', `/api/v1/families/${fid}/audit?limit=100`);
  const reads = new Set(audit.events.filter((e) => e.actor?.name === 'Jane').map((e) => e.action));
  for (const a of ['client_viewed', 'summary_viewed', 'stream_opened']) assert.ok(reads.has(a), `audited: ${a}`);
  assert.doesNotMatch(server.log(), /audit_write_failed/, 'no audit event was lost');

  assert.deepEqual(errors, []);
  assert.deepEqual(dashErrors, []);
  assert.deepEqual(
    parentErrors.filter((e) => !/401|Unauthorized/.test(e)),
    [],
  );
  await parentCtx.close();
  await page.context().close();
});

test('a consultant sees only their own clients; the console in Hebrew is right to left', async () => {
  const admin = await staff('Ada');
  const kim = await staff('Kim', 'is_consultant');
  await admin.ok('POST', '/api/v1/admin/clients', { name: 'Not Kim’s', timezone: 'UTC' });
  await kim.ok('POST', '/api/v1/admin/clients', {
    name: 'Kim’s client',
    timezone: 'Europe/Paris',
    person: { name: 'Lia', kind: 'baby' },
  });
  const { page, errors } = await signedInPage(browser, server.base, kim, {
    path: '/#/admin',
    context: { locale: 'he-IL' },
  });
  await page.locator('.clients li').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  const names = await page.locator('.clients strong').allTextContents();
  assert.deepEqual(names, ['Kim’s client'], 'only her own client');
  assert.equal(await page.locator('a[href="#/admin/consultants"]').count(), 0, 'no consultants screen for her');
  await page.locator('.client-link').first().click();
  await page.locator('.console-hours li').first().waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

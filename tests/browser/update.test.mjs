// update.test.mjs — a new version of the app shell on the server brings the
// "update available — reload" prompt; Reload hands over to the new service
// worker and its cache. The server serves a copy of www/ (CARELOG_WWW) so the
// test can change it without touching the shared files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useStack, newContext, appReady, watchErrors, runSync, ROOT } from './harness.mjs';

let server;
let browser;
let www;
useStack('update', (s) => ({ server, browser, www } = s), { copyWww: true });

test('a new shell version offers a reload that activates it', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);

  await page.goto(server.base);
  await appReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  const oldKeys = await page.evaluate(() => caches.keys());

  // A new release: a shell file changes and the build regenerates the list.
  const css = join(www, 'css', 'app.css');
  writeFileSync(css, `${readFileSync(css, 'utf8')}\n/* next release */\n`);
  const gen = runSync('node', [join(ROOT, 'tools', 'precache.mjs'), www]);
  assert.equal(gen.status, 0, gen.stderr);
  const version = readFileSync(join(www, 'precache.js'), 'utf8').match(/"version": "([0-9a-f]+)"/)[1];
  assert.ok(!oldKeys.some((k) => k.endsWith(version)), 'a new version');

  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const toast = page.locator('#toast', { hasText: 'Update available' });
  await toast.waitFor({ timeout: 20000 });
  await Promise.all([page.waitForEvent('load'), toast.getByRole('button', { name: 'Reload' }).click()]);
  await appReady(page);
  const newKeys = await page.evaluate(() => caches.keys());
  assert.ok(
    newKeys.some((k) => k.endsWith(version)),
    `new cache in place: ${newKeys}`,
  );
  assert.ok(!newKeys.some((k) => oldKeys.includes(k)), 'the old cache is gone');
  assert.deepEqual(errors, []);
});

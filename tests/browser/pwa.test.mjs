// pwa.test.mjs — what makes carelog installable and offline-capable: the
// manifest (fields, icons that load at their stated sizes, shortcuts), the
// service worker controlling the page after one reload, the offline page
// for navigations it cannot serve, the CSP on responses, and a shortcut
// opening straight into its action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, newContext, familyWithBaby, signInContext, appReady, watchErrors } from './harness.mjs';

let server;
let browser;
useStack('pwa', (s) => ({ server, browser } = s));

function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG');
  return `${buf.readUInt32BE(16)}x${buf.readUInt32BE(20)}`;
}

test('the manifest has the install fields and its icons load', async () => {
  const res = await fetch(`${server.base}/manifest.webmanifest`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /application\/manifest\+json/);
  const m = await res.json();
  assert.ok(m.name && m.short_name && m.start_url && m.theme_color && m.background_color);
  assert.equal(m.display, 'standalone');
  const purposes = new Set();
  for (const icon of m.icons.filter((i) => i.type === 'image/png')) {
    const r = await fetch(new URL(icon.src, server.base));
    assert.equal(r.status, 200, icon.src);
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.equal(pngSize(Buffer.from(await r.arrayBuffer())), icon.sizes, `${icon.src} is ${icon.sizes}`);
    purposes.add(`${icon.sizes} ${icon.purpose}`);
  }
  assert.ok(purposes.has('192x192 any') && purposes.has('512x512 any') && purposes.has('512x512 maskable'));
  assert.deepEqual(
    m.shortcuts.map((s) => s.name),
    ['Log feed', 'Log diaper', 'Start sleep'],
  );
  for (const s of m.shortcuts) {
    assert.equal((await fetch(new URL(s.icons[0].src, server.base))).status, 200);
  }
  const html = await fetch(server.base);
  assert.match(html.headers.get('content-security-policy'), /script-src 'self'/);
  assert.match(html.headers.get('cache-control') || '', /no-cache/);
});

test('the service worker controls the page after one reload; unknown pages offline get the offline page', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(server.base);
  await appReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await appReady(page);
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
  assert.equal(
    await page.evaluate(() => document.querySelector('link[rel=manifest]').href.endsWith('/manifest.webmanifest')),
    true,
  );
  const cached = await page.evaluate(
    async () => (await caches.keys()).filter((k) => k.startsWith('carelog-shell-')).length,
  );
  assert.equal(cached, 1, 'one versioned shell cache');
  await ctx.setOffline(true);
  await page.goto(`${server.base}/`);
  await appReady(page);
  assert.match(await page.locator('main').innerText(), /Sign in/, 'the shell opens offline');
  await page.goto(`${server.base}/some/page`).catch(() => {});
  assert.match(await page.locator('body').innerText(), /You are offline/);
  await ctx.setOffline(false);
  assert.deepEqual(errors, []);
});

test('the "Start sleep" shortcut opens straight into a running sleep', async () => {
  const owner = await familyWithBaby(server.base);
  const ctx = await newContext(browser);
  await signInContext(ctx, server.base, owner.email, owner.password);
  const page = await ctx.newPage();
  const m = await (await fetch(`${server.base}/manifest.webmanifest`)).json();
  await page.goto(new URL(m.shortcuts.find((s) => s.name === 'Start sleep').url, server.base).href);
  await appReady(page);
  await page.locator('.timer.sleep').waitFor();
  await page.goto(new URL(m.shortcuts.find((s) => s.name === 'Log feed').url, server.base).href);
  await appReady(page);
  await page.locator('dialog.sheet', { hasText: 'Feed' }).waitFor();
});

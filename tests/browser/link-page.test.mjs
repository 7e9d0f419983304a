// link-page.test.mjs — audit finding 9.6 in a real browser: opening an
// access link shows a page and uses nothing; a form on another site posting
// to the link is refused (Chromium says Sec-Fetch-Site: cross-site); the
// page's own button uses the link and lands in the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { useStack, newContext, familyWithBaby, accessLink, appReady, watchErrors } from './harness.mjs';

let server;
let browser;
useStack('link-page', (s) => ({ server, browser } = s));

// A page on another site (localhost, not 127.0.0.1) with a form posting to
// `target`. Stopped by the caller.
function otherSite(target) {
  const html = `<!doctype html><title>elsewhere</title><form method="post" action="${target}"><button type="submit">Win a prize</button></form>`;
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

test('a link page uses nothing; only its own button does', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const fid = owner.family.id;
  const link = await accessLink(owner.client, fid, 'caregiver');
  const uses = async () => (await owner.client.ok('GET', `/api/v1/families/${fid}/links`)).links[0].uses;

  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  for (let i = 0; i < 3; i++) await page.goto(`${server.base}${link}`);
  await page.getByRole('heading', { name: /^Join Dana/ }).waitFor();
  assert.equal(await page.getByRole('button').count(), 1, 'one button');
  assert.equal((await ctx.cookies()).length, 0, 'opening the link sets no cookie');
  assert.equal(await uses(), 0, 'opening the link three times uses nothing');

  const elsewhere = await otherSite(`${server.base}${link}`);
  try {
    const evil = await ctx.newPage();
    await evil.goto(`http://localhost:${elsewhere.address().port}/`);
    const [res] = await Promise.all([
      evil.waitForResponse((r) => r.url().startsWith(`${server.base}/join/`) && r.request().method() === 'POST'),
      evil.getByRole('button', { name: 'Win a prize' }).click(),
    ]);
    assert.equal(res.status(), 403, 'a form on another site is refused');
    assert.equal((await ctx.cookies()).length, 0, '…sets no cookie');
    assert.equal(await uses(), 0, '…and uses nothing');
    await evil.close();
  } finally {
    await new Promise((r) => elsewhere.close(r));
  }

  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/join/')),
    page.getByRole('button', { name: 'Join' }).click(),
  ]);
  await appReady(page);
  await page.getByRole('heading', { name: 'Welcome!' }).waitFor();
  assert.equal(await uses(), 1, 'the button used the link once');
  assert.ok(
    (await ctx.cookies()).some((c) => c.name === 'carelog_session'),
    'signed in as a guest device',
  );
  assert.deepEqual(errors, []);
  await ctx.close();
});

// day-figures.test.mjs — the day view and the trends show the server's
// figures (GET /summary, GET /trends) when online, and the very same figures
// computed from the local copy when offline; the day counts naps and night
// sleeps apart, both shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('day-figures', (s) => ({ server, browser } = s));

const H = 3600000;
const M = 60000;

// A log for one day (UTC, the family's zone): two nights (one from midnight,
// one crossing into the next day), two naps, three feeds, two diapers.
function dayLog(subjectId, d0) {
  const list = [
    ['sleep', 0, 6 * H, {}],
    ['feed', 8 * H, null, { method: 'bottle', amount_ml: 120 }],
    ['diaper', 9 * H, null, { wet: true, dirty: false }],
    ['sleep', 10 * H, 11 * H + 30 * M, {}],
    ['feed', 12 * H, null, { method: 'bottle', amount_ml: 90 }],
    ['diaper', 13 * H, null, { wet: true, dirty: true }],
    ['sleep', 14 * H, 15 * H, {}],
    ['feed', 16 * H, 16 * H + 20 * M, { method: 'breast_left' }],
    ['sleep', 20 * H, 26 * H, {}],
  ];
  return list.map(([type, at, end, value], i) => {
    const ts = d0 + at;
    const hex = ts.toString(16).padStart(12, '0');
    return {
      op: 'put',
      id: `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-${String(i).padStart(12, '0')}`,
      subject_id: subjectId,
      type,
      ts,
      end_ts: end === null ? null : d0 + end,
      value,
      created_at: ts,
      updated_at: ts,
    };
  });
}

const stats = (page) =>
  page
    .locator('[data-stat]')
    .evaluateAll((els) => Object.fromEntries(els.map((el) => [el.dataset.stat, el.querySelector('b').textContent])));
const bars = (page) => page.locator('svg.chart rect.bar title').allTextContents();

test('the day and the trends: the server’s figures online, the same ones offline', async () => {
  const owner = await familyWithBaby(server.base);
  const fid = owner.family.id;
  const key = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const d0 = Date.parse(`${key}T00:00:00Z`);
  await owner.client.ok('POST', `/api/v1/families/${fid}/sync`, {
    cursor: 0,
    changes: dayLog(owner.subject.id, d0),
  });
  const truth = await owner.client.ok('GET', `/api/v1/families/${fid}/summary?date=${key}`);
  assert.deepEqual(
    [truth.totals.naps, truth.totals.night_sleeps, truth.totals.feeds, truth.totals.sleep_ms],
    [2, 2, 3, 12.5 * H],
    'the server counts naps and night sleeps apart',
  );

  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: `/#/day/${key}` });
  const asked = [];
  page.on('request', (r) => {
    if (/\/(summary|trends)\?/.test(r.url())) asked.push(new URL(r.url()).pathname.split('/').pop());
  });
  // The local copy holds the day (every entry opens from its hour).
  await page.goto(`${server.base}/#/timeline`);
  await page.locator('.entry').nth(8).waitFor();
  await page.goto(`${server.base}/#/day/${key}`);
  await page.locator('[data-source="server"]').waitFor();
  assert.equal(await page.locator('.daylog button.pill').count(), 9, 'every entry is in the day’s log');
  const online = await stats(page);
  assert.equal(online.naps, '2');
  assert.equal(online.night_sleeps, '2', 'night sleeps are shown beside the naps');
  assert.equal(online.feeds, '3');
  assert.equal(online.diapers, '2');
  assert.equal(online.wet_dirty, '2 / 1');
  assert.match(online.bottle_ml, /^210\s?mL$/);
  assert.ok(asked.includes('summary'), 'the day came from GET /summary');

  await page.getByRole('link', { name: 'See trends' }).click();
  await page.locator('[data-source="server"] svg.chart').first().waitFor();
  const trendsOnline = await bars(page);
  assert.ok(asked.includes('trends'), 'the trends came from GET /trends');

  await ctx.setOffline(true);
  await page.waitForFunction(() => navigator.onLine === false);
  await page.locator('[data-source="local"] svg.chart').first().waitFor();
  assert.deepEqual(await bars(page), trendsOnline, 'the same bars offline');
  await page.evaluate((k) => {
    location.hash = `#/day/${k}`;
  }, key);
  await page.locator('[data-source="local"]').waitFor();
  assert.deepEqual(await stats(page), online, 'the same figures offline, computed from the local copy');
  await ctx.setOffline(false);
  assert.deepEqual(errors, []);
});

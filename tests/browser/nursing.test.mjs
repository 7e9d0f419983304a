// nursing.test.mjs — a breastfeed the way parents give one: started on one
// side, switched, paused and resumed, stopped, then topped up with a bottle.
// It is one entry with the time on each side, one feed in the day's totals
// (the server's and the app's), and the next feed is offered on the other
// side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage, serverEntries } from './harness.mjs';

let server;
let browser;
useStack('nursing', (s) => ({ server, browser } = s));

test('switch sides, pause, resume, stop and top up: one feed with its time on each side', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  const quick = (name) => page.locator('.qbtn', { hasText: name });
  await quick('Left').click();
  const card = page.locator('.timer.feed');
  await card.waitFor();
  assert.match(await card.locator('strong').textContent(), /Breastfeed/);
  await page.waitForTimeout(1600);
  await quick('Right').click(); // the same feed, on the right now
  await card.locator('.sides', { hasText: /left 0:0[1-9]/ }).waitFor();
  assert.equal(await page.locator('.timer').count(), 1, 'still one breastfeed running');
  await page.waitForTimeout(1200);
  await card.getByRole('button', { name: 'Pause' }).click();
  await card.locator('.badge', { hasText: 'paused' }).waitFor();
  const pausedAt = await card.locator('.clock').textContent();
  await page.waitForTimeout(1500);
  assert.equal(await card.locator('.clock').textContent(), pausedAt, 'the clock stands still while paused');
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.locator('.badge').waitFor({ state: 'detached' });
  await card.getByRole('button', { name: /^Stop/ }).click();
  await card.waitFor({ state: 'detached' });
  await page.locator('#toast').getByRole('button', { name: 'Top up' }).click();
  const form = page.locator('dialog.sheet[open]');
  assert.equal(await form.getByLabel(/^Method/).inputValue(), 'bottle');
  assert.equal(await form.getByLabel(/^Top-up after breastfeeding/).isChecked(), true, 'a top-up, said so');
  await form.getByLabel(/^Amount/).fill('40');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });

  let feeds = [];
  for (let i = 0; i < 100 && feeds.length < 2; i++) {
    feeds = (await serverEntries(owner.client, owner.family.id)).filter((e) => e.type === 'feed' && !e.deleted);
    if (feeds.length < 2) await page.waitForTimeout(100);
  }
  const nursed = feeds.filter((e) => e.value.method !== 'bottle');
  assert.equal(nursed.length, 1, `one entry for the whole breastfeed: ${JSON.stringify(feeds)}`);
  const v = nursed[0].value;
  assert.equal(v.method, 'breast_right', 'it ended on the right');
  assert.ok(v.left_s >= 1 && v.right_s >= 1, `time on each side: ${JSON.stringify(v)}`);
  assert.ok(!('side_at' in v) && !('paused' in v), 'nothing left running');
  assert.ok(nursed[0].end_ts >= nursed[0].ts + (v.left_s + v.right_s) * 1000 - 1000, 'the pause is in its span');
  const topUp = feeds.find((e) => e.value.method === 'bottle');
  assert.deepEqual(topUp.value, { method: 'bottle', milk: 'formula', amount_ml: 40, top_up: true });

  const summary = await owner.client.ok(
    'GET',
    `/api/v1/families/${owner.family.id}/summary?subject=${owner.subject.id}`,
  );
  assert.equal(summary.totals.feeds, 1, 'the server counts one feed');
  assert.equal(summary.last.feed.id, nursed[0].id, 'the last feed is the breastfeed, not its top-up');
  await page.locator('.totals div', { hasText: 'Feeds' }).locator('b', { hasText: /^1$/ }).waitFor();
  await page.locator('.since', { hasText: 'last side: right' }).waitFor();
  assert.equal((await quick('Left').locator('small').textContent()).trim(), 'next', 'start on the left next time');
  await ctx.close();
  assert.deepEqual(errors, []);
});

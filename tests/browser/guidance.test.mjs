// guidance.test.mjs — sleep guidance on the home screen: when the next
// sleep is likely due, from the baby's age and its own recent naps,
// labelled as guidance; the family's owner can turn it off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('guidance', (s) => ({ server, browser } = s));

test('the next nap likely due, from the age and the baby’s own sleep; off for the family', async () => {
  const owner = await familyWithBaby(server.base);
  const fid = owner.family.id;
  const now = Date.now();
  const M = 60000;
  const H = 60 * M;
  const baby = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, {
    name: 'Lia',
    kind: 'baby',
    birth_date: new Date(now - 130 * 24 * H).toISOString().slice(0, 10),
  });
  // Naps after 2 h, 2 h 10 and 2 h 20 awake; she woke 30 minutes ago.
  const spans = [
    [-20 * H, -19 * H],
    [-17 * H, -16 * H],
    [-13 * H - 50 * M, -13 * H],
    [-10 * H - 40 * M, -10 * H],
    [-2 * H, -30 * M],
  ];
  const changes = spans.map(([a, b], i) => ({
    op: 'put',
    id: `0190d000-0000-7000-8000-00000000000${i}`,
    subject_id: baby.id,
    type: 'sleep',
    ts: now + a,
    end_ts: now + b,
    value: { kind: 'nap' },
    created_at: now,
    updated_at: now,
  }));
  await owner.client.ok('POST', `/api/v1/families/${fid}/sync`, { cursor: 0, changes });
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, {
    path: `/?family=${fid}&subject=${baby.id}`,
  });
  const card = page.locator('.guidance');
  await card.waitFor();
  const due = await page.evaluate(
    (at) => new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(at),
    now - 30 * M + 130 * M,
  );
  assert.equal(await card.locator('strong').textContent(), `Likely due around ${due}`, 'woke + her own 2 h 10');
  const text = await card.innerText();
  assert.match(text, /guidance/, 'labelled as guidance');
  assert.match(
    text,
    /A guide, not a rule: awake time at this age is 2 hr – 2 hr 30 min\. Lia’s own lately: 2 hr 10 min\./,
  );

  await page.evaluate(() => {
    location.hash = '#/settings/people';
  });
  await page.getByLabel(/^Sleep guidance/).uncheck();
  await page.getByRole('button', { name: 'Save changes' }).first().click();
  await page.locator('#toast:not([hidden])', { hasText: 'Saved' }).waitFor();
  assert.equal((await owner.client.ok('GET', `/api/v1/families/${fid}`)).sleep_guidance, false);
  await page.evaluate(() => {
    location.hash = '#/home';
  });
  await page.locator('.qbtn').first().waitFor();
  await page.locator('.since').waitFor();
  assert.equal(await page.locator('.guidance').count(), 0, 'no guidance once the family turned it off');
  await ctx.close();
  assert.deepEqual(errors, []);
});

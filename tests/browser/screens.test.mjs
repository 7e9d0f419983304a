// screens.test.mjs — what a parent found wrong on a 390 px phone, each
// checked as they would see it: the home screen's buttons stay on the
// screen in French and English, and the type picker's third column too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage } from './harness.mjs';

let server;
let browser;
let owner;
useStack('screens', async (s) => {
  ({ server, browser } = s);
  owner = await familyWithBaby(server.base);
});

// The boxes of `sel` that stick out of the content box of `box` (its
// border box less its padding), as "text: left..right of lo..hi".
async function outside(page, sel, box) {
  return page.evaluate(
    ({ sel, box }) => {
      const b = document.querySelector(box);
      const cs = getComputedStyle(b);
      const r = b.getBoundingClientRect();
      const lo = r.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth);
      const hi = r.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
      return [...b.querySelectorAll(sel)]
        .map((el) => [el.innerText.trim().replace(/\s+/g, ' '), el.getBoundingClientRect()])
        .filter(([, q]) => q.left < lo - 0.5 || q.right > hi + 0.5)
        .map(
          ([text, q]) =>
            `${text}: ${Math.round(q.left)}..${Math.round(q.right)} of ${Math.round(lo)}..${Math.round(hi)}`,
        );
    },
    { sel, box },
  );
}

test('home at 390 px: French fits, "Growth" keeps its margin, the type picker shows three whole columns', async () => {
  for (const locale of ['fr-FR', 'en-US']) {
    const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { context: { locale } });
    await page.locator('.qbtn').first().waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.equal(width, 390, `${locale}: the page is as wide as the screen`);
    assert.deepEqual(await outside(page, '.qbtn', 'main'), [], `${locale}: every quick button inside the margins`);
    const tabs = await page.locator('#tabs').boundingBox();
    assert.ok(
      tabs.x >= 0 && tabs.x + tabs.width <= 390 && tabs.y + tabs.height <= 844,
      `${locale}: the tab bar in view`,
    );
    await page.locator('.fab-row button').click();
    await page.locator('dialog .types button').first().waitFor();
    assert.deepEqual(await outside(page, '.types button', 'dialog.sheet'), [], `${locale}: the type picker's columns`);
    await ctx.close();
    assert.deepEqual(errors, []);
  }
});

test('reminders: the text of a reminder has the row’s width, not one letter a line', async () => {
  await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/reminders`, {
    subject_id: owner.subject.id,
    kind: 'feed_due',
    interval_min: 180,
    label: 'Next feed',
  });
  for (const width of [320, 390]) {
    const { ctx, page, errors } = await signedInPage(browser, server.base, owner, {
      path: '/#/reminders',
      context: { viewport: { width, height: 800 } },
    });
    const row = page.locator('.reminders li').first();
    await row.waitFor();
    const [li, text] = await Promise.all([row.boundingBox(), row.locator('.grow').boundingBox()]);
    assert.ok(
      text.width >= li.width * 0.6,
      `${width} px: the text column is ${Math.round(text.width)} of ${li.width} px`,
    );
    const lines = await row.locator('.grow strong').evaluate((el) => el.getClientRects().length);
    assert.equal(lines, 1, 'the name on one line');
    await ctx.close();
    assert.deepEqual(errors, []);
  }
});

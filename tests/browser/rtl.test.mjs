// rtl.test.mjs — the Hebrew UI lays out right to left: dir="rtl", the first
// tab and the first quick button sit on the right, timeline rows start at
// the right edge; a screenshot is kept in tests/out for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useStack, familyWithBaby, ROOT, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('rtl', (s) => ({ server, browser } = s));

test('Hebrew renders right to left', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'דנה', baby: 'נועה' });
  const { page, errors } = await signedInPage(browser, server.base, owner, { context: { locale: 'he-IL' } });
  await page.locator('.qbtn').first().waitFor();

  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'he');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl');
  const tabs = await page
    .locator('#tabs a')
    .evaluateAll((as) => as.map((a) => ({ text: a.innerText.trim(), x: a.getBoundingClientRect().x })));
  assert.equal(tabs[0].text, 'בית');
  assert.ok(tabs[0].x > tabs[1].x && tabs[1].x > tabs[2].x, `tabs run right to left: ${JSON.stringify(tabs)}`);
  const q = await page
    .locator('.quick')
    .first()
    .locator('.qbtn')
    .evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().x));
  assert.ok(q[0] > q[1], 'first quick button on the right');
  const who = await page.locator('.who').boundingBox();
  assert.ok(who.x > 390 / 2 - who.width, 'person switcher starts at the right');

  await page.getByRole('button', { name: /^שמאל(\s|$)/ }).click();
  await page.locator('.timer.feed').waitFor();
  const clockDir = await page.waitForFunction(() => {
    const el = document.querySelector('.timer .clock');
    return el?.isConnected && getComputedStyle(el).direction;
  });
  assert.equal(await clockDir.jsonValue(), 'ltr', 'the clock digits keep their order');
  const out = join(ROOT, 'tests', 'out');
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'rtl-home.png'), fullPage: true });

  await page.getByRole('link', { name: 'יומן' }).click();
  const row = page.locator('.entry').first();
  await row.waitFor();
  const icon = await row.locator('.ico').boundingBox();
  const time = await row.locator('.time').boundingBox();
  assert.ok(icon.x > time.x, 'a timeline row reads from the right: icon right, time left');
  await page.screenshot({ path: join(out, 'rtl-timeline.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('Arabic renders right to left too, with its six plural forms and its digits', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'دانة', baby: 'نور' });
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { context: { locale: 'ar-EG' } });
  await page.locator('.qbtn').first().waitFor();
  assert.deepEqual(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]), [
    'rtl',
    'ar',
  ]);
  const tabs = await page
    .locator('#tabs a')
    .evaluateAll((as) => as.map((a) => ({ text: a.innerText.trim(), x: a.getBoundingClientRect().x })));
  assert.equal(tabs[0].text, 'الرئيسية');
  assert.ok(tabs[0].x > tabs[1].x, 'the first tab on the right');
  const [said, d] = await page.evaluate(async () => {
    const { t } = await import('/js/i18n.js');
    const nf = new Intl.NumberFormat('ar');
    return [[0, 1, 2, 3, 11, 100].map((n) => t('days_n', { n })), [0, 3, 11, 100].map((n) => nf.format(n))];
  });
  assert.deepEqual(
    said,
    [`${d[0]} يوم`, 'يوم واحد', 'يومان', `${d[1]} أيام`, `${d[2]} يومًا`, `${d[3]} يوم`],
    'Intl.PluralRules picks the form, Intl writes the number',
  );
  await page.screenshot({ path: join(ROOT, 'tests', 'out', 'rtl-home-ar.png'), fullPage: true });
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('Russian picks its plural forms by Intl.PluralRules (1, 2–4, 5–20, 21…)', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { context: { locale: 'ru-RU' } });
  await page.locator('.qbtn').first().waitFor();
  const said = await page.evaluate(async () => {
    const { t } = await import('/js/i18n.js');
    return [1, 3, 5, 21, 22, 1.5].map((n) => t('days_n', { n }));
  });
  assert.deepEqual(said, ['1 день', '3 дня', '5 дней', '21 день', '22 дня', '1,5 дня']);
  await ctx.close();
  assert.deepEqual(errors, []);
});

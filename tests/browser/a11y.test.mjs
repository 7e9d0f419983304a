// a11y.test.mjs — axe-core on every screen (sign in, new account, home, the
// type picker, the form of every entry type, timeline, day, trends, settings
// and each of its sections, account, quick buttons, reminders, the person
// picker) in light and dark themes, and the main screens in Arabic (right to
// left), finds no serious or critical violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { useStack, newContext, familyWithBaby, appReady, signInWithForm, signInContext } from './harness.mjs';
import { typesFor } from '../../www/js/entries.js';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;
useStack('a11y', (s) => ({ server, browser } = s));
// Every type a baby's log forms open for: the catalogue's, as the app's type
// picker lists them (www/js/entries.js), the one list of them.
const TYPES = typesFor('baby');

async function axe(page, where) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes
          .slice(0, 4)
          .map((n) => n.target.join(' '))
          .join('\n    ')}`,
    )
    .join('\n  ');
  assert.equal(bad.length, 0, `${where}:\n  ${report}`);
}

for (const theme of ['light', 'dark']) {
  test(`no serious or critical violations (${theme})`, async () => {
    const owner = await familyWithBaby(server.base);
    const ctx = await newContext(browser, { colorScheme: theme });
    const page = await ctx.newPage();
    await page.goto(server.base);
    await appReady(page);
    await axe(page, 'sign in');
    await page.goto(`${server.base}/#/register`);
    await page.locator('form input').first().waitFor();
    await axe(page, 'new account');
    await page.goto(`${server.base}/#/signin`);
    await signInWithForm(page, owner);
    await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
    await page.getByRole('button', { name: /^Left(\s|$)/ }).click();
    await page.locator('.timer').waitFor();
    await axe(page, 'home');
    await page.getByRole('button', { name: 'Log something else' }).click();
    await axe(page, 'type picker');
    await page.locator('dialog .types button', { hasText: 'Feed' }).click();
    await page.locator('dialog.sheet').waitFor();
    await axe(page, 'entry form');
    await page.keyboard.press('Escape');
    await page.locator('dialog.sheet').waitFor({ state: 'detached' });
    for (const type of TYPES) {
      await page.evaluate((h) => {
        location.hash = h;
      }, `#/log/${type}`);
      await page.locator('dialog.sheet[open] .sheet-actions').waitFor();
      await axe(page, `${type} form`);
      await page.keyboard.press('Escape');
      await page.locator('dialog.sheet').waitFor({ state: 'detached' });
    }
    await page.evaluate(() => {
      location.hash = '#/home';
    });
    await page.locator('.timer').waitFor();
    for (const [link, where] of [
      ['Timeline', 'timeline'],
      ['Trends', 'trends'],
      ['Settings', 'settings'],
    ]) {
      await page.getByRole('link', { name: link }).click();
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(300);
      await axe(page, where);
    }
    for (const [section, where] of [
      ['people', 'people'],
      ['sharing', 'sharing'],
      ['units', 'units and language'],
      ['export', 'export'],
    ]) {
      await page.goto(`${server.base}/#/settings/${section}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(300);
      await axe(page, where);
    }
    await page.goto(`${server.base}/#/account`);
    await page.locator('#signout').waitFor();
    await axe(page, 'account');
    await page.goto(`${server.base}/#/buttons`);
    await page.getByRole('heading', { name: 'Add a button' }).waitFor();
    await axe(page, 'quick buttons');
    await page.goto(`${server.base}/#/reminders`);
    await page.getByRole('heading', { name: 'New reminder' }).waitFor();
    await axe(page, 'reminders');
    await page.goto(`${server.base}/#/day`);
    await page.getByRole('heading', { name: 'What happened' }).waitFor();
    await axe(page, 'day');
    await page.goto(`${server.base}/#/pick`);
    await page.locator('main .list li').first().waitFor();
    await axe(page, 'person picker');
    await ctx.close();
  });
}

test('no serious or critical violations in Arabic (right to left)', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'دانة', baby: 'نور' });
  const ctx = await newContext(browser, { locale: 'ar-EG' });
  await signInContext(ctx, server.base, owner.email, owner.password);
  const page = await ctx.newPage();
  await page.goto(`${server.base}/#/home`);
  await appReady(page);
  await page.locator('.qbtn').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  await axe(page, 'home (ar)');
  for (const [hash, ready, where] of [
    ['#/timeline', 'main h1', 'timeline (ar)'],
    ['#/day', 'main h1', 'day (ar)'],
    ['#/trends', 'main h1', 'trends (ar)'],
    ['#/settings', 'main h1', 'settings (ar)'],
    ['#/settings/units', 'main .seg', 'units and language (ar)'],
  ]) {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(300);
    await axe(page, where);
  }
  await ctx.close();
});

test('targets are at least 48 px', async () => {
  const owner = await familyWithBaby(server.base);
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base);
  await appReady(page);
  await signInWithForm(page, owner);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select')]
      .filter((el) => el.offsetParent !== null && !el.closest('.skip'))
      .map((el) => ({
        el: el.outerHTML.slice(0, 80),
        w: el.getBoundingClientRect().width,
        h: el.getBoundingClientRect().height,
      }))
      .filter((r) => r.w < 47.5 || r.h < 47.5),
  );
  assert.deepEqual(small, []);
});

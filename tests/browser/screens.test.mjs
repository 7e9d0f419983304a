// screens.test.mjs — what a parent found wrong on a 390 px phone, each
// checked as they would see it: the home screen's buttons stay on the
// screen in French and English, and the type picker's third column too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, signedInPage, accessLink, openLink, newContext, watchErrors } from './harness.mjs';

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

// The numbers a chart's value axis shows, with where it shows them: the
// labels of `sel` as [value, the middle of the label's height].
async function axis(chart, sel) {
  return chart.locator(sel).evaluateAll((els) =>
    els.map((el) => {
      const b = el.getBBox();
      return [Number(el.textContent.replace(/[^\d.,-]/g, '').replace(',', '.')), b.y + b.height / 2];
    }),
  );
}

// True when the labels are a straight-line function of their positions
// (what each label says is what its place on the axis means), to within
// the 0.1 px the chart rounds its coordinates to.
function linear(ticks) {
  if (ticks.length < 3) return false;
  const [v0, p0] = ticks[0];
  const [v1, p1] = ticks[ticks.length - 1];
  const k = (v1 - v0) / (p1 - p0);
  return ticks.every(([v, p]) => Math.abs(v0 + k * (p - p0) - v) <= Math.abs(k) * 0.25);
}

test('growth chart: the weight axis says what its ticks mean; a 5.6 kg point sits at 5.6', async () => {
  const fid = owner.family.id;
  const birth = Date.parse(`${owner.subject.birth_date}T12:00:00Z`);
  for (const [i, [days, g]] of [
    [30, 4200],
    [75, 5600],
  ].entries()) {
    const ts = birth + days * 86400000;
    const hex = ts.toString(16).padStart(12, '0');
    await owner.client.ok(
      'PUT',
      `/api/v1/families/${fid}/entries/${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-00000000000${i}`,
      {
        subject_id: owner.subject.id,
        type: 'growth',
        ts,
        value: { weight_g: g },
        updated_at: ts,
      },
    );
  }
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/trends' });
  const chart = page.locator('svg.chart[aria-label="Weight for age (kg)"]');
  await chart.locator('circle.pt').nth(1).waitFor();
  const ticks = await axis(chart, 'text.tick-y, text[text-anchor="start"]');
  assert.ok(linear(ticks), `the labels match their places: ${JSON.stringify(ticks)}`);
  const [v0, y0] = ticks[0];
  const [v1, y1] = ticks[ticks.length - 1];
  const cy = Number(await chart.locator('circle.pt', { hasText: '5.6' }).getAttribute('cy'));
  const read = v0 + ((v1 - v0) * (cy - y0)) / (y1 - y0);
  assert.ok(Math.abs(read - 5.6) < 0.05, `read off the axis, the point says ${read}: ${JSON.stringify(ticks)}`);
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('bar charts have a value axis: labelled ticks from 0, in the chart’s unit', async () => {
  const fid = owner.family.id;
  const now = Date.now();
  const changes = [90, 120, 150].map((ml, i) => {
    const ts = now - (i + 1) * 3600000;
    const hex = ts.toString(16).padStart(12, '0');
    return {
      op: 'put',
      id: `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-10000000000${i}`,
      subject_id: owner.subject.id,
      type: 'feed',
      ts,
      end_ts: null,
      value: { method: 'bottle', amount_ml: ml },
      created_at: ts,
      updated_at: ts,
    };
  });
  await owner.client.ok('POST', `/api/v1/families/${fid}/sync`, { cursor: 0, changes });
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/trends' });
  for (const [name, unit] of [
    ['Sleep per day', /h/],
    ['Feeds per day', /^\d+$/],
    ['Bottle amount per day', /mL/],
    ['Diapers per day', /^\d+$/],
  ]) {
    const chart = page.locator(`svg.chart[aria-label="${name}"]`);
    await chart.waitFor();
    const labels = await chart.locator('text.tick-y').allTextContents();
    assert.ok(labels.length >= 2, `${name}: a labelled value axis (${labels.length} labels)`);
    assert.ok(
      labels.every((l) => unit.test(l.trim())),
      `${name}: labels in its unit: ${labels}`,
    );
    const ticks = await axis(chart, 'text.tick-y');
    assert.equal(ticks[0][0], 0, `${name}: the axis starts at 0`);
    assert.ok(ticks.length < 3 || linear(ticks), `${name}: evenly spaced labels: ${JSON.stringify(ticks)}`);
  }
  const ml = page.locator('svg.chart[aria-label="Bottle amount per day"]');
  const top = Math.max(...(await axis(ml, 'text.tick-y')).map(([v]) => v));
  assert.ok(top >= 360, `the axis reaches today's 360 mL (top tick ${top})`);
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('weight: typed in the unit the form shows (kg), hinted, and a wrong guess says the range', async () => {
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/log/growth' });
  const form = page.locator('dialog.sheet');
  const weight = form.getByLabel(/^Weight/);
  await weight.waitFor();
  const label = await form.locator('label', { hasText: 'Weight' }).textContent();
  assert.match(label, /\(kg\)/, `the label names the unit: ${label}`);
  const hint = await form.locator('#f-growth-weight_g-hint').textContent();
  assert.match(hint, /kg/, `a hint says what to type: ${hint}`);
  await weight.fill('5600');
  await form.getByRole('button', { name: 'Save' }).click();
  const error = form.locator('#f-growth-weight_g-err');
  await error.waitFor();
  assert.match(await error.textContent(), /0\.3.*300\s?kg/, 'the error says the range, in kg');
  await weight.fill('5.6');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  let saved;
  for (let i = 0; i < 50 && !saved; i++) {
    const list = (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/changes?since=0&limit=500`))
      .changes;
    saved = list.find((e) => e.type === 'growth' && e.value.weight_g === 5600);
    if (!saved) await page.waitForTimeout(100);
  }
  assert.ok(saved, '5.6 kg is stored as 5600 g');
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('millilitres are written one way in each of the ten languages: "mL" in English, "ml" in French; button presets too', async () => {
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  const ways = await page.evaluate(async () => {
    const i18n = await import('/js/i18n.js');
    const out = {};
    for (const l of i18n.LANGS) {
      await i18n.setLang(l);
      const intl = new Intl.NumberFormat(l, { style: 'unit', unit: 'milliliter', unitDisplay: 'short' })
        .formatToParts(120)
        .find((p) => p.type === 'unit').value;
      out[l] = {
        amounts: intl,
        form: i18n.inputUnit('ml', 'metric'),
        dose: i18n.t('unit.ml'),
        choice: i18n.t('opt.unit.ml'),
        units: i18n.t('units.metric').includes(intl),
      };
    }
    return out;
  });
  for (const [l, w] of Object.entries(ways)) {
    assert.deepEqual(
      [w.form, w.dose, w.choice, w.units],
      [w.amounts, w.amounts, w.amounts, true],
      `${l}: ${JSON.stringify(w)}`,
    );
  }
  assert.equal(ways.en.amounts, 'mL');
  await page.evaluate(async () => (await import('/js/i18n.js')).setLang('en'));
  await page.goto(`${server.base}/#/buttons`);
  const add = page.locator('form', { hasText: 'Add a button' });
  await add.getByLabel('Type').selectOption('feed');
  await add.getByLabel('Amount (mL)', { exact: true }).waitFor({ timeout: 5000 });
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('quick-button editor: a label field is wide enough to read and type in', async () => {
  for (const width of [320, 390]) {
    const { ctx, page, errors } = await signedInPage(browser, server.base, owner, {
      path: '/#/buttons',
      context: { viewport: { width, height: 800 } },
    });
    const row = page.locator('.buttons li').first();
    await row.waitFor();
    const [li, input] = await Promise.all([row.boundingBox(), row.locator('input[type=text]').boundingBox()]);
    assert.ok(input.width >= li.width * 0.6, `${width} px: the field is ${Math.round(input.width)} of ${li.width} px`);
    await ctx.close();
    assert.deepEqual(errors, []);
  }
});

test('settings: people, sharing, reminders, units and language, export and the account are each one tap away', async () => {
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings' });
  for (const [link, shows] of [
    [/^Family and people/, (p) => p.getByRole('button', { name: 'Add a person' })],
    [/^Sharing/, (p) => p.getByRole('heading', { name: 'Members' })],
    [/^Reminders/, (p) => p.getByRole('heading', { name: 'New reminder' })],
    [/^Units and language/, (p) => p.getByRole('group', { name: 'Language' })],
    [/^Export the log/, (p) => p.getByRole('link', { name: 'CSV' })],
    [/^Account/, (p) => p.getByRole('button', { name: 'Sign out' }).last()],
  ]) {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: link }).click();
    await shows(page).waitFor({ timeout: 5000 });
  }
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('a message shown in one language goes when the language changes', async () => {
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await page.locator('#toast:not([hidden])').waitFor();
  await page.evaluate(() => {
    location.hash = '#/settings/units';
  });
  await page.getByRole('button', { name: 'Français' }).click();
  await page.getByRole('heading', { name: 'Unités et langue' }).waitFor();
  assert.equal(await page.locator('#toast').isHidden(), true, 'no English message on the French screen');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Units and language' }).waitFor();
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('day view: a compact timeline, not 24 hour rows — what happened in order, quiet stretches as one line, the day at a glance', async () => {
  const fam = await familyWithBaby(server.base);
  const key = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  const at = (hm) => Date.parse(`${key}T${hm}:00Z`);
  const changes = [
    ['feed', '08:00', null, { method: 'bottle', milk: 'formula', amount_ml: 120 }],
    ['diaper', '08:30', null, { wet: true, dirty: false }],
    ['sleep', '13:00', '14:00', { kind: 'nap' }],
    ['diaper', '20:00', null, { wet: false, dirty: true }],
  ].map(([type, ts, end, value], i) => ({
    op: 'put',
    id: `0190b000-0000-7000-8000-00000000000${i}`,
    subject_id: fam.subject.id,
    type,
    ts: at(ts),
    end_ts: end && at(end),
    value,
    created_at: at(ts),
    updated_at: at(ts),
  }));
  await fam.client.ok('POST', `/api/v1/families/${fam.family.id}/sync`, { cursor: 0, changes });
  for (const width of [320, 390]) {
    const { ctx, page, errors } = await signedInPage(browser, server.base, fam, {
      path: `/#/day/${key}`,
      context: { viewport: { width, height: 800 } },
    });
    await page.locator('.daylog button.pill').nth(3).waitFor();
    const rows = await page
      .locator('.daylog li')
      .evaluateAll((els) =>
        els.map((el) =>
          el.classList.contains('gap') ? `… ${el.textContent.trim()}` : el.querySelector('.h').textContent,
        ),
      );
    assert.deepEqual(
      rows,
      ['8:00 AM', '8:30 AM', '… 4 hr 30 min with nothing logged', '1:00 PM', '… 6 hr with nothing logged', '8:00 PM'],
      `${width} px: the day's four entries and its two quiet stretches, in order`,
    );
    const wrapped = await page.locator('.daylog .h').evaluateAll((els) =>
      els
        .filter((el) => {
          const r = document.createRange();
          r.selectNodeContents(el);
          return new Set([...r.getClientRects()].map((q) => Math.round(q.top))).size > 1;
        })
        .map((el) => el.textContent),
    );
    assert.deepEqual(wrapped, [], `${width} px: each time on one line`);
    const strip = page.locator('svg.glance');
    assert.deepEqual(
      [
        await strip.locator('rect.sleep').count(),
        await strip.locator('circle.feed').count(),
        await strip.locator('circle.diaper').count(),
      ],
      [1, 1, 2],
      'the day at a glance: the nap, the bottle, the two diapers',
    );
    assert.match(await strip.getAttribute('aria-label'), /sleep 1 hr, feeds 1, diapers 2/);
    await ctx.close();
    assert.deepEqual(errors, []);
  }
});

test('the admin’s first sign-in lands on a clean address (no ?welcome=admin left)', async () => {
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/?welcome=admin' });
  await page.locator('.qbtn').first().waitFor();
  assert.equal(await page.evaluate(() => location.search), '');
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('a guest who joined by link says who they are, on arrival and later in the account', async () => {
  const link = await accessLink(owner.client, owner.family.id, 'caregiver');
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await openLink(page, server.base, link);
  const name = page.getByLabel('Your name');
  await name.waitFor();
  assert.equal(await name.inputValue(), 'caregiver link', 'named after the link until then');
  await name.fill('Grandma Rosa');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.qbtn').first().waitFor();
  const names = async () =>
    (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/members`)).members.map((m) => m.name);
  assert.ok((await names()).includes('Grandma Rosa'), 'the family sees the name the guest gave');
  await page.evaluate(() => {
    location.hash = '#/account';
  });
  await page.getByLabel('Your name').fill('Rosa');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#toast:not([hidden])', { hasText: 'Saved' }).waitFor();
  assert.ok((await names()).includes('Rosa'), 'renamed from the account screen');
  assert.equal(await page.getByLabel('Current password').count(), 0, 'a guest has no password to change');
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('time zone: searched in the server’s list of IANA zones, not typed free', async () => {
  const server_zones = (await owner.client.ok('GET', '/api/v1/timezones')).timezones;
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings/people' });
  const search = page.getByRole('searchbox', { name: 'Time zone' });
  await search.fill('amster');
  await page.getByRole('button', { name: /^Europe\/Amsterdam · / }).click();
  await search.fill('new york');
  const found = await page.locator('.zones button').allTextContents();
  assert.deepEqual(
    found.map((z) => z.split(' · ')[0]),
    ['America/New York'],
    'found by its words, from the server’s list',
  );
  assert.ok(server_zones.includes('America/New_York'));
  await search.fill('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#toast:not([hidden])', { hasText: 'Saved' }).waitFor();
  const fam = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}`);
  assert.equal(fam.timezone, 'Europe/Amsterdam');
  await owner.client.ok('PATCH', `/api/v1/families/${owner.family.id}`, { timezone: 'UTC' });
  await ctx.close();
  assert.deepEqual(errors, []);
});

test('home: the last 24 hours at a glance — sleep, feeds and diapers on one strip', async () => {
  const fam = await familyWithBaby(server.base);
  const now = Date.now();
  const H = 3600000;
  const changes = [
    ['sleep', -5 * H, -3 * H, { kind: 'nap' }],
    ['sleep', -26 * H, -23 * H, { kind: 'night' }], // began before the 24 h: its last hour shows
    ['feed', -1 * H, null, { method: 'bottle', milk: 'formula', amount_ml: 90 }],
    ['feed', -30 * H, null, { method: 'bottle', milk: 'formula', amount_ml: 90 }], // too old
    ['diaper', -2 * H, null, { wet: true, dirty: false }],
  ].map(([type, ts, end, value], i) => ({
    op: 'put',
    id: `0190c000-0000-7000-8000-00000000000${i}`,
    subject_id: fam.subject.id,
    type,
    ts: Math.round(now + ts),
    end_ts: end && Math.round(now + end),
    value,
    created_at: now,
    updated_at: now,
  }));
  await fam.client.ok('POST', `/api/v1/families/${fam.family.id}/sync`, { cursor: 0, changes });
  const { ctx, page, errors } = await signedInPage(browser, server.base, fam);
  const strip = page.locator('main svg.glance');
  await strip.locator('circle.feed').waitFor();
  assert.deepEqual(
    [
      await strip.locator('rect.sleep').count(),
      await strip.locator('circle.feed').count(),
      await strip.locator('circle.diaper').count(),
    ],
    [2, 1, 1],
  );
  assert.match(
    await strip.getAttribute('aria-label'),
    /^The last 24 hours: sleep (3 hr|2 hr 59 min), feeds 1, diapers 1$/,
  );
  await ctx.close();
  assert.deepEqual(errors, []);
});

// push.test.mjs — a reminder pushed to the device (delivered to the service
// worker through the DevTools protocol: the network to real push services is
// closed) shows as a notification with its actions, and a reminder's link
// (/?family=…&subject=…) opens that family and person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useStack,
  newContext,
  familyWithBaby,
  signInContext,
  appReady,
  watchErrors,
  signedInPage,
} from './harness.mjs';

let server;
let browser;
useStack('push', (s) => ({ server, browser } = s));

test('a pushed reminder becomes a notification; its link opens the right person', async () => {
  const owner = await familyWithBaby(server.base, { baby: 'Noa' });
  const second = await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/subjects`, {
    name: 'Grandpa Joe',
    kind: 'adult',
  });
  const ctx = await newContext(browser, { permissions: ['notifications'] });
  await signInContext(ctx, server.base, owner.email, owner.password);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const cdp = await ctx.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (ev) => registrations.push(...ev.registrations));
  await cdp.send('ServiceWorker.enable');
  await page.goto(server.base);
  await appReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  for (let i = 0; i < 50 && !registrations.some((r) => !r.isDeleted); i++) await page.waitForTimeout(100);
  const reg = registrations.find((r) => !r.isDeleted);
  assert.ok(reg, 'the service worker is registered');

  const payload = {
    title: 'Feed — Grandpa Joe',
    body: 'Last feed 3 h ago',
    url: `/?family=${owner.family.id}&subject=${second.id}`,
    tag: 'reminder-test',
    actions: [
      { action: 'log-feed', title: 'Log feed' },
      { action: 'snooze', title: 'Snooze' },
    ],
    data: {
      reminder_id: 'r1',
      family_id: owner.family.id,
      subject_id: second.id,
      kind: 'feed',
      snooze_token: 'x',
      due: Date.now(),
    },
  };
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: new URL(server.base).origin,
    registrationId: reg.registrationId,
    data: JSON.stringify(payload),
  });
  let n = null;
  for (let i = 0; i < 100 && !n; i++) {
    n = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      const list = await r.getNotifications();
      return list.length
        ? {
            title: list[0].title,
            body: list[0].body,
            actions: list[0].actions.map((a) => a.action),
            url: list[0].data.url,
          }
        : null;
    });
    if (!n) await page.waitForTimeout(100);
  }
  assert.ok(n, 'a notification is shown');
  assert.equal(n.title, payload.title);
  assert.equal(n.body, payload.body);
  assert.deepEqual(n.actions, ['log-feed', 'snooze']);
  assert.equal(n.url, payload.url);

  await page.goto(new URL(payload.url, server.base).href);
  await appReady(page);
  await page.locator('#topbar', { hasText: 'Grandpa Joe' }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the link parameters are dropped from the address');
  assert.deepEqual(errors, []);
});

test('reminders: a caregiver adds one, chooses to be notified, pauses and deletes it', async () => {
  const owner = await familyWithBaby(server.base, { baby: 'Noa' });
  const { page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/reminders' });
  await page.getByRole('heading', { name: 'New reminder' }).waitFor();
  await page.getByLabel('Remind me').selectOption('feed_due');
  await page.getByLabel('Hours after the last one').fill('2.5');
  await page.getByLabel('Label (optional)').fill('Next feed');
  await page.getByRole('button', { name: 'Add reminder' }).click();
  const row = page.locator('.reminders li', { hasText: 'Next feed' });
  await row.waitFor();
  assert.match(await row.innerText(), /2\.5 h after the last feed/);
  const list = async () => (await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/reminders`)).reminders;
  let [r] = await list();
  assert.equal(r.kind, 'feed_due');
  assert.equal(r.interval_min, 150);
  assert.equal(r.subject_id, owner.subject.id);

  const notify = row.getByLabel('Notify me');
  const before = await notify.isChecked();
  await notify.setChecked(!before);
  await page.waitForFunction((want) => {
    const cb = document.querySelector('.reminders li input[type=checkbox]');
    return cb && cb.checked === want;
  }, !before);
  // The box changes at once; the server's answer comes when its write is
  // committed: ask until it says so (bounded).
  for (let i = 0; i < 50; i++) {
    [r] = await list();
    if (r.opted_in === !before) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(r.opted_in, !before, 'the opt-in reached the server');

  await row.getByRole('button', { name: /^Pause/ }).click();
  await page.locator('.reminders li', { hasText: 'paused' }).waitFor();
  [r] = await list();
  assert.equal(r.enabled, false);
  await page
    .locator('.reminders li')
    .getByRole('button', { name: /^Delete/ })
    .click();
  await page.getByText('No reminders yet.').waitFor();
  assert.equal((await list()).length, 0);
  assert.deepEqual(errors, []);
});

test("reminders: every 24 h since the last bath, the family's own type chosen in the form", async () => {
  const owner = await familyWithBaby(server.base, { baby: 'Noa' });
  await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/activity-types`, {
    key: 'bath',
    names: { en: 'Bath' },
    icon: '🛁',
    colour: '#1c9bb4',
    fields: [],
  });
  const { page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/reminders' });
  await page.getByRole('heading', { name: 'New reminder' }).waitFor();
  assert.equal(await page.getByLabel('Activity').count(), 0, 'no type chooser for a feed reminder');
  await page.getByLabel('Remind me').selectOption('since_last');
  const chooser = page.getByLabel('Activity');
  const offered = await chooser.locator('option').allTextContents();
  assert.ok(
    offered.includes('Bath') && offered.includes('Sleep'),
    `the family's types and the catalogue's: ${offered}`,
  );
  await chooser.selectOption('x-bath');
  await page.getByLabel('Hours after the last one').fill('24');
  await page.getByRole('button', { name: 'Add reminder' }).click();
  const row = page.locator('.reminders li', { hasText: 'Bath' });
  await row.waitFor();
  assert.match(await row.innerText(), /24 h after the last one \(Bath\)/);
  const { reminders } = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/reminders`);
  assert.deepEqual(
    reminders.map((r) => [r.kind, r.entry_type, r.interval_min]),
    [['since_last', 'x-bath', 1440]],
  );
  assert.deepEqual(errors, []);
});

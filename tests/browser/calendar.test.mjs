// calendar.test.mjs — appointments in the app between two caregivers: one
// adds a weekly appointment with a driver through the form, the other's
// agenda shows it live (the appointment event of the family stream); one
// occurrence is cancelled from its sheet; the month grid marks its days
// and opens a day's appointments; the calendar opens offline as last seen;
// and a member makes their calendar address, which serves iCalendar with no
// session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, accessLink, Client, uniqueEmail, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('calendar', (s) => ({ server, browser } = s));

test('appointments: added, seen live, cancelled once, a month, offline, and the calendar address', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const fid = owner.family.id;
  const joe = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, { name: 'Joe', kind: 'adult' });
  const sam = await new Client(server.base).register(uniqueEmail('sam'), 'Sam');
  await sam.join(await accessLink(owner.client, fid, 'caregiver'));
  const path = `/?family=${fid}&subject=${joe.id}#/home`;
  const a = await signedInPage(browser, server.base, owner, { path });
  const b = await signedInPage(browser, server.base, sam, { path });
  for (const p of [a.page, b.page]) {
    await p.locator('#calendar-link').click();
    await p.locator('#add-appt').waitFor();
  }
  await b.page.locator('main p.empty', { hasText: 'No appointments in the next 60 days' }).waitFor();

  // Dana adds a weekly physio, three times, from tomorrow at 09:30, Sam drives.
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await a.page.locator('#add-appt').click();
  const form = a.page.locator('dialog.sheet[open] form');
  await form.getByLabel('What').fill('Physio');
  await form.getByLabel('Type').selectOption('therapy');
  await form.getByLabel('Date').fill(tomorrow);
  await form.getByLabel('Starts').fill('09:30');
  await form.getByLabel('Ends').fill('10:15');
  await form.getByLabel('Where').fill('St Thomas');
  await form.getByLabel('Who drives').selectOption({ label: 'Sam' });
  await form.getByLabel('Repeat').selectOption('weekly');
  await form.getByLabel('How many times').fill('3');
  await form.getByRole('button', { name: 'Add an appointment' }).click();
  await form.waitFor({ state: 'detached' });
  await a.page.locator('li.appt').nth(2).waitFor();

  // Sam's agenda shows it without a reload.
  await b.page.locator('li.appt').nth(2).waitFor({ timeout: 5000 });
  const first = b.page.locator('li.appt').first();
  assert.match(await first.innerText(), /9:30\sAM[\s\S]*Physio[\s\S]*Therapy · Joe · St Thomas[\s\S]*Transport: Sam/);
  const list = await owner.client.ok('GET', `/api/v1/families/${fid}/appointments`);
  assert.equal(list.appointments[0].rrule, 'FREQ=WEEKLY;COUNT=3');
  assert.equal(list.appointments[0].duration_min, 45);
  assert.deepEqual(list.appointments[0].reminders, [1440, 60]);

  // Sam cancels the second one only.
  await b.page.locator('li.appt .appt-open').nth(1).click();
  await b.page.locator('#appt-cancel-one').click();
  await b.page.getByRole('button', { name: 'Cancel this one' }).last().click();
  await b.page.locator('li.appt').nth(2).waitFor({ state: 'detached' });
  await a.page.locator('li.appt').nth(2).waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await a.page.locator('li.appt').count(), 2, 'two left on the other device too');

  // The month: its days marked, a day opened.
  await a.page.goto(`${server.base}/?family=${fid}&subject=${joe.id}#/calendar/month/${tomorrow.slice(0, 7)}`);
  await a.page.locator('.cal-grid').waitFor();
  const day = a.page.locator('.cal-day', { hasText: new RegExp(`^${Number(tomorrow.slice(8))}$`) });
  await day.locator('.dot').waitFor();
  await day.click();
  await a.page.locator('.day-appts li.appt', { hasText: 'Physio' }).waitFor();

  // Offline, the agenda opens as it was last seen.
  await a.page.goto(`${server.base}/?family=${fid}&subject=${joe.id}#/calendar`);
  await a.page.locator('li.appt').nth(1).waitFor();
  await a.page.evaluate(() => {
    location.hash = '#/home';
  });
  await a.page.locator('#calendar-link').waitFor();
  await a.ctx.setOffline(true);
  await a.page.locator('#calendar-link').click();
  await a.page.locator('main', { hasText: 'Offline: the calendar as it was last seen' }).waitFor();
  assert.equal(await a.page.locator('li.appt').count(), 2);
  await a.ctx.setOffline(false);

  // Sam's calendar address: shown once, serves iCalendar with no session.
  await b.page.locator('#feed-make').click();
  const url = await b.page.locator('.feed-url').inputValue();
  assert.match(url, new RegExp(`/api/v1/families/${fid}/calendar\\.ics\\?token=`));
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/calendar/);
  const ics = await res.text();
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, /SUMMARY:Physio \(Joe\)\r\n/);
  assert.match(ics, /RRULE:FREQ=WEEKLY;COUNT=3\r\n/);
  assert.match(ics, /EXDATE;TZID=UTC:/);
  await b.page.locator('#feed-stop').click();
  await b.page.getByRole('button', { name: 'Stop the address' }).last().click();
  await b.page.locator('#feed-stop').waitFor({ state: 'detached' });
  assert.equal((await fetch(url)).status, 404, 'a stopped address answers no more');
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

// shifts.test.mjs — shifts and handoffs in the app: the owner plans a
// shift for a caregiver through the form; the caregiver checks in from
// "your shift" (the last handoff shown first: none yet), logs, and checks
// out with a note above which the digest of the shift is shown; the next
// caregiver's screen shows that handoff first, and her check-in brings it
// again; her check-out made offline waits on the phone and is sent once
// back online; the owner's week marks the overlap of the two shifts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useStack, familyWithBaby, accessLink, Client, uniqueEmail, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('shifts', (s) => ({ server, browser } = s));

const HOUR = 3600000;
const pad = (n) => String(n).padStart(2, '0');
const hhmm = (ms) => {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

test('shifts: planned, checked in, checked out with a note, the handoff seen by the next caregiver', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const fid = owner.family.id;
  const joe = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, { name: 'Joe', kind: 'adult' });
  const sam = await new Client(server.base).register(uniqueEmail('sam'), 'Sam');
  await sam.join(await accessLink(owner.client, fid, 'caregiver'));
  const kim = await new Client(server.base).register(uniqueEmail('kim'), 'Kim');
  await kim.join(await accessLink(owner.client, fid, 'caregiver'));
  const path = `/?family=${fid}&subject=${joe.id}#/home`;
  const a = await signedInPage(browser, server.base, owner, { path });
  const b = await signedInPage(browser, server.base, sam, { path });
  await a.page.locator('#shifts-link').click();
  await a.page.locator('#add-shift').waitFor();

  // Dana plans Sam's shift: from an hour ago for four hours.
  const start = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  await a.page.locator('#add-shift').click();
  const form = a.page.locator('dialog.sheet[open] form');
  await form.getByLabel('Caregiver').selectOption({ label: 'Sam' });
  await form.getByLabel('Date').fill(new Date(start).toISOString().slice(0, 10));
  await form.getByLabel('Starts').fill(hhmm(start));
  await form.getByLabel('Ends').fill(hhmm(start + 4 * HOUR));
  await form.locator('#shift-save').click();
  await form.waitFor({ state: 'detached' });
  await a.page.locator('li.shift', { hasText: 'Sam' }).first().waitFor();

  // Sam checks in from "your shift": no handoff before his.
  await b.page.locator('#shifts-link').click();
  await b.page.locator('#my-shift [data-act="check-in"]').click();
  await b.page.locator('#handoff-at-check-in', { hasText: 'No handoff yet.' }).waitFor();
  await b.page.keyboard.press('Escape');
  await b.page.locator('#my-shift [data-act="check-out"]').waitFor();

  // He logs a symptom, then checks out: the digest is above the note.
  const now = Date.now();
  await sam.ok('PUT', `/api/v1/families/${fid}/entries/${randomUUID()}`, {
    subject_id: joe.id,
    type: 'symptom',
    ts: now,
    updated_at: now,
    value: { text: 'Dizzy after lunch' },
  });
  await b.page.locator('#my-shift [data-act="check-out"]').click();
  const out = b.page.locator('#check-out-form');
  await out.locator('.digest', { hasText: 'incidents 1' }).waitFor();
  await out.locator('.digest', { hasText: 'Dizzy after lunch' }).waitFor();
  await out.getByLabel('Handoff note').fill('Slept badly; call the GP about the dizziness.');
  await out.locator('#check-out-save').click();
  await out.waitFor({ state: 'detached' });
  await b.page.locator('li.shift small.visit', { hasText: 'Checked out' }).first().waitFor();

  // Kim's shift starts within the hour: her screen shows Sam's handoff first.
  const list = await owner.client.ok('GET', `/api/v1/families/${fid}/members`);
  const kimId = list.members.find((m) => m.name === 'Kim').id;
  await owner.client.ok('POST', `/api/v1/families/${fid}/shifts`, {
    subject_id: joe.id,
    caregiver_id: kimId,
    start: start + 2 * HOUR,
    duration_min: 240,
  });
  const c = await signedInPage(browser, server.base, kim, { path });
  await c.page.locator('#shifts-link').click();
  await c.page.locator('#last-handoff', { hasText: 'Slept badly; call the GP' }).waitFor();
  assert.match(await c.page.locator('#last-handoff').innerText(), /From Sam/);
  await c.page.locator('#my-shift [data-act="check-in"]').click();
  await c.page.locator('#handoff-at-check-in', { hasText: 'Slept badly; call the GP' }).waitFor();

  // Offline, Kim's check-out waits on her phone and goes out once back.
  await c.page.keyboard.press('Escape');
  await c.ctx.setOffline(true);
  await c.page.locator('#my-shift [data-act="check-out"]').click();
  const off = c.page.locator('#check-out-form');
  await off.getByLabel('Handoff note').fill('Quiet night.');
  await off.locator('#check-out-save').click();
  await off.waitFor({ state: 'detached' });
  await c.page.locator('#shift-waiting').waitFor();
  const visits = async () =>
    (
      await owner.client.ok(
        'GET',
        `/api/v1/families/${fid}/shifts?subject_id=${joe.id}&from=${start}&to=${start + 8 * HOUR}`,
      )
    ).occurrences
      .map((o) => o.visit)
      .filter((v) => v?.member_name === 'Kim');
  assert.equal((await visits())[0].checked_out_at, null, 'not sent while offline');
  await c.ctx.setOffline(false);
  await c.page.locator('#shift-waiting').waitFor({ state: 'detached', timeout: 10000 });
  const [kimVisit] = await visits();
  assert.equal(kimVisit.note, 'Quiet night.');
  assert.ok(kimVisit.checked_out_at >= kimVisit.checked_in_at);

  // Dana's week, live: the two shifts overlap for two hours.
  await a.page.locator('.shift-mark.overlaps').first().waitFor({ timeout: 5000 });
  assert.match(await a.page.locator('.shift-mark.overlaps').first().innerText(), /^Overlap:/);
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  assert.deepEqual(c.errors, []);
});

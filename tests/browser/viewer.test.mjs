// viewer.test.mjs — a viewer (guest by access link) sees the log and the
// timers but no write control anywhere, and a write forced from the page is
// refused by the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, newContext, familyWithBaby, accessLink, openLink, appReady, watchErrors } from './harness.mjs';

let server;
let browser;
useStack('viewer', (s) => ({ server, browser } = s));

function uuid7() {
  const hex = (
    Date.now().toString(16).padStart(12, '0') +
    '7' +
    [...crypto.getRandomValues(new Uint8Array(10))].map((b) => b.toString(16).padStart(2, '0')).join('')
  ).slice(0, 32);
  const v = hex.slice(0, 16) + ((parseInt(hex[16], 16) & 3) | 8).toString(16) + hex.slice(17);
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
}

test('a viewer sees everything and no write controls; a forced write is refused', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const fid = owner.family.id;
  const now = Date.now();
  for (const [type, value, end] of [
    ['diaper', { wet: true, dirty: false }, null],
    ['note', { text: 'Visible to the viewer' }, null],
    ['sleep', {}, null],
  ]) {
    await owner.client.ok('PUT', `/api/v1/families/${fid}/entries/${uuid7()}`, {
      subject_id: owner.subject.id,
      type,
      ts: now - 60000,
      end_ts: end,
      value,
      created_at: now,
      updated_at: now,
    });
  }
  const link = await accessLink(owner.client, fid, 'viewer');

  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await openLink(page, server.base, link);
  await appReady(page);
  await page.getByRole('heading', { name: 'Welcome!' }).waitFor();
  assert.match(await page.locator('main').innerText(), /as viewer/, 'the join landing names the family role');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.timer.sleep').waitFor();

  assert.equal(await page.locator('.qbtn').count(), 0, 'no quick buttons');
  assert.equal(await page.getByRole('button', { name: 'Log something else' }).count(), 0);
  assert.equal(await page.locator('#mic').count(), 0, 'no voice log');
  assert.equal(await page.locator('.timer button').count(), 0, 'timers without stop or switch');

  await page.getByRole('link', { name: 'Timeline' }).click();
  await page.locator('.entry', { hasText: 'Visible to the viewer' }).waitFor();
  assert.equal(await page.locator('.entry').count(), 3);
  assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0, 'no delete buttons');
  await page.locator('.entry', { hasText: 'Visible to the viewer' }).locator('button.open').click();
  const d = page.locator('dialog.sheet');
  await d.waitFor();
  assert.equal(await d.getByRole('button', { name: /^Save/ }).count(), 0, 'no save');
  assert.equal(await d.getByRole('button', { name: 'Delete' }).count(), 0, 'no delete');
  assert.equal(
    await d.locator('textarea, input').evaluateAll((els) => els.every((e) => e.disabled)),
    true,
    'read-only fields',
  );
  await d.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Sharing/ }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create link' }).count(), 0, 'no link management');
  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('link', { name: /^Family and people/ }).click();
  await page.getByRole('heading', { name: 'People cared for' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add a person' }).count(), 0, 'no people management');
  await page.getByRole('link', { name: 'Back' }).click();
  assert.equal(await page.getByRole('link', { name: /^Quick buttons/ }).count(), 0, 'no quick-button editor');

  const forced = await page.evaluate(
    async ({ fid: f, sid, id }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const res = await fetch(`/api/v1/families/${f}/entries/${id}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({
          subject_id: sid,
          type: 'note',
          ts: Date.now(),
          value: { text: 'sneaky' },
          updated_at: Date.now(),
        }),
      });
      const sync = await fetch(`/api/v1/families/${f}/sync`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({
          cursor: 0,
          changes: [
            {
              op: 'put',
              id,
              subject_id: sid,
              type: 'note',
              ts: Date.now(),
              value: { text: 'sneaky' },
              updated_at: Date.now(),
            },
          ],
        }),
      });
      return { put: res.status, sync: sync.status, role: me.families[0].role };
    },
    { fid, sid: owner.subject.id, id: uuid7() },
  );
  assert.equal(forced.role, 'viewer');
  assert.equal(forced.put, 403, 'PUT refused');
  assert.equal(forced.sync, 403, 'sync refused');
  const notes = (await owner.client.ok('GET', `/api/v1/families/${fid}/entries?type=note`)).entries;
  assert.equal(notes.filter((e) => e.value.text === 'sneaky').length, 0);
  assert.deepEqual(errors, []);
});

// conflict.test.mjs — last write wins: an edit made offline that another
// caregiver's later edit beats comes back "stale"; the device then shows the
// winning version and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, serverEntries, signedInPage } from './harness.mjs';

let server;
let browser;
useStack('conflict', (s) => ({ server, browser } = s));

test('a stale offline edit gives way to the winning version, shown on the device', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.getByRole('button', { name: 'Log something else' }).click();
  await page.locator('dialog .types button', { hasText: /Note$/ }).click();
  await page.locator('dialog.sheet').getByLabel('Description').fill('first words');
  await page.locator('dialog.sheet').getByRole('button', { name: 'Save', exact: true }).click();
  let note;
  for (let i = 0; i < 100 && !note; i++) {
    note = (await serverEntries(owner.client, owner.family.id)).find((e) => e.type === 'note');
    if (!note) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(note, 'the note reached the server');

  await page.getByRole('link', { name: 'Timeline' }).click();
  await ctx.setOffline(true);
  await page.locator('.entry', { hasText: 'first words' }).locator('button.open').click();
  await page.locator('dialog.sheet').getByLabel('Description').fill('my offline edit');
  await page.locator('dialog.sheet').getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.entry[data-pending="1"]', { hasText: 'my offline edit' }).waitFor();

  // Meanwhile another caregiver's edit, made later, reaches the server.
  const later = Date.now() + 60000;
  await owner.client.ok('PUT', `/api/v1/families/${owner.family.id}/entries/${note.id}`, {
    subject_id: note.subject_id,
    type: 'note',
    ts: note.ts,
    end_ts: null,
    value: { text: 'the winning words' },
    created_at: note.created_at,
    updated_at: later,
  });

  await ctx.setOffline(false);
  await page.locator('.entry', { hasText: 'the winning words' }).waitFor();
  await page.locator('#toast', { hasText: 'showing the latest version' }).waitFor();
  assert.equal(await page.locator('.entry', { hasText: 'my offline edit' }).count(), 0);
  const final = (await serverEntries(owner.client, owner.family.id)).find((e) => e.id === note.id);
  assert.equal(final.value.text, 'the winning words');
  assert.deepEqual(errors, []);
});

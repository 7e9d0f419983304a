// twins.test.mjs — several people in one family (issue 18): a nanny limited
// to one twin never sees the other twin's entries, neither in the timeline
// nor live; the owner logs for both twins at once from the home screen (an
// entry each, one group) and undoes both with one tap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useStack,
  newContext,
  familyWithBaby,
  openLink,
  appReady,
  watchErrors,
  signedInPage,
  serverEntries,
} from './harness.mjs';

let server;
let browser;
useStack('twins', (s) => ({ server, browser } = s));

async function twins() {
  const owner = await familyWithBaby(server.base, { owner: 'Dana', baby: 'Noa' });
  const fid = owner.family.id;
  const liam = await owner.client.ok('POST', `/api/v1/families/${fid}/subjects`, { name: 'Liam', kind: 'baby' });
  return { owner, fid, noa: owner.subject, liam };
}

// Asks `read` again (every 200 ms, 10 s at most) until `done` of its
// answer; the last answer.
async function poll(read, done) {
  let v = await read();
  for (let i = 0; i < 50 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}

async function note(client, fid, sid, text) {
  const now = Date.now();
  await client.ok('PUT', `/api/v1/families/${fid}/entries/${crypto.randomUUID()}`, {
    subject_id: sid,
    type: 'note',
    ts: now - 1000,
    value: { text },
    updated_at: now,
  });
}

test("a nanny limited to one twin never sees the other twin's entries", async () => {
  const { owner, fid, noa, liam } = await twins();
  await note(owner.client, fid, liam.id, 'Liam slept well');
  await note(owner.client, fid, noa.id, 'Noa secret note');
  const link = await owner.client.ok('POST', `/api/v1/families/${fid}/links`, {
    role: 'caregiver',
    label: 'Nanny',
    subject_ids: [liam.id],
  });

  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await openLink(page, server.base, (link.url || `/join/${link.token}`).replace(/^https?:\/\/[^/]+/, ''));
  await appReady(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.qbtn').first().waitFor();
  assert.match(await page.locator('#topbar').innerText(), /Liam/, 'the nanny is on Liam');
  assert.equal(await page.locator('.person-card').count(), 0, 'one person to her: no side-by-side cards');

  await page.getByRole('link', { name: 'Timeline' }).click();
  await page.locator('.entry', { hasText: 'Liam slept well' }).waitFor();
  // Both written while she watches: only Liam's arrives.
  await note(owner.client, fid, noa.id, 'Noa live secret');
  await note(owner.client, fid, liam.id, 'Liam live note');
  await page.locator('.entry', { hasText: 'Liam live note' }).waitFor();
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /Noa/, 'nothing of Noa in her timeline, before or live');
  await page.goto(`${server.base}/#/pick`);
  await appReady(page);
  await page.getByText('Liam').first().waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /Noa/, 'the person picker shows Liam only');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('twins logged together from the home screen, and undone together', async () => {
  const { owner, fid, noa, liam } = await twins();
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.locator('.person-card').nth(1).waitFor();
  assert.equal(await page.locator('.person-card').count(), 2, 'a card per twin, side by side');
  await page.getByLabel('Log for everyone (2)').check();
  await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await page.locator('#toast', { hasText: 'Logged for everyone (2)' }).waitFor();

  let diapers = [];
  for (let i = 0; i < 50 && diapers.length < 2; i++) {
    diapers = (await serverEntries(owner.client, fid)).filter((e) => e.type === 'diaper' && !e.deleted);
    if (diapers.length < 2) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(diapers.length, 2, 'two entries reached the server');
  assert.deepEqual(diapers.map((e) => e.subject_id).sort(), [noa.id, liam.id].sort(), 'one per twin');
  assert.ok(diapers[0].group_id && diapers[0].group_id === diapers[1].group_id, '…sharing one group');
  assert.notEqual(diapers[0].id, diapers[1].id, '…each its own id');
  assert.equal(
    await page.locator('.person-card').filter({ hasText: 'Diaper' }).count(),
    2,
    'both cards show their diaper',
  );

  await page.locator('#toast').getByRole('button', { name: 'Undo' }).click();
  let live = diapers;
  for (let i = 0; i < 50 && live.length; i++) {
    live = (await serverEntries(owner.client, fid)).filter((e) => e.type === 'diaper' && !e.deleted);
    if (live.length) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(live.length, 0, 'one undo removed both');

  // The full form: "For" one twin or everyone.
  await page.getByRole('button', { name: 'Log something else' }).click();
  await page.locator('dialog .types button', { hasText: /^\S*\s*Note$/ }).click();
  const d = page.locator('dialog.sheet');
  await d.getByLabel('For').selectOption({ label: 'Everyone' });
  await d.getByLabel('Description').fill('Both to the park');
  await d.getByRole('button', { name: 'Save', exact: true }).click();
  await d.waitFor({ state: 'detached' });
  let notes = [];
  for (let i = 0; i < 50 && notes.length < 2; i++) {
    notes = (await serverEntries(owner.client, fid)).filter((e) => e.type === 'note' && !e.deleted);
    if (notes.length < 2) await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(notes.map((e) => e.subject_id).sort(), [noa.id, liam.id].sort(), 'the form logs for everyone');
  assert.equal(notes[0].group_id, notes[1].group_id, '…as one group');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the sharing screen offers "which people" next to the role, and the member list shows and changes it', async () => {
  const { owner, fid, liam } = await twins();
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings/sharing' });
  await page.getByLabel('Label').fill('Nanny');
  const pick = page.locator('#link-people');
  await pick.getByLabel('Only the people ticked').check();
  await pick.getByLabel('Liam').check();
  await page.getByRole('button', { name: 'Create link' }).click();
  const url = await page.locator('input[readonly]').inputValue();
  const row = page.locator('.links li', { hasText: 'Nanny' });
  await row.waitFor();
  assert.match(await row.innerText(), /Only Liam/, 'the link says whom it lets see');
  const links = (await owner.client.ok('GET', `/api/v1/families/${fid}/links`)).links;
  assert.deepEqual(links.find((l) => l.label === 'Nanny').subject_ids, [liam.id], 'stored on the server');

  const nanny = await newContext(browser);
  const np = await nanny.newPage();
  await openLink(np, server.base, new URL(url).pathname);
  await appReady(np);
  await page.reload();
  await appReady(page);
  const member = page
    .locator('li', { hasText: 'Nanny' })
    .filter({ has: page.locator('details') })
    .first();
  await member.waitFor();
  assert.match(await member.innerText(), /Only Liam/, 'the member list shows it');
  await member.locator('summary').click();
  await member.getByLabel('Everyone').check();
  await member.getByRole('button', { name: 'Save changes' }).click();
  let m;
  for (let i = 0; i < 50; i++) {
    m = (await owner.client.ok('GET', `/api/v1/families/${fid}/members`)).members.find((x) => x.name === 'Nanny');
    if (m.subject_ids === null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(m.subject_ids, null, 'the owner lets her see everyone');
  assert.deepEqual(errors, []);
  await nanny.close();
  await ctx.close();
});

test('the day, trends and timeline for everyone: figures added up, a family type charted, a group one row undone together', async () => {
  const { owner, fid, noa, liam } = await twins();
  const F = `/api/v1/families/${fid}`;
  await owner.client.ok('POST', `${F}/activity-types`, {
    key: 'bath',
    names: { en: 'Bath' },
    icon: '🛁',
    colour: '#1c9bb4',
    fields: [{ key: 'water', kind: 'amount', unit: 'ml', label: 'Water' }],
  });
  const now = Date.now();
  const put = (sid, type, value, extra = {}) =>
    owner.client.ok('PUT', `${F}/entries/${crypto.randomUUID()}`, {
      subject_id: sid,
      type,
      ts: now - 60000,
      value,
      updated_at: now,
      ...extra,
    });
  await put(noa.id, 'feed', { method: 'bottle', amount_ml: 120 });
  await put(liam.id, 'feed', { method: 'bottle', amount_ml: 90 });
  await put(noa.id, 'x-bath', { water: 500 });
  const group = crypto.randomUUID();
  await put(noa.id, 'diaper', { wet: true }, { group_id: group, ts: now - 30000 });
  await put(liam.id, 'diaper', { wet: true }, { group_id: group, ts: now - 30000 });

  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/day' });
  const stat = (name) => page.locator(`[data-stat="${name}"] b`);
  await stat('feeds').waitFor();
  assert.equal(await stat('feeds').textContent(), '1', "one person's day first");
  await page.locator('.who').getByRole('button', { name: 'Everyone' }).click();
  await page.locator('[data-people]').waitFor();
  assert.equal(await stat('feeds').textContent(), '2', 'everyone: both feeds');
  assert.match(await stat('bottle_ml').textContent(), /210/, '…both bottles added up');
  assert.equal(await stat('diapers').textContent(), '2', '…both diapers');
  assert.equal(await page.locator('[data-people] tbody tr').count(), 2, 'a row per person');
  assert.match(await page.locator('.daylog').innerText(), /Liam: /, 'the log names whose entry it is');

  await page.getByRole('link', { name: 'Trends' }).first().click();
  await page.locator('[data-chart="x-bath"]').waitFor();
  assert.equal(
    await page.locator('.who button[aria-pressed="true"]').textContent(),
    'Everyone',
    'the choice holds on the trends screen',
  );
  assert.match(await page.locator('[data-chart="x-bath"] h2').textContent(), /Bath · Water/, 'the family type charted');
  assert.equal(await page.locator('.card', { hasText: 'Growth' }).count(), 0, "no one person's growth for everyone");

  await page.getByRole('link', { name: 'Timeline' }).click();
  const rows = page.locator('.entry[data-group]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1, 'the group is one row for everyone');
  assert.match(await rows.first().locator('.badge.group').textContent(), /Noa.*Liam|Liam.*Noa/, '…naming both');
  await rows
    .first()
    .getByRole('button', { name: /^Delete/ })
    .click();
  const live = async () =>
    (await serverEntries(owner.client, fid)).filter((e) => e.type === 'diaper' && !e.deleted).length;
  assert.equal(await poll(live, (n) => n === 0), 0, 'one delete removed both');
  await page.locator('#toast').getByRole('button', { name: 'Undo' }).click();
  assert.equal(await poll(live, (n) => n === 2), 2, 'one undo brought both back');
  await page.locator('.who').getByRole('button', { name: 'Noa' }).click();
  await page.locator('.entry[data-group] .badge.group').waitFor();
  assert.match(
    await page.locator('.entry[data-group] .badge.group').textContent(),
    /Liam/,
    "Noa's own log names the other twin of the group",
  );
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a timer for everyone: one per twin, started and stopped together, or one alone', async () => {
  const { owner, fid, noa, liam } = await twins();
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner);
  await page.locator('.person-card').nth(1).waitFor();
  await page.getByLabel('Log for everyone (2)').check();
  const sleep = page.getByRole('button', { name: /^Sleep(\s|$)/ });
  const sleeps = (want, pred) =>
    poll(
      async () => (await serverEntries(owner.client, fid)).filter((e) => e.type === 'sleep' && !e.deleted && pred(e)),
      (list) => list.length === want,
    );
  const running = (e) => e.end_ts == null;
  await sleep.click();
  let list = await sleeps(2, running);
  assert.deepEqual(list.map((e) => e.subject_id).sort(), [noa.id, liam.id].sort(), 'a sleep timer runs for each twin');
  assert.ok(list[0].group_id && list[0].group_id === list[1].group_id, '…started as one group');
  await page.locator('.person-card .badge').nth(1).waitFor();
  assert.equal(await page.locator('.person-card .badge').count(), 2, 'both cards show a running timer');

  await sleep.click();
  list = await sleeps(0, running);
  assert.equal(list.length, 0, 'the same button stops both');
  assert.equal((await sleeps(2, (e) => e.end_ts != null)).length, 2, '…each with its end');

  await sleep.click();
  await sleeps(2, running);
  await page.locator('.timer.sleep').getByRole('button', { name: /^Stop/ }).click();
  list = await sleeps(1, running);
  assert.deepEqual(
    list.map((e) => e.subject_id),
    [liam.id],
    "the timer card stops Noa's alone; Liam's sleep runs on",
  );
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the export screen gives everyone's log or one twin's", async () => {
  const { owner, fid, noa, liam } = await twins();
  await note(owner.client, fid, noa.id, 'NoaNote');
  await note(owner.client, fid, liam.id, 'LiamNote');
  const { ctx, page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings/export' });
  try {
    const csv = page.locator('main a[download="carelog.csv"]');
    await csv.waitFor();
    const read = async () => (await page.request.get(new URL(await csv.getAttribute('href'), server.base).href)).text();
    const all = await read();
    assert.ok(all.includes('NoaNote') && all.includes('LiamNote'), 'by default the file holds everyone');
    await page.selectOption('#export-who', { label: 'Liam' });
    await page.waitForFunction(() =>
      document.querySelector('main a[download="carelog.csv"]').href.includes('subject='),
    );
    const one = await read();
    assert.ok(one.includes('LiamNote') && !one.includes('NoaNote'), "Liam's file holds Liam's log only");
    assert.match(
      await page.locator('main a[download="carelog.json"]').getAttribute('href'),
      /subject=/,
      'the JSON link too',
    );
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

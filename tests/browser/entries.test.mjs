// entries.test.mjs — sign in through the UI and log every entry type: the
// quick buttons (tap logs, timers start and stop) and the full form for each
// of the eleven types; the server then holds each one, authored by us.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useStack,
  newContext,
  familyWithBaby,
  appReady,
  serverEntries,
  watchErrors,
  signInWithForm,
} from './harness.mjs';

let server;
let browser;
let owner;
let page;
let errors;

useStack('entries', async (s) => {
  ({ server, browser } = s);
  owner = await familyWithBaby(server.base, { owner: 'Dana' });
  page = await (await newContext(browser)).newPage();
  errors = watchErrors(page);
});

async function untilServerHas(pred, what) {
  for (let i = 0; i < 100; i++) {
    const list = await serverEntries(owner.client, owner.family.id);
    if (pred(list)) return list;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`server never had ${what}`);
}

async function formFor(type) {
  await page.getByRole('button', { name: 'Log something else' }).click();
  await page.locator('dialog .types button', { hasText: new RegExp(`^\\S*\\s*${type}$`) }).click();
  return page.locator('dialog.sheet');
}

async function save(dialog) {
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('sign in through the form', async () => {
  await page.goto(server.base);
  await appReady(page);
  await signInWithForm(page, owner);
  assert.match(await page.locator('#topbar').innerText(), /Noa/);
});

test('quick buttons: one tap logs a diaper and a bottle with the last amount', async () => {
  await page.getByRole('button', { name: /^Wet(\s|$)/ }).click();
  await page.getByRole('button', { name: /^Bottle(\s|$)/ }).click();
  const list = await untilServerHas(
    (l) => l.some((e) => e.type === 'diaper') && l.some((e) => e.type === 'feed'),
    'the quick entries',
  );
  const diaper = list.find((e) => e.type === 'diaper');
  assert.deepEqual({ wet: diaper.value.wet, dirty: diaper.value.dirty }, { wet: true, dirty: false });
  assert.equal(diaper.author_name, 'Dana');
  const bottle = list.find((e) => e.type === 'feed');
  assert.equal(bottle.value.method, 'bottle');
  assert.equal(bottle.value.amount_ml, 120);
});

test('timers: left breast starts, switch side, stop; sleep starts and stops', async () => {
  await page.getByRole('button', { name: /^Left(\s|$)/ }).click();
  const timer = page.locator('.timer.feed');
  await timer.waitFor();
  await timer.getByRole('button', { name: 'Switch side' }).click();
  await page.locator('.qbtn[aria-pressed="true"]', { hasText: 'Right' }).waitFor();
  await page.locator('.timer.feed').getByRole('button', { name: /^Stop/ }).click();
  await page.locator('.timer.feed').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: /^Sleep(\s|$)/ }).click();
  await page.locator('.timer.sleep').waitFor();
  await page.locator('.timer.sleep').getByRole('button', { name: /^Stop/ }).click();
  await page.locator('.timer.sleep').waitFor({ state: 'detached' });
  const list = await untilServerHas(
    (l) =>
      l.filter((e) => e.type === 'feed' && /^breast_/.test(e.value.method) && e.end_ts).length === 1 &&
      l.some((e) => e.type === 'sleep' && e.end_ts),
    'one finished breastfeed (both sides) and a finished sleep',
  );
  const feed = list.find((e) => e.type === 'feed' && /^breast_/.test(e.value.method));
  assert.equal(feed.value.method, 'breast_right', 'ended on the right');
  assert.equal(typeof feed.value.left_s, 'number', 'with its time on the left');
});

test('the full form logs every entry type', async () => {
  let d = await formFor('Feed');
  await d.getByLabel('Method').selectOption('bottle');
  await d.getByLabel('Amount (ml)').fill('90');
  await d.getByLabel('Milk').selectOption('breast_milk');
  await save(d);

  d = await formFor('Diaper');
  await d.getByLabel('Wet').uncheck();
  await d.getByLabel('Dirty').check();
  await d.getByLabel('Colour').selectOption('yellow');
  await save(d);

  d = await formFor('Sleep');
  await d.getByLabel('Still going (timer)').uncheck();
  await d.getByLabel('Kind').selectOption('nap');
  await save(d);

  d = await formFor('Pump');
  await d.getByLabel('Still going (timer)').uncheck();
  await d.getByLabel('Side').selectOption('left');
  await d.getByLabel('Amount (ml)').fill('60');
  await save(d);

  d = await formFor('Growth');
  await d.getByLabel('Weight (kg)').fill('4.2');
  await d.getByLabel('Length (cm)').fill('54.5');
  await save(d);

  d = await formFor('Temperature');
  await d.getByLabel('Temperature (°C)').fill('37.8');
  await d.getByLabel('Method').selectOption('ear');
  await save(d);

  d = await formFor('Medication');
  await d.getByLabel('Name').fill('Vitamin D');
  await d.getByLabel('Dose').fill('1');
  await d.getByLabel('Unit').selectOption('drops');
  await save(d);

  d = await formFor('Symptom');
  await d.getByLabel('Description').fill('Rash on the cheek');
  await d.getByRole('button', { name: '2', exact: true }).click();
  await save(d);

  d = await formFor('Vitals');
  await d.getByLabel('Heart rate').fill('128');
  await d.getByLabel('SpO₂ (%)').fill('98');
  await save(d);

  d = await formFor('Tummy time');
  await d.getByLabel('Still going (timer)').uncheck();
  await d.getByLabel('Milestone').fill('Lifted head');
  await save(d);

  d = await formFor('Note');
  await d.getByLabel('Description').fill('Slept well after the bath');
  await save(d);

  const types = [
    'feed',
    'diaper',
    'sleep',
    'pump',
    'growth',
    'temperature',
    'medication',
    'symptom',
    'vitals',
    'tummy_time',
    'note',
  ];
  const list = await untilServerHas(
    (l) => types.every((ty) => l.some((e) => e.type === ty && !e.deleted)) && l.length >= 15,
    'every type',
  );
  const find = (type, pred = () => true) => list.find((e) => e.type === type && pred(e));
  assert.equal(find('feed', (e) => e.value.amount_ml === 90).value.milk, 'breast_milk');
  assert.equal(find('diaper', (e) => e.value.dirty).value.colour, 'yellow');
  assert.equal(find('sleep', (e) => e.value.kind === 'nap').end_ts !== null, true);
  assert.equal(find('pump').value.amount_ml, 60);
  assert.equal(find('growth').value.weight_g, 4200);
  assert.equal(find('growth').value.length_cm, 54.5);
  assert.equal(find('temperature').value.celsius, 37.8);
  assert.equal(find('medication').value.name, 'Vitamin D');
  assert.equal(find('symptom').value.severity, 2);
  assert.equal(find('vitals').value.heart_rate, 128);
  assert.equal(find('tummy_time').value.milestone, 'Lifted head');
  assert.equal(find('note').value.text, 'Slept well after the bath');
  for (const e of list) assert.equal(e.subject_id, owner.subject.id);
});

test('the timeline shows the entries with their author; edit and delete with undo', async () => {
  await page.getByRole('link', { name: 'Timeline' }).click();
  const row = page.locator('.entry', { hasText: 'Vitamin D' });
  await row.waitFor();
  assert.match(await row.innerText(), /by Dana/);
  await row.getByRole('button', { name: /^Vitamin D/ }).click();
  const d = page.locator('dialog.sheet');
  await d.getByLabel('Dose').fill('2');
  await d.getByRole('button', { name: 'Save changes' }).click();
  await d.waitFor({ state: 'detached' });
  await untilServerHas((l) => l.some((e) => e.type === 'medication' && e.value.dose === 2), 'the edited dose');

  const note = page.locator('.entry', { hasText: 'Slept well' });
  await note.getByRole('button', { name: /^Delete/ }).click();
  await note.waitFor({ state: 'detached' });
  await untilServerHas((l) => l.some((e) => e.type === 'note' && e.deleted), 'the tombstone');
  await page.locator('#toast').getByRole('button', { name: 'Undo' }).click();
  await page.locator('.entry', { hasText: 'Slept well' }).waitFor();
  await untilServerHas((l) => l.some((e) => e.type === 'note' && !e.deleted), 'the restored note');
  assert.deepEqual(errors, []);
});

// voice.test.mjs — the microphone button end to end, with a stand-in for
// the browser's speech recognition that "hears" a given phrase: what is
// heard is proposed, and once confirmed it is saved as proposed — a bottle
// said without its milk gets the milk of the person's last bottle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, newContext, signInContext, appReady, watchErrors } from './harness.mjs';

let server;
let browser;
useStack('voice', (s) => ({ server, browser } = s));

// A page whose SpeechRecognition hears window.__say.
async function listeningPage(who) {
  const ctx = await newContext(browser);
  await ctx.addInitScript(() => {
    window.SpeechRecognition = class extends EventTarget {
      start() {
        setTimeout(() => {
          const ev = new Event('result');
          ev.results = [[{ transcript: window.__say }]];
          this.dispatchEvent(ev);
          this.dispatchEvent(new Event('end'));
        }, 20);
      }
      abort() {}
    };
  });
  await signInContext(ctx, server.base, who.email, who.password);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(server.base);
  await appReady(page);
  await page.locator('.qbtn').first().waitFor();
  return { ctx, page, errors };
}

async function say(page, phrase) {
  await page.evaluate((p) => {
    window.__say = p;
  }, phrase);
  await page.locator('#mic').click();
  const sheet = page.locator('dialog.sheet[open]');
  await sheet.locator('.voice-proposal').waitFor();
  const proposal = (await sheet.locator('.voice-proposal').textContent()).trim();
  await sheet.getByRole('button', { name: 'Yes, log it' }).click();
  await sheet.waitFor({ state: 'detached' });
  return proposal;
}

async function bottles(owner) {
  for (let i = 0; i < 100; i++) {
    const r = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/entries?type=feed&limit=50`);
    const list = (r.entries || []).filter((e) => e.value.method === 'bottle');
    if (list.length) return list;
    await new Promise((res) => setTimeout(res, 100));
  }
  return [];
}

test('a bottle logged by voice is saved with its milk: as said, else the last bottle’s', async () => {
  const owner = await familyWithBaby(server.base);
  const { ctx, page, errors } = await listeningPage(owner);
  const proposal = await say(page, 'bottle 120 ml');
  assert.match(proposal, /Formula/, `the proposal names the milk: ${proposal}`);
  let [saved] = await bottles(owner);
  assert.deepEqual(saved.value, { method: 'bottle', milk: 'formula', amount_ml: 120 });

  // After a bottle of breast milk, "bottle 90 ml" is breast milk too.
  await say(page, 'bottle of breast milk 60 ml');
  await say(page, 'bottle 90 ml');
  let list = [];
  for (let i = 0; i < 100 && list.length < 3; i++) list = await bottles(owner);
  saved = list.find((e) => e.value.amount_ml === 90);
  assert.deepEqual(saved?.value, { method: 'bottle', milk: 'breast_milk', amount_ml: 90 });
  await ctx.close();
  assert.deepEqual(errors, []);
});

test("a family's own type is logged by its name, with the duration said", async () => {
  const owner = await familyWithBaby(server.base);
  await owner.client.ok('POST', `/api/v1/families/${owner.family.id}/activity-types`, {
    key: 'bath',
    names: { en: 'Bath' },
    icon: '🛁',
    colour: '#1c9bb4',
    fields: [{ key: 'time', kind: 'duration' }],
  });
  const { ctx, page, errors } = await listeningPage(owner);
  const proposal = await say(page, 'bath 10 minutes');
  assert.match(proposal, /Bath/, `the proposal names the type: ${proposal}`);
  let baths = [];
  for (let i = 0; i < 100 && !baths.length; i++) {
    const r = await owner.client.ok('GET', `/api/v1/families/${owner.family.id}/entries?type=x-bath&limit=5`);
    baths = r.entries || [];
    if (!baths.length) await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(baths.length, 1, 'one bath saved');
  assert.equal(baths[0].end_ts - baths[0].ts, 600000, 'ten minutes long, ending when it was said');
  await ctx.close();
  assert.deepEqual(errors, []);
});

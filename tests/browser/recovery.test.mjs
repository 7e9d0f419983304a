// recovery.test.mjs — getting back in without a third party, in the app:
// the owner makes a member's reset link from the members list, the member
// opens it on a new phone, chooses a new password and lands in the app,
// and the member's old session is over; "forgot password" on the sign-in
// screen; the digest chosen on the account screen. (Mail is configured
// but never sent here: t0131-mail.sh delivers it to a real SMTP server.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useStack,
  familyWithBaby,
  signedInPage,
  newContext,
  watchErrors,
  appReady,
  Client,
  uniqueEmail,
  accessLink,
} from './harness.mjs';

let server;
let browser;
let owner;
let member;

useStack(
  'recovery',
  async (s) => {
    ({ server, browser } = s);
    owner = await familyWithBaby(server.base, { owner: 'Dana' });
    member = await new Client(server.base).register(uniqueEmail('mum'), 'Mum');
    await member.join(await accessLink(owner.client, owner.family.id, 'caregiver'));
  },
  { env: { SMTP_URL: 'smtp://127.0.0.1:1', MAIL_FROM: 'carelog <care@example.test>' } },
);

test('the owner makes a reset link; the member sets a new password with it, once', async () => {
  const { page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/settings/sharing' });
  const row = page.locator('.list li', { hasText: 'Mum' });
  await row.getByRole('button', { name: 'Reset link for Mum' }).click();
  const shown = page.getByRole('textbox', { name: 'Reset link for Mum' });
  await shown.waitFor();
  const url = await shown.inputValue();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/#\/reset\/[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(errors, []);

  const ctx = await newContext(browser);
  const phone = await ctx.newPage();
  const phoneErrors = watchErrors(phone);
  await phone.goto(url);
  await appReady(phone);
  await phone.getByRole('heading', { name: 'Set a new password' }).waitFor();
  await phone.getByLabel('Password').fill('mum chose this one');
  await phone.getByRole('button', { name: 'Save and sign in' }).click();
  await phone.locator('.qbtn').first().waitFor();
  assert.deepEqual(phoneErrors, []);

  assert.equal((await member.call('GET', '/api/v1/auth/me')).status, 401, "the member's old session ended");
  const again = await new Client(server.base).call('POST', '/api/v1/auth/reset', {
    token: url.split('/').pop(),
    password: 'somebody else pw',
  });
  assert.equal(again.status, 410, 'the link works once');
  const login = await new Client(server.base).call('POST', '/api/v1/auth/login', {
    email: member.email,
    password: 'mum chose this one',
  });
  assert.equal(login.status, 200, 'the new password signs in');

  // A used link says so in the app.
  const ctx2 = await newContext(browser);
  const late = await ctx2.newPage();
  await late.goto(url);
  await appReady(late);
  await late.getByLabel('Password').fill('too late for this');
  await late.getByRole('button', { name: 'Save and sign in' }).click();
  await late.getByRole('alert').filter({ hasText: 'expired or was already used' }).waitFor();
  await ctx.close();
  await ctx2.close();
});

test('forgot password: the same note whatever the address', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.base}/#/signin`);
  await appReady(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  for (const email of [member.email, 'nobody@example.test']) {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('status').filter({ hasText: 'If an account has this address' }).waitFor();
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the account screen chooses the digest', async () => {
  const { page, errors } = await signedInPage(browser, server.base, owner, { path: '/#/account' });
  await page.getByRole('button', { name: 'Weekly' }).click();
  await page.getByRole('button', { name: 'Weekly', pressed: true }).waitFor();
  assert.equal((await owner.client.ok('GET', '/api/v1/auth/me')).user.digest, 'weekly');
  assert.deepEqual(errors, []);
});

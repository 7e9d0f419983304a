// passkeys.test.mjs — passkeys in Chromium with its virtual authenticator
// (the DevTools protocol's WebAuthn domain): a member adds one on the
// account screen and signs in with it on a new device; the same key used
// from another origin is refused by the server; a copy of the
// authenticator whose counter went back is refused (a clone); a member
// with a passkey removes their password. WebAuthn needs a host name, so
// the app is opened at http://localhost:PORT (PUBLIC_URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, newContext, watchErrors, appReady } from './harness.mjs';

let server;
let browser;
let owner;
let local; // http://localhost:PORT
let credential; // the registered passkey, as the authenticator exported it

useStack(
  'passkeys',
  async (s) => {
    ({ server, browser } = s);
    local = server.base.replace('127.0.0.1', 'localhost');
    owner = await familyWithBaby(server.base, { owner: 'Dana' });
  },
  { env: { PUBLIC_URL: 'http://localhost:{port}' } },
);

// A page with a virtual authenticator (user verification built in, always
// present), optionally holding `cred`.
async function withAuthenticator(ctx, cred) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  if (cred) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: cred });
  const creds = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return { page, cdp, authenticatorId, creds };
}

// Signs the owner in from a page at the localhost origin (before the app
// loads): Chromium resolves "localhost" on its own, while node's resolver
// (Playwright's request context) needs /etc/hosts, which a bare Debian
// chroot does not have.
async function signInFromPage(page) {
  await page.goto(`${local}/health`);
  const status = await page.evaluate(
    (body) =>
      fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status),
    { email: owner.email, password: owner.password },
  );
  assert.equal(status, 200);
}

async function signInByPasskey(page) {
  await page.goto(`${local}/#/signin`);
  await appReady(page);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/passkeys/login'));
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  return answer;
}

test('a member adds a passkey on the account screen and signs in with it elsewhere', async () => {
  const ctx = await newContext(browser);
  const { page, creds } = await withAuthenticator(ctx);
  const errors = watchErrors(page);
  await signInFromPage(page);
  await page.goto(`${local}/#/account`);
  await appReady(page);
  await page.getByLabel('Name of this passkey').fill('Test phone');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('.passkeys li', { hasText: 'Test phone' }).waitFor();
  const [cred] = await creds();
  assert.equal(cred.rpId, 'localhost');
  assert.ok(cred.isResidentCredential, 'a discoverable credential (no email typed to sign in)');
  credential = cred;
  const list = await owner.client.ok('GET', '/api/v1/auth/passkeys');
  assert.equal(list.passkeys.length, 1);
  assert.equal(list.passkeys[0].alg, 'ES256');
  assert.deepEqual(errors, []);
  await ctx.close();

  const ctx2 = await newContext(browser);
  const other = await withAuthenticator(ctx2, credential);
  const res = await signInByPasskey(other.page);
  assert.equal(res.status(), 200);
  await other.page.locator('.qbtn').first().waitFor();
  const me = await other.page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()));
  assert.equal(me.user.email, owner.email);
  // Its counter goes up with each use; keep the authenticator's view.
  credential = { ...(await other.creds())[0] };
  assert.ok(credential.signCount >= 1);
  await ctx2.close();
});

test('the same passkey used from another origin is refused by the server', async () => {
  assert.ok(credential, 'registered by the first test');
  const ctx = await newContext(browser);
  // app.localhost is another origin (and site): the authenticator holds the
  // same key for it, so only the server's origin and RP ID checks stand.
  const { page } = await withAuthenticator(ctx, { ...credential, rpId: 'app.localhost' });
  const evil = local.replace('localhost', 'app.localhost');
  await page.goto(`${evil}/#/signin`);
  await appReady(page);
  const result = await page.evaluate(async () => {
    const b64 = (buf) =>
      btoa(String.fromCharCode(...new Uint8Array(buf)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const opts = await fetch('/api/v1/auth/passkeys/challenge', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ purpose: 'login' }),
    }).then((r) => r.json());
    const challenge = Uint8Array.from(atob(opts.publicKey.challenge.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    const cred = await navigator.credentials.get({
      publicKey: { challenge, rpId: 'app.localhost', userVerification: 'required' },
    });
    const r = await fetch('/api/v1/auth/passkeys/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: cred.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64(cred.response.clientDataJSON),
          authenticatorData: b64(cred.response.authenticatorData),
          signature: b64(cred.response.signature),
          userHandle: cred.response.userHandle ? b64(cred.response.userHandle) : null,
        },
      }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(result.status, 401);
  assert.match(result.body.error.message, /another site \(origin\)/);
  await ctx.close();
});

test('a cloned authenticator (its counter went back) is refused', async () => {
  const stale = { ...credential }; // a copy taken now
  const ctxA = await newContext(browser);
  const a = await withAuthenticator(ctxA, credential);
  assert.equal((await signInByPasskey(a.page)).status(), 200, 'the original signs in');
  await a.page.locator('.qbtn').first().waitFor();
  await ctxA.close();

  const ctxB = await newContext(browser);
  const b = await withAuthenticator(ctxB, stale);
  const res = await signInByPasskey(b.page);
  assert.equal(res.status(), 401, 'the copy is refused');
  assert.match((await res.json()).error.message, /counter went back/);
  await b.page.getByRole('alert').filter({ hasText: 'This passkey was not accepted.' }).waitFor();
  await ctxB.close();
});

test('a member with a passkey removes their password', async () => {
  const ctx = await newContext(browser);
  const { page } = await withAuthenticator(ctx);
  const errors = watchErrors(page);
  await signInFromPage(page);
  await page.goto(`${local}/#/account`);
  await appReady(page);
  await page.locator('#pk-current').fill(owner.password);
  await page.getByRole('button', { name: 'Remove my password' }).click();
  await page.getByRole('button', { name: 'Remove my password' }).waitFor({ state: 'detached' });
  const login = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
  });
  assert.equal(login.status, 401, 'the password no longer signs in');
  const [pk] = (await owner.client.ok('GET', '/api/v1/auth/passkeys')).passkeys;
  const last = await owner.client.call('DELETE', `/api/v1/auth/passkeys/${pk.id}`);
  assert.equal(last.status, 409, 'the only way in cannot be removed');
  assert.deepEqual(errors, []);
  await ctx.close();
});

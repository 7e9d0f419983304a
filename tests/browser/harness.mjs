// harness.mjs — shared by the browser tests: starts the real server (lighttpd
// spawning the sanitizer-built programs, as tests/lib.sh does) on a free
// loopback port over a fresh database, launches headless Debian Chromium
// through playwright-core, and gives a small API client for setting up
// accounts and families. Everything started here is stopped by stopAll()
// with bounded waits. CARELOG_TEST_URL=http://... runs against a server that
// is already running instead.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import net from 'node:net';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(base, child, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) return false;
    try {
      const r = await fetch(`${base}/health`);
      if (r.status === 200) return true;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  return false;
}

// Stop a process group: TERM, wait up to 5 s, then KILL.
async function stopGroup(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && child.exitCode === null; i++) await sleep(50);
  if (child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export async function startServer(extraEnv = {}) {
  if (process.env.CARELOG_TEST_URL)
    return { base: process.env.CARELOG_TEST_URL.replace(/\/$/, ''), stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'carelog-browser.'));
  const bin = process.env.CARELOG_TEST_BIN || join(ROOT, 'build', 'asan', 'bin');
  if (!existsSync(join(bin, 'meta'))) throw new Error(`no server programs in ${bin}: run make BUILD=asan programs`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logFile = join(dir, 'error.log');
    // "{port}" in a value becomes the port (PUBLIC_URL=http://localhost:{port}).
    const extra = Object.fromEntries(Object.entries(extraEnv).map(([k, v]) => [k, String(v).replace('{port}', port)]));
    const env = {
      ...process.env,
      ...extra,
      PORT: String(port),
      BIND: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      CARELOG_BIN: bin,
      CARELOG_THREADS: '2',
      CARELOG_TEST_FAST_HASH: '1',
      REGISTRATION: 'open',
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    };
    const out = (await import('node:fs')).openSync(logFile, 'a');
    const child = spawn('lighttpd', ['-D', '-f', join(ROOT, 'lighttpd.conf')], {
      env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    const server = {
      base,
      dir,
      child,
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      async stop() {
        await stopGroup(child);
        const idx = started.indexOf(server);
        if (idx >= 0) started.splice(idx, 1);
        const report = server.log();
        if (!process.env.CARELOG_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
        return report;
      },
    };
    started.push(server);
    if (await waitHealthy(base, child, 15000)) return server;
    const log = server.log();
    await server.stop();
    if (!/Address already in use/.test(log)) throw new Error(`lighttpd did not start:\n${log}`);
  }
  throw new Error('lighttpd did not start: no free port');
}

// ---- V8 coverage of the pages (make test, make coverage) ----
// With NODE_V8_COVERAGE set (node then writes its own coverage there), every
// page of a context made here records its JS coverage from its first
// script, and writes it there in node's format when it or its context
// closes (or at stopAll), its URLs made the files of www/ they came from,
// so c8 reports the browser and node runs as one (tools/coverage.sh).
const COVERAGE_DIR = process.env.NODE_V8_COVERAGE || '';
const coveredPages = new Set();
let coverageFiles = 0;

// The www/js file a served script is, when the text served is that file's
// (a test serving a changed copy of www/ is not counted).
function localScript(entry) {
  let url;
  try {
    url = new URL(entry.url);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol)) return null;
  const file = join(ROOT, 'www', decodeURIComponent(url.pathname));
  if (!file.startsWith(join(ROOT, 'www', 'js')) || !existsSync(file)) return null;
  return readFileSync(file, 'utf8') === entry.source ? file : null;
}

async function flushCoverage(pages) {
  const result = [];
  for (const page of pages) {
    coveredPages.delete(page);
    if (page.isClosed()) continue;
    const entries = await page.coverage.stopJSCoverage().catch(() => []);
    for (const e of entries) {
      const file = localScript(e);
      if (file) result.push({ scriptId: e.scriptId, url: pathToFileURL(file).href, functions: e.functions });
    }
  }
  if (result.length) {
    coverageFiles += 1;
    writeFileSync(
      join(COVERAGE_DIR, `coverage-pages-${process.pid}-${coverageFiles}.json`),
      JSON.stringify({ result }),
    );
  }
}

function coverPage(page) {
  coveredPages.add(page);
  page.coverage.startJSCoverage({ resetOnNavigation: false }).catch(() => coveredPages.delete(page));
  const close = page.close.bind(page);
  page.close = async (...args) => {
    await flushCoverage([page]);
    return close(...args);
  };
}

function coverContext(ctx) {
  if (!COVERAGE_DIR) return ctx;
  mkdirSync(COVERAGE_DIR, { recursive: true });
  ctx.on('page', coverPage);
  for (const page of ctx.pages()) coverPage(page);
  const close = ctx.close.bind(ctx);
  ctx.close = async (...args) => {
    await flushCoverage([...coveredPages].filter((p) => p.context() === ctx));
    return close(...args);
  };
  return ctx;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// A headless Chromium with its own fresh profile directory.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'carelog-chromium.'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 390, height: 844 },
    locale: 'en-US',
    timezoneId: 'UTC',
    serviceWorkers: 'allow',
  });
  coverContext(ctx);
  const browser = {
    ctx,
    async close() {
      await Promise.race([ctx.close().catch(() => {}), sleep(10000)]);
      rmSync(profile, { recursive: true, force: true });
    },
  };
  started.push({ stop: () => browser.close() });
  return browser;
}

// Plain Chromium (non-persistent) for several isolated contexts at once.
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  started.push({ stop: () => Promise.race([browser.close().catch(() => {}), sleep(10000)]) });
  return browser;
}

export async function newContext(browser, opts = {}) {
  return coverContext(
    await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-US',
      timezoneId: 'UTC',
      serviceWorkers: 'allow',
      ...opts,
    }),
  );
}

// Pages record their errors so tests can require none.
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function stopAll() {
  if (coveredPages.size) await flushCoverage([...coveredPages]);
  for (const s of started.splice(0).reverse()) {
    try {
      await s.stop();
    } catch {
      /* keep stopping the rest */
    }
  }
}

// Sanitizer reports in a server log mean the programs misbehaved. Returns
// '' or the report's first lines; the whole log is kept in tests/out/.
export function sanitizerReport(log, name = 'server') {
  if (!/AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehaviorSanitizer/.test(log || '')) return '';
  const out = join(ROOT, 'tests', 'out');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}-${process.pid}.log`);
  writeFileSync(file, log);
  const lines = log.split('\n');
  const at = lines.findIndex((l) => /Sanitizer|runtime error/.test(l));
  return `${lines.slice(Math.max(0, at - 2), at + 30).join('\n')}\n(whole log: ${file})`;
}

// A test file's stack: the real server and Chromium started before its tests
// and stopped after them; the file fails if the programs' log holds a
// sanitizer report. `ready` receives {server, browser, www} (and may set up
// more, asynchronously, before the first test). Options: `env`
// for the programs; `copyWww` serves a copy of www/ (in `www`, removed
// after) that the tests may change.
export function useStack(name, ready, { env = {}, copyWww = false } = {}) {
  let stack = null;
  let www = null;
  before(async () => {
    if (copyWww) {
      www = mkdtempSync(join(tmpdir(), 'carelog-www.'));
      cpSync(join(ROOT, 'www'), www, { recursive: true });
    }
    const server = await startServer(www ? { ...env, CARELOG_WWW: www } : env);
    stack = { server, browser: await launchBrowser(), www };
    await ready(stack);
  });
  after(async () => {
    const log = stack ? await stack.server.stop() : '';
    await stopAll();
    if (www) rmSync(www, { recursive: true, force: true });
    assert.equal(sanitizerReport(log, name), '', 'no sanitizer reports from the programs');
  });
}

// ---- API client (Node side, its own cookie jar) ----
// Every Set-Cookie of an answer. Debian 12's Node 18 has no getSetCookie()
// and joins them with ", ": split where a new name= starts (an Expires date
// has no "=" after its comma).
function setCookies(headers) {
  if (headers.getSetCookie) return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : [];
}

export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async call(method, path, body, extraHeaders = {}) {
    const headers = { Accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const c of setCookies(res.headers)) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    if (data?.csrf_token) this.csrf = data.csrf_token;
    return { status: res.status, body: data, headers: res.headers };
  }

  async ok(method, path, body) {
    const r = await this.call(method, path, body);
    if (r.status >= 300 && r.status !== 303)
      throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  // Uses an invite or access link as its page's button does: a POST from
  // the site itself (a GET only shows the page). Signed in, the account
  // joins; otherwise this client becomes a guest device.
  // Then it has the session's CSRF token, as the app would.
  async join(path) {
    const r = await this.call('POST', path, undefined, { 'Sec-Fetch-Site': 'same-origin' });
    if (r.status !== 303) throw new Error(`POST ${path} → ${r.status}`);
    await this.ok('GET', '/api/v1/auth/me');
    return r;
  }

  async register(email, name, password = 'correct horse battery') {
    await this.ok('POST', '/api/v1/auth/register', { email, password, name });
    await this.ok('GET', '/api/v1/auth/me');
    this.email = email;
    this.password = password;
    return this;
  }
}

let counter = 0;
export function uniqueEmail(tag) {
  counter += 1;
  return `${tag}.${process.pid}.${Date.now()}.${counter}@example.test`;
}

// An owner with a family and one baby, ready for logging.
export async function familyWithBaby(base, { owner = 'Dana', baby = 'Noa' } = {}) {
  const client = await new Client(base).register(uniqueEmail('owner'), owner);
  const fam = await client.ok('POST', '/api/v1/families', { name: `${owner}'s family`, timezone: 'UTC' });
  const subject = await client.ok('POST', `/api/v1/families/${fam.id}/subjects`, {
    name: baby,
    kind: 'baby',
    birth_date: '2026-06-01',
    sex: 'female',
  });
  return { client, family: fam, subject, email: client.email, password: client.password };
}

// A share link for the family (role caregiver or viewer); returns its path.
export async function accessLink(client, fid, role) {
  const link = await client.ok('POST', `/api/v1/families/${fid}/links`, { role, label: `${role} link` });
  const url = link.url || `/join/${link.token}`;
  return url.replace(/^https?:\/\/[^/]+/, '');
}

// Open an invite or access link in a page as a person does: the link's
// page, then its one button, whose POST uses the link and lands in the app.
export async function openLink(page, base, path) {
  await page.goto(`${base}${path}`);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/join/'), { timeout: 20000 }),
    page.getByRole('button', { name: 'Join' }).click(),
  ]);
}

// Sign a browser context in with an email and password (through the API on
// the context's own cookie jar, so the page starts signed in).
export async function signInContext(ctx, base, email, password) {
  const r = await ctx.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
  if (r.status() !== 200) throw new Error(`login ${r.status()} ${await r.text()}`);
}

// A page signed in as `who` ({email, password}: an owner from familyWithBaby,
// a Client) in a new context of `browser` (`context`: its options), opened
// at `path` once the app is up. Returns {ctx, page, errors}.
export async function signedInPage(browser, base, who, { path = '/', context = {} } = {}) {
  const ctx = await newContext(browser, context);
  await signInContext(ctx, base, who.email, who.password);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}${path}`);
  await appReady(page);
  return { ctx, page, errors };
}

// Sign in through the app's own form, on a page showing it; waits for the
// quick buttons of the home screen.
export async function signInWithForm(page, who) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.qbtn').first().waitFor();
}

// Wait until the app has booted on a page (the router rendered once).
export async function appReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', null, { timeout: 20000 });
}

// All entries of a family as the server has them (following the change feed).
export async function serverEntries(client, fid) {
  const out = new Map();
  let since = 0;
  for (let i = 0; i < 100; i++) {
    const r = await client.ok('GET', `/api/v1/families/${fid}/changes?since=${since}&limit=500`);
    for (const e of r.changes || []) out.set(e.id, e);
    since = r.cursor;
    if (!r.more) break;
  }
  return [...out.values()];
}

export function runSync(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
}

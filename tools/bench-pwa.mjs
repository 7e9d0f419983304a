#!/usr/bin/env node
// bench-pwa.mjs — figures for the PWA (make bench-pwa; part of make bench):
//  - the app shell's size: HTML, CSS and JS (every module, including views
//    loaded later and the vendored packages), gzip -9, against the 100 KB budget;
//  - time to a usable home screen (the app's 'carelog:home-usable' mark) in
//    headless Chromium with 4x CPU throttling, on a cold load (fresh profile,
//    nothing cached) and a warm load (service worker and caches in place),
//    median of RUNS (default 5), for a signed-in caregiver with a week of log.
// Runs the release programs (build/bin) on a free loopback port. Writes
// build/bench-pwa.json. Figures only: nothing here passes or fails on time.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative, extname } from 'node:path';
import { ROOT, startServer, launchBrowser, newContext, familyWithBaby, signInContext, stopAll } from '../tests/browser/harness.mjs';

const RUNS = Number(process.env.RUNS || 5);
const www = join(ROOT, 'www');

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function shellSize() {
  const groups = { html: 0, css: 0, js: 0, i18n: 0 };
  const raw = { html: 0, css: 0, js: 0, i18n: 0 };
  for (const f of walk(www)) {
    const ext = extname(f);
    const rel = relative(www, f);
    if (rel === 'sw.src.js') continue; // the source of sw.js, never downloaded
    const kind = ext === '.html' ? 'html' : ext === '.css' ? 'css' : ext === '.js' ? 'js' : rel.startsWith('i18n/') ? 'i18n' : null;
    if (!kind) continue;
    const buf = readFileSync(f);
    raw[kind] += buf.length;
    groups[kind] += gzipSync(buf, { level: 9 }).length;
  }
  return { gzip: groups, raw, shell_gzip: groups.html + groups.css + groups.js };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function usableAt(page) {
  const h = await page.waitForFunction(() => {
    const m = performance.getEntriesByName('carelog:home-usable')[0];
    return m ? m.startTime : 0;
  }, null, { timeout: 60000, polling: 50 });
  return Math.round(await h.jsonValue());
}

async function loadTimes(server, browser) {
  const owner = await familyWithBaby(server.base);
  const me = await owner.client.ok('GET', '/api/v1/auth/me');
  const fid = owner.family.id;
  const now = Date.now();
  const changes = [];
  for (let i = 0; i < 7 * 24; i++) { // a week: one entry an hour
    const ts = now - i * 3600000;
    const kind = i % 3;
    const id = `${(ts).toString(16).padStart(12, '0').slice(0, 8)}-${ts.toString(16).padStart(12, '0').slice(8, 12)}-7000-8000-${String(i).padStart(12, '0')}`;
    changes.push({ op: 'put', id, subject_id: owner.subject.id, type: ['feed', 'diaper', 'sleep'][kind], ts, end_ts: kind === 2 ? ts + 1800000 : null,
      value: kind === 0 ? { method: 'bottle', amount_ml: 120 } : kind === 1 ? { wet: true, dirty: false } : {}, created_at: ts, updated_at: ts });
  }
  await owner.client.ok('POST', `/api/v1/families/${fid}/sync`, { cursor: 0, changes });
  const cold = [];
  const warm = [];
  for (let run = 0; run < RUNS; run++) {
    const ctx = await newContext(browser);
    await signInContext(ctx, server.base, me.user.email, owner.password);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(server.base);
    cold.push(await usableAt(page));
    // Let the service worker install and take control, then load again.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await usableAt(page);
    await page.reload();
    const controlled = await page.evaluate(() => !!navigator.serviceWorker.controller);
    if (!controlled) throw new Error('service worker not in control for the warm load');
    warm.push(await usableAt(page));
    await ctx.close();
  }
  return { cold_ms: median(cold), warm_ms: median(warm), cold_runs: cold, warm_runs: warm };
}

const size = shellSize();
process.env.CARELOG_TEST_BIN = process.env.CARELOG_TEST_BIN || join(ROOT, 'build', 'bin');
const server = await startServer();
const browser = await launchBrowser();
let times;
try {
  times = await loadTimes(server, browser);
} finally {
  await stopAll();
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const result = { ...size, budget_gzip: 100 * 1024, cpu_throttling: 4, runs: RUNS, ...times };
mkdirSync(join(ROOT, 'build'), { recursive: true });
writeFileSync(join(ROOT, 'build', 'bench-pwa.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('PWA figures (headless Chromium, 4x CPU throttling, median of %d)', RUNS);
console.log(`  app shell gzip   ${kb(size.shell_gzip)} of 100 KB  (html ${kb(size.gzip.html)}, css ${kb(size.gzip.css)}, js ${kb(size.gzip.js)}; raw ${kb(size.raw.html + size.raw.css + size.raw.js)})`);
console.log(`  messages gzip    ${kb(size.gzip.i18n)} for ten languages, their messages and voice words (one language loaded at a time)`);
console.log(`  cold load        ${times.cold_ms} ms to a usable home screen  (runs: ${times.cold_runs.join(', ')})`);
console.log(`  warm load        ${times.warm_ms} ms with the service worker  (runs: ${times.warm_runs.join(', ')})`);

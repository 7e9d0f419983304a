#!/usr/bin/env node
// bench-pwa.mjs — figures for the PWA (make bench-pwa; part of make bench):
//  - the app shell's size, gzip -9, against the 100 KB budget: what a
//    parent's browser downloads before the first screen is usable (HTML,
//    CSS, the preloaded modules, the service worker, one language's
//    messages; tools/shell-size.mjs), and beside it what the service worker
//    caches afterwards and the staff-only console modules;
//  - time to a usable home screen (the app's 'carelog:home-usable' mark) in
//    headless Chromium with 4x CPU throttling, on a cold load (fresh profile,
//    nothing cached) and a warm load (service worker and caches in place),
//    median of RUNS (default 5), for a signed-in caregiver with a week of log
//    (the mark waits for the home screen to show that log: on the cold
//    load, until the first pull has brought it).
// Runs the release programs (build/bin) on a free loopback port. Writes
// build/bench-pwa.json. Figures only: nothing here passes or fails on time.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { shellSize } from './shell-size.mjs';
import { ROOT, startServer, launchBrowser, newContext, familyWithBaby, signInContext, stopAll } from '../tests/browser/harness.mjs';

const RUNS = Number(process.env.RUNS || 5);
const www = join(ROOT, 'www');

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

const size = shellSize(www);
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
const f = size.first_screen;
console.log(`  app shell gzip   ${kb(size.shell_gzip)} of 100 KB, the first screen (html ${kb(f.html)}, css ${kb(f.css)}, js ${kb(f.js)} in ${f.modules} modules, messages ${kb(f.messages)})`);
console.log(`  then cached      ${kb(size.later_views_gzip)} of the other views and modules, ${kb(size.messages_all_gzip)} of messages and voice words in ten languages`);
console.log(`  staff only       ${kb(size.staff_only.gzip)} (${size.staff_only.files.join(', ')}): the console, loaded by import() when it opens (the service worker caches it too)`);
console.log(`  all HTML/CSS/JS  ${kb(size.all_html_css_js_gzip)}`);
console.log(`  cold load        ${times.cold_ms} ms to a usable home screen  (runs: ${times.cold_runs.join(', ')})`);
console.log(`  warm load        ${times.warm_ms} ms with the service worker  (runs: ${times.warm_runs.join(', ')})`);

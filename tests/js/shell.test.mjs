// shell.test.mjs — static checks of the app shell: the message files of every
// language agree, every message key the code names exists, plural forms are
// the ones Intl.PluralRules picks from in each language;
// no inline script or style (the CSP), the manifest's install fields, the
// modulepreload list matches the first screen's imports, every module parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www');
const load = (l) => JSON.parse(readFileSync(join(www, 'i18n', `${l}.json`), 'utf8'));
const LANGS = ['en', 'he', 'fr', 'es', 'de', 'pt', 'it', 'nl', 'ar', 'ru'];
const msgs = Object.fromEntries(LANGS.map((l) => [l, load(l)]));

function jsFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('every language has the same keys (and the app offers them all)', async () => {
  const en = Object.keys(msgs.en).sort();
  for (const l of LANGS) assert.deepEqual(Object.keys(msgs[l]).sort(), en, l);
  const src = readFileSync(join(www, 'js', 'i18n.js'), 'utf8');
  assert.match(src, new RegExp(`LANGS = \\[${LANGS.map((l) => `'${l}'`).join(', ')}\\]`));
  for (const l of LANGS) {
    const voice = JSON.parse(readFileSync(join(www, 'i18n', 'voice', `${l}.json`), 'utf8'));
    assert.deepEqual(Object.keys(voice).sort(), Object.keys(load('voice/en')).sort(), `voice words of ${l}`);
  }
});

test('every literal message key used in the code exists', () => {
  const missing = [];
  for (const f of jsFiles(join(www, 'js'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
      if (!(m[1] in msgs.en)) missing.push(`${m[1]} (${f})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('plural messages have exactly the forms Intl.PluralRules picks from in each language', () => {
  for (const [lang, m] of Object.entries(msgs)) {
    const need = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.sort();
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'object') assert.deepEqual(Object.keys(v).sort(), need, `${lang} ${k}`);
    }
  }
});

test('parameters match across languages', () => {
  const params = (v) =>
    JSON.stringify(v)
      .match(/\{\w+\}/g)
      ?.sort()
      .filter((x, i, a) => a.indexOf(x) === i) || [];
  // A plural may spell out its number ("two days" in Hebrew) instead of {n}.
  for (const k of Object.keys(msgs.en)) {
    for (const l of LANGS.slice(1)) {
      assert.deepEqual(
        params(msgs[l][k]),
        params(msgs.en[k]).filter(
          (p) => typeof msgs.en[k] !== 'object' || p !== '{n}' || params(msgs[l][k]).includes(p),
        ),
        `${l} ${k}`,
      );
    }
  }
});

test('HTML has no inline script or style (the CSP forbids them)', () => {
  for (const f of ['index.html', 'offline.html']) {
    const html = readFileSync(join(www, f), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, `${f}: inline script`);
    assert.doesNotMatch(html, /<style|\sstyle=/i, `${f}: inline style`);
    assert.doesNotMatch(html, /\son[a-z]+=/i, `${f}: inline handler`);
  }
});

test('the manifest has what install needs', () => {
  const m = JSON.parse(readFileSync(join(www, 'manifest.webmanifest'), 'utf8'));
  for (const k of ['name', 'short_name', 'start_url', 'theme_color', 'background_color']) assert.ok(m[k], k);
  assert.equal(m.display, 'standalone');
  const sizes = m.icons.map((i) => `${i.sizes}:${i.purpose}`);
  assert.ok(sizes.includes('192x192:any') && sizes.includes('512x512:any') && sizes.includes('512x512:maskable'));
  for (const i of m.icons) assert.ok(statSync(join(www, i.src)).size > 0, i.src);
  assert.deepEqual(
    m.shortcuts.map((s) => s.name),
    ['Log feed', 'Log diaper', 'Start sleep'],
  );
});

test('index.html preloads exactly the modules the first screen imports', () => {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(join(www, file), 'utf8');
    // Static imports, also in the minified vendor modules (`import{a}from"./b.js"`).
    for (const m of src.matchAll(/(?:^|;)\s*import\s*(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm)) {
      walk(new URL(m[1], `http://x/${file}`).pathname.slice(1));
    }
  };
  walk('js/app.js');
  walk('js/views/home.js');
  const html = readFileSync(join(www, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)">/g)].map((m) => m[1]).sort();
  assert.deepEqual(preloaded, [...seen].sort());
});

test('every module of the app parses', async () => {
  const { spawnSync } = await import('node:child_process');
  const files = [...jsFiles(join(www, 'js')), join(www, 'sw.src.js')];
  for (const f of files) {
    const r = spawnSync(process.execPath, ['--check', '--input-type=module'], {
      input: readFileSync(f, 'utf8'),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
});

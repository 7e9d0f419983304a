// shell.test.mjs — static checks of the app shell: the three message files
// agree, every message key the code names exists, plural forms are complete;
// no inline script or style (the CSP), the manifest's install fields, the
// modulepreload list matches the first screen's imports, every module parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www');
const load = (l) => JSON.parse(readFileSync(join(www, 'i18n', `${l}.json`), 'utf8'));
const msgs = { en: load('en'), he: load('he'), fr: load('fr') };

function jsFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('English, Hebrew and French have the same keys', () => {
  const en = Object.keys(msgs.en).sort();
  assert.deepEqual(Object.keys(msgs.he).sort(), en);
  assert.deepEqual(Object.keys(msgs.fr).sort(), en);
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

test('plural messages have the forms each language needs', () => {
  const need = { en: ['one', 'other'], he: ['one', 'two', 'other'], fr: ['one', 'many', 'other'] };
  for (const [lang, m] of Object.entries(msgs)) {
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'object') for (const form of need[lang]) assert.ok(form in v, `${lang} ${k} lacks ${form}`);
    }
  }
});

test('parameters match across languages', () => {
  const params = (v) =>
    JSON.stringify(v)
      .match(/\{\w+\}/g)
      ?.sort()
      .filter((x, i, a) => a.indexOf(x) === i) || [];
  for (const k of Object.keys(msgs.en)) {
    assert.deepEqual(
      params(msgs.he[k]),
      params(msgs.en[k]).filter((p) => !(k === 'days_n' || k === 'uses_n') || params(msgs.he[k]).includes(p)),
      `he ${k}`,
    );
    assert.deepEqual(params(msgs.fr[k]), params(msgs.en[k]), `fr ${k}`);
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

// shell-size.mjs — the app shell's size, gzip -9, as tools/bench-pwa.mjs
// reports it and tests/js/shell-size.test.mjs holds it to the 100 KB budget.
// The shell is what a parent's browser downloads before the first screen is
// usable: index.html, its stylesheets, the modules it preloads (exactly the
// static imports of app.js and the home view: tests/js/shell.test.mjs), the
// service worker with its imports, and the messages of one language (the
// largest, to be safe). Besides it, figures for what the service worker then
// caches in the background for offline use (every other view a parent may
// open, the other languages), and the staff-only modules: those reached
// only through the console's import() (the console and its QR code), which
// a parent never opens.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative, extname } from 'node:path';

const STAFF_VIEWS = ['js/views/console.js'];

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const staticImports = (src) =>
  [...src.matchAll(/(?:^|;)\s*import\s*(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
const dynamicImports = (src) => [...src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
const resolve = (from, spec) => new URL(spec, `http://x/${from}`).pathname.slice(1);

export function shellSize(www) {
  const read = (f) => readFileSync(join(www, f));
  const gz = (f) => gzipSync(read(f), { level: 9 }).length;
  const sum = (files) => [...files].reduce((n, f) => n + gz(f), 0);
  // The modules reached from `starts`; through import() too when `dynamic`,
  // except into the files of `stop`.
  const reach = (starts, dynamic, stop = new Set()) => {
    const seen = new Set();
    const todo = [...starts];
    while (todo.length) {
      const f = todo.pop();
      if (seen.has(f) || stop.has(f)) continue;
      seen.add(f);
      const src = read(f).toString('utf8');
      for (const s of staticImports(src)) todo.push(resolve(f, s));
      if (dynamic) for (const s of dynamicImports(src)) todo.push(resolve(f, s));
    }
    return seen;
  };

  const html = read('index.html').toString('utf8');
  const linked = (rel) =>
    [...html.matchAll(new RegExp(`<link rel="${rel}" href="/([^"]+)"`, 'g'))].map((m) => m[1]);
  const script = [...html.matchAll(/<script type="module" src="\/([^"]+)"/g)].map((m) => m[1]);
  const modules = reach([...linked('modulepreload'), ...script, 'sw.js'], false);
  const first = { html: gz('index.html'), css: sum(linked('stylesheet')), js: sum(modules) };
  const langs = readdirSync(join(www, 'i18n')).filter((n) => n.endsWith('.json'));
  const messages = Math.max(...langs.map((n) => gz(`i18n/${n}`)));

  // Every module of the app, and those only the console reaches.
  const all = walk(www)
    .map((f) => relative(www, f).split('\\').join('/'))
    .filter((f) => f !== 'sw.src.js');
  const js = all.filter((f) => extname(f) === '.js');
  const parent = reach(['js/app.js', 'sw.js'], true, new Set(STAFF_VIEWS));
  const staff = js.filter((f) => !parent.has(f));
  const later = js.filter((f) => parent.has(f) && !modules.has(f));
  const i18n = all.filter((f) => f.startsWith('i18n/'));
  return {
    shell_gzip: first.html + first.css + first.js + messages,
    first_screen: { ...first, messages, modules: modules.size },
    later_views_gzip: sum(later),
    staff_only: { files: staff, gzip: sum(staff) },
    messages_all_gzip: sum(i18n),
    all_html_css_js_gzip: sum(all.filter((f) => ['.html', '.css', '.js'].includes(extname(f)))),
  };
}

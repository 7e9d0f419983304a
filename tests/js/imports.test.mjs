// imports.test.mjs — the modules of www/js import one another without a
// circle: each module's static imports, re-exports and dynamic import()s
// form a graph, and a depth-first walk of it finds no cycle. (A circle makes
// the order in which modules run depend on which is loaded first: views
// importing app.js, which imports the views, was one.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycles } from './graph.mjs';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www');
const root = join(www, 'js');

function jsFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
    });
}

// The modules a source imports: `import … from 'x'`, `import 'x'`,
// `export … from 'x'` and `import('x')`, comments left out.
export function importsOf(src) {
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [];
  for (const m of code.matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm))
    specs.push(m[1]);
  for (const m of code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs;
}

function graphOf(dir) {
  const graph = new Map();
  for (const file of jsFiles(dir)) {
    const deps = importsOf(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(dirname(file), s))
      .filter((p) => p.startsWith(dir)); // vendor packages are leaves
    graph.set(file, deps);
  }
  return graph;
}

test('the import parser sees static, re-exported and dynamic imports', () => {
  const src = `// import x from './commented.js';\nimport { a,\n  b } from './a.js';\nimport * as c from "./c.js";\nimport './side.js';\nexport { d } from './d.js';\nconst v = () => import('./v.js');\nimport{e}from"./e.js";`;
  assert.deepEqual(importsOf(src), ['./a.js', './c.js', './side.js', './d.js', './e.js', './v.js']);
});

test('the cycle finder finds a circle and accepts a tree', () => {
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    [['a', 'b', 'c', 'a']],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    [],
  );
});

test('no module of www/js imports itself through others', () => {
  const graph = graphOf(root);
  assert.ok(graph.size > 20, `read ${graph.size} modules`);
  const unresolved = [...graph.values()].flat().filter((p) => !graph.has(p));
  assert.deepEqual(
    unresolved.map((p) => relative(www, p)),
    [],
    'every import names a module that exists',
  );
  const found = cycles(graph).map((c) => c.map((f) => relative(root, f)).join(' → '));
  assert.deepEqual(found, [], `import cycles:\n  ${found.join('\n  ')}`);
});

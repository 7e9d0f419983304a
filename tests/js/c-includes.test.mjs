// c-includes.test.mjs — the C library's modules (cgi-bin/lib/<part>/<name>.c
// with its .h) depend on one another without a circle: a module that
// includes another's header depends on it, and a depth-first walk of those
// dependencies finds no cycle (access.c and server.c including each other
// was one). The same cycle finder as the JS import test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycles } from './graph.mjs';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cgi-bin', 'lib');

// Module name → the modules its .c and .h include ("part/name.h").
export function includeGraph(dir) {
  const graph = new Map();
  for (const part of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, part)).sort()) {
      if (!/\.[ch]$/.test(file)) continue;
      const name = basename(file).replace(/\.[ch]$/, '');
      const deps = graph.get(name) || new Set();
      const src = readFileSync(join(dir, part, file), 'utf8');
      for (const m of src.matchAll(/^#include "(?:[a-z]+\/)?([a-z_]+)\.h"/gm)) if (m[1] !== name) deps.add(m[1]);
      graph.set(name, deps);
    }
  }
  return graph;
}

test('the finder sees a circle between two C modules', () => {
  const g = new Map([
    ['access', new Set(['server'])],
    ['server', new Set(['access'])],
  ]);
  assert.equal(cycles(g).length, 1);
});

test('no circle between the C library modules', () => {
  const found = cycles(includeGraph(lib));
  assert.deepEqual(
    found.map((c) => c.join(' → ')),
    [],
  );
});

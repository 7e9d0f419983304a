#!/usr/bin/env node
// valuecheck-js.mjs — the app's verdicts on a file of entry values, for
// tests/t0210-catalogue.sh (the server's side is tests/tools/valuecheck.c).
// Prints a JSON array with, per case: `check`, the sorted fields
// checkValue() refuses (the server's rules on the value as sent); and, for
// entries (not presets), `validate`, the fields the form's validate()
// refuses, and `cleaned`, whether cleanValue() sends the value unchanged.
//   node valuecheck-js.mjs FILE
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { checkValue, validate, cleanValue, TYPES } from '../../www/js/entries.js';

const { cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = cases.map((c) => {
  const r = { check: Object.keys(checkValue(c.type, c.value, { preset: !!c.preset })).sort() };
  const form = TYPES[c.type] && c.value && typeof c.value === 'object' && !Array.isArray(c.value);
  if (!c.preset && form) {
    r.validate = Object.keys(validate(c.type, c.value)).sort();
    r.cleaned = isDeepStrictEqual(cleanValue(c.type, c.value), c.value);
  }
  return r;
});
process.stdout.write(`${JSON.stringify(out)}\n`);

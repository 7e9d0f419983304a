// catalogue.test.mjs — the app's side of the entry catalogue: www/js/catalogue.js
// is catalogue/entries.json (made by `make www`), entries.js derives its
// lists from it (types, fields, timers, default buttons, person colours),
// and every word the catalogue brings into the app exists in the messages
// (a new type lists what it still needs here). The value verdicts are held
// equal to the server's by t0210-catalogue.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CATALOGUE } from '../../www/js/catalogue.js';
import {
  TYPES,
  TYPE_NAMES,
  DEFAULT_CONFIG,
  PERSON_COLOURS,
  PERSON_KINDS,
  defaultConfig,
  typesFor,
  withDerived,
  validate,
} from '../../www/js/entries.js';

const read = (p) => JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8'));
const file = read('../../catalogue/entries.json');
const en = read('../../www/i18n/en.json');

test('www/js/catalogue.js is catalogue/entries.json (run `make www` after editing it)', () => {
  const { $comment, ...data } = file;
  assert.ok($comment);
  assert.deepEqual(JSON.parse(JSON.stringify(CATALOGUE)), data);
  assert.ok(Object.isFrozen(CATALOGUE.types.feed.fields[0]), 'frozen: nobody edits the rules at run time');
});

test('the entry lists come from the catalogue', () => {
  assert.deepEqual(TYPE_NAMES, Object.keys(file.types));
  assert.deepEqual(PERSON_COLOURS, file.person_colours);
  assert.deepEqual(PERSON_KINDS, ['baby', 'child', 'adult']);
  assert.deepEqual(TYPES.diaper.fields.find((f) => f.key === 'colour').options, [
    '',
    'yellow',
    'mustard',
    'green',
    'brown',
    'black',
    'red',
    'white',
  ]);
  const growth = Object.fromEntries(TYPES.growth.fields.map((f) => [f.key, [f.min, f.max]]));
  assert.deepEqual(growth.weight_g, [300, 300000]);
  assert.deepEqual(growth.head_cm, [15, 70]);
  assert.equal(TYPES.vitals.fields.find((f) => f.key === 'heart_rate').max, 300);
  assert.equal(TYPES.feed.timer({ method: 'breast_both' }), true);
  assert.equal(TYPES.feed.timer({ method: 'bottle' }), false);
  assert.equal(TYPES.symptom.fields.find((f) => f.key === 'severity').kind, 'scale');
  assert.equal(TYPES.note.fields[0].long, true);
  assert.deepEqual(typesFor('adult').includes('tummy_time'), false);
});

test("default buttons: the server's set for the people cared for", () => {
  assert.deepEqual(
    DEFAULT_CONFIG.groups.map((g) => g.category),
    ['feed', 'diaper', 'sleep', 'health'],
  );
  assert.deepEqual(DEFAULT_CONFIG.groups[0].buttons[2], {
    type: 'feed',
    value: { method: 'bottle', milk: 'formula' },
    timing: false,
  });
  assert.deepEqual(
    defaultConfig(['adult']).groups.map((g) => g.buttons.map((b) => b.type).join('+')),
    ['temperature+medication+vitals+symptom+growth'],
  );
  assert.equal(defaultConfig(['adult']).groups[0].buttons[4].label, '@btn.weight', "an adult's growth is a weight");
  for (const g of DEFAULT_CONFIG.groups) {
    for (const b of g.buttons) {
      if (b.timing)
        assert.ok(TYPES[b.type].timer(b.value), `${b.type} ${JSON.stringify(b.value)}: a timer button runs`);
    }
  }
});

test('a sleep without a kind is a night from 19:00 to 07:00, as the server derives it', () => {
  const at = (iso) => Date.parse(iso);
  assert.equal(withDerived('sleep', {}, at('2026-01-10T18:59:00Z'), 'UTC').kind, 'nap');
  assert.equal(withDerived('sleep', {}, at('2026-01-10T19:00:00Z'), 'UTC').kind, 'night');
  assert.equal(withDerived('sleep', {}, at('2026-01-10T06:59:00Z'), 'UTC').kind, 'night');
  assert.equal(withDerived('sleep', { kind: 'nap' }, at('2026-01-10T23:00:00Z'), 'UTC').kind, 'nap');
  assert.deepEqual(withDerived('feed', { method: 'bottle' }, 0, 'UTC'), { method: 'bottle' });
});

test("the form check: the server's rules on what the form sends", () => {
  assert.deepEqual(
    validate('feed', { method: 'bottle', amount_ml: 'lots' }),
    { amount_ml: 'err.range' },
    'a number that is none',
  );
  assert.deepEqual(validate('vitals', { bp_systolic: '120' }), { bp_systolic: 'err.both' });
  assert.deepEqual(validate('diaper', { dirty: true, colour: 'mustard' }), {});
  assert.deepEqual(validate('note', { text: 'x'.repeat(2001) }), { text: 'err.too_long' });
});

test('every word the catalogue brings has a message', () => {
  const missing = [];
  const need = (k) => {
    if (!(k in en)) missing.push(k);
  };
  for (const k of PERSON_KINDS) need(`kind.${k}`);
  for (const [name, t] of Object.entries(file.types)) {
    need(`type.${name}`);
    for (const f of t.fields) {
      need(`field.${f.key}`);
      for (const o of f.options || f.suggest || []) need(`opt.${f.key}.${o}`);
      for (const k of Object.keys(f.show_when || {})) {
        assert.ok(
          t.fields.some((x) => x.key === k),
          `${name}.${f.key}: show_when names ${k}, a field of ${name}`,
        );
      }
    }
    for (const r of t.rules || []) need(r.i18n);
  }
  for (const g of file.button_groups) {
    if (!(`cat.${g.category}` in en) && !(`type.${g.category}` in en)) missing.push(`cat.${g.category}`);
    for (const b of g.buttons) if (b.label?.startsWith('@')) need(b.label.slice(1));
  }
  for (const [kind, v] of Object.entries(file.person_views)) {
    assert.ok(PERSON_KINDS.includes(kind), `person_views.${kind} is a person kind`);
    for (const c of v.charts) need(`chart.${c}`);
    for (const type of v.since) need(`since.${type}`);
  }
  assert.deepEqual(missing, []);
});

// voice.test.mjs — the voice-log phrase parser with the words of each
// language (www/i18n/voice/*.json), as the app gives them: the UI
// language's and English's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePhrase as parse, normalize, speechLang, vocabulary, ownTypes } from '../../www/js/voice.js';

const file = (l) => JSON.parse(readFileSync(new URL(`../../www/i18n/voice/${l}.json`, import.meta.url), 'utf8'));
const WORDS = vocabulary(file('en'), file('he'), file('fr'));
const parsePhrase = (text, words = WORDS) => parse(text, words);

const cases = [
  // English
  ['bottle 120 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
  ['Bottle of 4 oz', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 118 } }],
  ['120ml formula', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120, milk: 'formula' } }],
  ['wet diaper', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
  ['dirty nappy', { action: 'log', type: 'diaper', value: { wet: false, dirty: true } }],
  ['wet and dirty diaper', { action: 'log', type: 'diaper', value: { wet: true, dirty: true } }],
  ['start sleep', { action: 'start', type: 'sleep', value: {} }],
  ['stop sleep', { action: 'stop', type: 'sleep', value: {} }],
  ['she woke up', { action: 'stop', type: 'sleep', value: {} }],
  ['left breast', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
  ['Right breast', { action: 'start', type: 'feed', value: { method: 'breast_right' } }],
  ['pump 80 ml', { action: 'log', type: 'pump', value: { side: 'both', amount_ml: 80 } }],
  ['temperature 38.2', { action: 'log', type: 'temperature', value: { celsius: 38.2 } }],
  ['temperature 101', { action: 'log', type: 'temperature', value: { celsius: 38.3 } }],
  // Hebrew
  ['בקבוק 120 מ״ל', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
  ['בקבוק 90 מ"ל', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 90 } }],
  ['חיתול רטוב', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
  ['חיתול מלוכלך', { action: 'log', type: 'diaper', value: { wet: false, dirty: true } }],
  ['התחלת שינה', { action: 'start', type: 'sleep', value: {} }],
  ['הוא נרדם', { action: 'start', type: 'sleep', value: {} }],
  ['התעוררה', { action: 'stop', type: 'sleep', value: {} }],
  ['סיום שינה', { action: 'stop', type: 'sleep', value: {} }],
  ['הנקה שמאל', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
  ['הנקה בצד ימין', { action: 'start', type: 'feed', value: { method: 'breast_right' } }],
  ['חום 38,5', { action: 'log', type: 'temperature', value: { celsius: 38.5 } }],
  // French
  ['biberon 120 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
  ['biberon de 150 millilitres', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 150 } }],
  ['couche mouillée', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
  ['couche sale', { action: 'log', type: 'diaper', value: { wet: false, dirty: true } }],
  ['début de la sieste', { action: 'start', type: 'sleep', value: {} }],
  ['fin de la sieste', { action: 'stop', type: 'sleep', value: {} }],
  ['il est réveillé', { action: 'stop', type: 'sleep', value: {} }],
  ['sein gauche', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
  ['sein droit', { action: 'start', type: 'feed', value: { method: 'breast_right' } }],
  ['tire-lait 60 ml', { action: 'log', type: 'pump', value: { side: 'both', amount_ml: 60 } }],
];

for (const [phrase, want] of cases) {
  test(`"${phrase}"`, () => {
    assert.deepEqual(parsePhrase(phrase), want);
  });
}

// The other languages, each with English's words beside its own.
const more = {
  es: [
    ['biberón de 120 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
    ['pañal mojado', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['empieza la siesta', { action: 'start', type: 'sleep', value: {} }],
    ['pecho izquierdo', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
    ['fiebre 38,5', { action: 'log', type: 'temperature', value: { celsius: 38.5 } }],
  ],
  de: [
    [
      'Fläschchen 90 ml Pulvermilch',
      { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 90, milk: 'formula' } },
    ],
    ['nasse Windel', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['Brust rechts', { action: 'start', type: 'feed', value: { method: 'breast_right' } }],
    ['sie ist aufgewacht', { action: 'stop', type: 'sleep', value: {} }],
  ],
  pt: [
    ['mamadeira 150 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 150 } }],
    ['fralda suja', { action: 'log', type: 'diaper', value: { wet: false, dirty: true } }],
    ['peito direito', { action: 'start', type: 'feed', value: { method: 'breast_right' } }],
    ['acordou', { action: 'stop', type: 'sleep', value: {} }],
  ],
  it: [
    ['biberon 100 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 100 } }],
    ['pannolino bagnato', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['seno sinistro', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
    ['inizia il pisolino', { action: 'start', type: 'sleep', value: {} }],
  ],
  nl: [
    ['fles 120 ml', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
    ['natte luier', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['borst links', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
    ['slaapje klaar', { action: 'stop', type: 'sleep', value: {} }],
  ],
  ar: [
    ['رضاعة 120 مل', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
    ['حفاض مبلل', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['بدء النوم', { action: 'start', type: 'sleep', value: {} }],
    ['الثدي الأيسر', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
    ['استيقظت', { action: 'stop', type: 'sleep', value: {} }],
  ],
  ru: [
    ['бутылочка 120 мл', { action: 'log', type: 'feed', value: { method: 'bottle', amount_ml: 120 } }],
    ['мокрый подгузник', { action: 'log', type: 'diaper', value: { wet: true, dirty: false } }],
    ['левая грудь', { action: 'start', type: 'feed', value: { method: 'breast_left' } }],
    ['уснул', { action: 'start', type: 'sleep', value: {} }],
    ['проснулась', { action: 'stop', type: 'sleep', value: {} }],
  ],
};
for (const [lang, list] of Object.entries(more)) {
  const words = vocabulary(file(lang), file('en'));
  for (const [phrase, want] of list) {
    test(`${lang}: "${phrase}"`, () => assert.deepEqual(parsePhrase(phrase, words), want));
  }
}

test('nothing understood gives null', () => {
  assert.equal(parsePhrase(''), null);
  assert.equal(parsePhrase('hello there'), null);
  assert.equal(parsePhrase('bonjour'), null);
  assert.equal(parsePhrase('שלום'), null);
  assert.equal(parsePhrase('temperature'), null);
});

test('normalize strips accents, niqqud and gershayim, splits glued units', () => {
  assert.equal(normalize('Mouillée'), 'mouillee');
  assert.equal(normalize('מ״ל'), 'מל');
  assert.equal(normalize('120ml'), '120 ml');
  assert.equal(normalize('38,5'), '38.5');
});

test('speech recognition language follows the UI language', () => {
  assert.equal(speechLang('he'), 'he-IL');
  assert.equal(speechLang('fr'), 'fr-FR');
  assert.equal(speechLang('ar'), 'ar-SA');
  assert.equal(speechLang('xx'), 'en-US');
});

// A family's own types, by the names in their definitions (as GET
// .../activity-types gives them), in the UI language and English.
const DEFS = [
  { type: 'x-bath', names: { en: 'Bath', fr: 'Bain', he: 'אמבטיה' }, timed: true },
  { type: 'x-bath_toys', names: { en: 'Bath toys' }, timed: false },
  { type: 'x-vitd', names: { en: 'Vitamin D', fr: 'Vitamine D' }, timed: false },
  { type: 'x-pumpkin', names: { en: 'Pumping session' }, timed: true },
];
const ownCases = [
  ['en', 'log bath', { action: 'start', type: 'x-bath', value: {} }],
  ['en', 'bath 10 minutes', { action: 'log', type: 'x-bath', value: {}, minutes: 10 }],
  ['en', 'bath for 1 hour', { action: 'log', type: 'x-bath', value: {}, minutes: 60 }],
  ['en', 'bath 15', { action: 'log', type: 'x-bath', value: {}, minutes: 15 }],
  ['en', 'stop the bath', { action: 'stop', type: 'x-bath', value: {} }],
  ['en', 'bath toys', { action: 'log', type: 'x-bath_toys', value: {} }],
  ['en', 'vitamin d', { action: 'log', type: 'x-vitd', value: {} }],
  ['en', 'pumping session 20 min', { action: 'log', type: 'x-pumpkin', value: {}, minutes: 20 }],
  ['fr', 'bain de 12 minutes', { action: 'log', type: 'x-bath', value: {}, minutes: 12 }],
  ['fr', 'vitamine D', { action: 'log', type: 'x-vitd', value: {} }],
  ['fr', 'bath 5 min', { action: 'log', type: 'x-bath', value: {}, minutes: 5 }],
  ['he', 'אמבטיה 10 דקות', { action: 'log', type: 'x-bath', value: {}, minutes: 10 }],
  ['he', 'באמבטיה', { action: 'start', type: 'x-bath', value: {} }],
];
for (const [lang, phrase, want] of ownCases) {
  test(`a family's type, ${lang}: "${phrase}"`, () => {
    const words = vocabulary(file(lang), file('en'));
    assert.deepEqual(parse(phrase, words, ownTypes(DEFS, [lang, 'en'])), want);
  });
}

test("a family's type is known only in the languages asked for, and the built-in words still work", () => {
  const words = vocabulary(file('en'));
  const own = ownTypes(DEFS, ['en']);
  assert.equal(parse('bain 10 minutes', words, own), null);
  assert.deepEqual(parse('pump 80 ml', words, own), {
    action: 'log',
    type: 'pump',
    value: { side: 'both', amount_ml: 80 },
  });
  assert.deepEqual(parse('wet diaper', words, own), {
    action: 'log',
    type: 'diaper',
    value: { wet: true, dirty: false },
  });
  assert.deepEqual(ownTypes([{ type: 'x-a', names: { fr: 'A' } }], ['en']), []);
});

test('every language has words for minutes and hours', () => {
  for (const l of ['en', 'he', 'fr', 'es', 'de', 'pt', 'it', 'nl', 'ar', 'ru']) {
    assert.ok(file(l).minute?.length && file(l).hour?.length, l);
  }
});

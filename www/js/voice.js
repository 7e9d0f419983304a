// voice.js — turns a spoken phrase into a proposed entry for one-tap
// confirmation. Pure: no DOM, no speech API. The words it knows come from
// www/i18n/voice/<language>.json ({concept: [words]}, spelled naturally),
// made ready by vocabulary():
//   parsePhrase("bottle 120 ml", words) → {action:'log', type:'feed', value:{method:'bottle', amount_ml:120}}
//   action: 'log' (an entry now), 'start' (a timer), 'stop' (end the running one)
// A family's own types are recognised by their names (ownTypes(), from the
// family's definitions: no second word list), checked before the built-in
// words since a family's name is the more specific:
//   parsePhrase("bath 10 minutes", words, own) → {action:'log', type:'x-bath', value:{}, minutes:10}
// Returns null when nothing was understood.

const ML_PER_OZ = 29.5735;

const SEMITIC = /[\u05d0-\u05ea\u0621-\u064a]/;
// Hebrew and Arabic glue prefixes (ב, ה, ו, ל, ש, מ; و, ب, ل, ال) to the next word.
const PREFIX = /^(?:[בהולשמכ]{1,2}|[وفبل]?(?:ال|لل)?)/;

export function normalize(text) {
  return String(text || '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]/g, '') // accents, Hebrew points, harakat and hamza
    .replace(/[״"׳'’`]/g, '')
    .replace(/(\d),(\d)/g, '$1.$2')
    .replace(/(\d)([^\d\s.])/g, '$1 $2') // "120ml" → "120 ml"
    .trim();
}

function tokens(norm) {
  return norm.split(/[^\p{L}\p{N}.-]+/u).filter(Boolean);
}

function tokenMatches(tok, word) {
  if (tok === word) return true;
  if (SEMITIC.test(word)) return tok.replace(PREFIX, '') === word || (word.length >= 3 && tok.endsWith(word));
  return word.length >= 4 && tok.startsWith(word); // "mouillée", "sleeping"
}

// The words of several languages' files as one vocabulary, normalized as
// phrases are.
export function vocabulary(...files) {
  const out = {};
  for (const f of files) for (const [k, ws] of Object.entries(f)) out[k] = [...(out[k] || []), ...ws.map(normalize)];
  return out;
}

let WORDS = {};
let NORM = '';
function has(toks, concept) {
  return (WORDS[concept] || []).some((w) =>
    w.includes(' ') ? ` ${NORM} `.includes(` ${w} `) : toks.some((t) => tokenMatches(t, w)),
  );
}

function firstNumber(norm) {
  const m = norm.match(/(\d+(?:\.\d+)?)/);
  return m ? Number(m[1]) : null;
}

// An amount in ml from "120 ml" / "4 oz" / a bare number (ml assumed).
function amountMl(toks, norm) {
  const n = firstNumber(norm);
  if (n === null) return null;
  if (has(toks, 'oz')) return Math.round(n * ML_PER_OZ);
  return Math.round(n);
}

function breastSide(toks) {
  if (has(toks, 'both')) return 'both';
  if (has(toks, 'left')) return 'left';
  if (has(toks, 'right')) return 'right';
  return null;
}

// A family's types as voice knows them: [{type, names, timed}] from their
// definitions ({type: 'x-bath', names: {en: 'Bath', fr: 'Bain'}, timed}),
// each with its names in the given languages, normalized as phrases are.
export function ownTypes(defs, langs) {
  return (defs || [])
    .map((d) => ({
      type: d.type,
      timed: !!d.timed,
      names: [
        ...new Set(
          langs
            .map((l) => d.names?.[l])
            .filter(Boolean)
            .map(normalize),
        ),
      ],
    }))
    .filter((d) => d.names.length);
}

// The family type whose name was said (the longest name wins: "bath toys"
// over "bath").
function ownType(toks, own) {
  let best = null;
  let len = 0;
  for (const d of own)
    for (const n of d.names) {
      const said = n.includes(' ') ? ` ${NORM} `.includes(` ${n} `) : toks.some((t) => tokenMatches(t, n));
      if (said && n.length > len) [best, len] = [d, n.length];
    }
  return best;
}

// A duration said with a family's timed type: "10 minutes", "1 hour", or a
// bare number (minutes).
function ownEntry(d, toks, norm, stop) {
  if (!d.timed) return { action: 'log', type: d.type, value: {} };
  if (stop) return { action: 'stop', type: d.type, value: {} };
  const n = firstNumber(norm);
  if (n === null || n <= 0) return { action: 'start', type: d.type, value: {} };
  const minutes = Math.round(has(toks, 'hour') && !has(toks, 'minute') ? n * 60 : n);
  return { action: 'log', type: d.type, value: {}, minutes };
}

export function parsePhrase(text, words, own = []) {
  const norm = normalize(text);
  if (!norm) return null;
  WORDS = words;
  NORM = norm;
  const toks = tokens(norm);
  const stop = has(toks, 'stop');
  const mine = ownType(toks, own);
  if (mine) return ownEntry(mine, toks, norm, stop);

  if (has(toks, 'temperature')) {
    let c = firstNumber(norm);
    if (c === null) return null;
    if (c > 50) c = Math.round((((c - 32) * 5) / 9) * 10) / 10; // said in °F
    return { action: 'log', type: 'temperature', value: { celsius: c } };
  }
  if (has(toks, 'pump')) {
    const side = breastSide(toks) || 'both';
    const ml = amountMl(toks, norm);
    if (stop) return { action: 'stop', type: 'pump', value: ml ? { amount_ml: ml } : {} };
    if (ml) return { action: 'log', type: 'pump', value: { side, amount_ml: ml } };
    return { action: 'start', type: 'pump', value: { side } };
  }
  if (has(toks, 'bottle') || (firstNumber(norm) !== null && (has(toks, 'ml') || has(toks, 'oz')))) {
    const ml = amountMl(toks, norm);
    const value = { method: 'bottle' };
    if (ml) value.amount_ml = ml;
    if (has(toks, 'formula')) value.milk = 'formula';
    else if (has(toks, 'breast')) value.milk = 'breast_milk';
    return { action: 'log', type: 'feed', value };
  }
  const side = breastSide(toks);
  if (has(toks, 'breast') || (side && !has(toks, 'diaper'))) {
    if (stop) return { action: 'stop', type: 'feed', value: {} };
    return { action: 'start', type: 'feed', value: { method: `breast_${side || 'left'}` } };
  }
  const wet = has(toks, 'wet');
  const dirty = has(toks, 'dirty');
  if (has(toks, 'diaper') || wet || dirty) {
    if (!wet && !dirty) return { action: 'log', type: 'diaper', value: { wet: true, dirty: false } };
    return { action: 'log', type: 'diaper', value: { wet, dirty } };
  }
  if (has(toks, 'wake')) return { action: 'stop', type: 'sleep', value: {} };
  if (has(toks, 'sleep')) {
    if (stop) return { action: 'stop', type: 'sleep', value: {} };
    return { action: 'start', type: 'sleep', value: {} };
  }
  return null;
}

// The recognition language for the UI language.
export function speechLang(uiLang) {
  const region = { en: 'US', he: 'IL', fr: 'FR', es: 'ES', de: 'DE', pt: 'BR', it: 'IT', nl: 'NL', ar: 'SA', ru: 'RU' };
  return region[uiLang] ? `${uiLang}-${region[uiLang]}` : 'en-US';
}

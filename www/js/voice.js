// voice.js — turns a spoken phrase (English, Hebrew or French) into a
// proposed entry for one-tap confirmation. Pure: no DOM, no speech API.
//   parsePhrase("bottle 120 ml") → {action:'log', type:'feed', value:{method:'bottle', amount_ml:120}}
//   action: 'log' (an entry now), 'start' (a timer), 'stop' (end the running one)
// Returns null when nothing was understood.

const ML_PER_OZ = 29.5735;

const WORDS = {
  bottle: ['bottle', 'formula', 'biberon', 'בקבוק', 'תמל'],
  breast: ['breast', 'nursing', 'nurse', 'feeding', 'sein', 'tetee', 'allaitement', 'הנקה', 'שד', 'יניקה'],
  left: ['left', 'gauche', 'שמאל'],
  right: ['right', 'droit', 'droite', 'ימין'],
  both: ['both', 'deux', 'שניהם', 'שני'],
  diaper: ['diaper', 'nappy', 'couche', 'חיתול', 'טיטול'],
  wet: ['wet', 'pee', 'mouill', 'pipi', 'רטוב', 'פיפי', 'שתן'],
  dirty: ['dirty', 'poo', 'poop', 'poopy', 'sale', 'caca', 'selle', 'מלוכלך', 'קקי', 'צואה'],
  sleep: [
    'sleep',
    'asleep',
    'nap',
    'sieste',
    'dodo',
    'dort',
    'endormi',
    'sommeil',
    'coucher',
    'שינה',
    'נרדם',
    'נרדמה',
    'ישן',
    'ישנה',
    'תנומה',
    'להשכיב',
  ],
  wake: ['woke', 'wake', 'awake', 'reveil', 'התעורר', 'התעוררה', 'קם', 'קמה'],
  start: ['start', 'begin', 'started', 'commence', 'debut', 'demarre', 'התחל', 'התחלת', 'מתחיל', 'מתחילה'],
  stop: [
    'stop',
    'end',
    'finish',
    'finished',
    'done',
    'fin',
    'arret',
    'termine',
    'סיום',
    'סיים',
    'עצור',
    'הפסק',
    'עצירת',
  ],
  pump: ['pump', 'pumped', 'pumping', 'tire-lait', 'tirelait', 'exprime', 'שאיבה', 'שאבתי'],
  temperature: ['temperature', 'temp', 'fever', 'fievre', 'חום', 'טמפרטורה'],
  ml: ['ml', 'milliliter', 'milliliters', 'millilitre', 'millilitres', 'מל', 'מיליליטר'],
  oz: ['oz', 'ounce', 'ounces', 'once', 'onces', 'אונקיה', 'אונקיות'],
};

const HEBREW = /[\u05d0-\u05ea]/;
// Hebrew glues one-letter prefixes (ב, ה, ו, ל, ש, מ) to the next word.
const HEBREW_PREFIX = /^[בהולשמכ]{1,2}/;

export function normalize(text) {
  return String(text || '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u0591-\u05c7]/g, '') // Latin accents, Hebrew points
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
  if (HEBREW.test(word)) return tok.replace(HEBREW_PREFIX, '') === word || (word.length >= 3 && tok.endsWith(word));
  return word.length >= 4 && tok.startsWith(word); // "mouillée", "sleeping"
}

function has(toks, concept) {
  return WORDS[concept].some((w) => toks.some((t) => tokenMatches(t, w)));
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

export function parsePhrase(text) {
  const norm = normalize(text);
  if (!norm) return null;
  const toks = tokens(norm);
  const stop = has(toks, 'stop');

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
    if (/formula|תמל/.test(norm)) value.milk = 'formula';
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
  return { en: 'en-US', he: 'he-IL', fr: 'fr-FR' }[uiLang] || 'en-US';
}

// i18n.js — ten languages (www/i18n/<lang>.json): message lookup with
// {name} parameters and plural forms (Intl.PluralRules), the page direction
// (Hebrew and Arabic right to left), and every date, number, duration,
// relative time and unit through Intl.
export const LANGS = ['en', 'he', 'fr', 'es', 'de', 'pt', 'it', 'nl', 'ar', 'ru'];
const RTL = new Set(['he', 'ar']);

let lang = 'en';
let messages = {};
let fallback = {};
const cache = new Map();

export function browserLang() {
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (base === 'iw') return 'he';
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

async function load(l) {
  if (!cache.has(l)) {
    cache.set(
      l,
      fetch(`/i18n/${l}.json`)
        .then((r) => {
          if (!r.ok) throw new Error(`i18n ${l}: ${r.status}`);
          return r.json();
        })
        .catch((err) => {
          cache.delete(l);
          throw err;
        }),
    );
  }
  return cache.get(l);
}

// Start fetching a language's messages before it is certain to be needed.
export function preloadLang(l) {
  if (LANGS.includes(l)) load(l).catch(() => {});
}

export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'en';
  const [msgs, en] = await Promise.all([load(l), l === 'en' ? null : load('en').catch(() => ({}))]);
  messages = msgs;
  fallback = en || msgs;
  lang = l;
  const html = document.documentElement;
  html.lang = l;
  html.dir = RTL.has(l) ? 'rtl' : 'ltr';
}

export function getLang() {
  return lang;
}
export function isRtl() {
  return RTL.has(lang);
}

const pluralRules = new Map();
function plural(n) {
  if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(lang));
  return pluralRules.get(lang).select(n);
}

// t('pending', {n: 3}) — a message may be an object of plural forms keyed by
// Intl.PluralRules categories ("one", "two", "other"), chosen by params.n.
export function t(key, params = {}) {
  let m = messages[key] ?? fallback[key];
  if (m === undefined) return key;
  if (typeof m === 'object') m = m[plural(params.n ?? 0)] ?? m.other;
  return m.replace(/\{(\w+)\}/g, (_, k) =>
    params[k] === undefined ? `{${k}}` : typeof params[k] === 'number' ? fmtNumber(params[k]) : params[k],
  );
}

export function has(key) {
  return key in messages || key in fallback;
}

// Labels from a family's button config: '@key' is ours to translate.
export function label(s) {
  return s && s[0] === '@' ? t(s.slice(1)) : s;
}

// ---- Intl ----
const fmts = new Map();
function fmt(kind, opts) {
  const k = `${lang}|${kind}|${JSON.stringify(opts)}`;
  if (!fmts.has(k)) {
    fmts.set(
      k,
      kind === 'num'
        ? new Intl.NumberFormat(lang, opts)
        : kind === 'rel'
          ? new Intl.RelativeTimeFormat(lang, opts)
          : new Intl.DateTimeFormat(lang, opts),
    );
  }
  return fmts.get(k);
}

export function fmtNumber(n, opts = { maximumFractionDigits: 1 }) {
  return fmt('num', opts).format(n);
}
export function fmtTime(ts, tz) {
  return fmt('dt', { hour: 'numeric', minute: '2-digit', timeZone: tz }).format(ts);
}
export function fmtDate(ts, tz, style = 'medium') {
  return fmt('dt', { dateStyle: style, timeZone: tz }).format(ts);
}
export function fmtHour(ts, tz) {
  return fmt('dt', { hour: 'numeric', timeZone: tz }).format(ts);
}
export function fmtDateTime(ts, tz) {
  return fmt('dt', { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(ts);
}
export function fmtWeekday(ts, tz) {
  return fmt('dt', { weekday: 'long', day: 'numeric', month: 'long', timeZone: tz }).format(ts);
}
export function fmtShortDay(ts, tz) {
  return fmt('dt', { day: 'numeric', month: 'numeric', timeZone: tz }).format(ts);
}

// "1 h 25 min" / "25 min" / "40 s", each part through Intl unit formatting.
export function fmtDuration(ms, { seconds = false } = {}) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const part = (n, unit) => fmt('num', { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  if (h) return m ? `${part(h, 'hour')} ${part(m, 'minute')}` : part(h, 'hour');
  if (m || !seconds) return seconds && s ? `${part(m, 'minute')} ${part(s, 'second')}` : part(m, 'minute');
  return part(s, 'second');
}

// "4.5 h" — compact, for chart labels.
export function fmtHours(hours) {
  return fmt('num', { style: 'unit', unit: 'hour', unitDisplay: 'narrow', maximumFractionDigits: 1 }).format(hours);
}

// A running clock: 1:05:09 / 5:09, with digits in the UI language.
export function fmtClock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => fmt('num', { minimumIntegerDigits: 2 }).format(n);
  return h ? `${fmtNumber(h)}:${two(m)}:${two(s)}` : `${fmtNumber(m)}:${two(s)}`;
}

// "5 minutes ago" / "in 2 hours".
export function fmtRelative(ms) {
  const abs = Math.abs(ms);
  const rtf = fmt('rel', { numeric: 'auto', style: 'long' });
  if (abs < 60000) return t('just_now');
  if (abs < 3600000) return rtf.format(-Math.round(ms / 60000), 'minute');
  if (abs < 86400000) return rtf.format(-Math.round(ms / 3600000), 'hour');
  return rtf.format(-Math.round(ms / 86400000), 'day');
}

export function fmtRelativeDay(diffDays) {
  return fmt('rel', { numeric: 'auto' }).format(diffDays, 'day');
}

// ---- units: the API is metric; a member reads and types each dimension
// in metric or imperial units: {volume: ml|fl_oz, weight: kg|lb, length:
// cm|in, temperature: c|f} (the account keeps them; 'metric' and
// 'imperial' stand for all four). ----
export const ML_PER_OZ = 29.5735;
export const METRIC = { volume: 'ml', weight: 'kg', length: 'cm', temperature: 'c' };
export const IMPERIAL = { volume: 'fl_oz', weight: 'lb', length: 'in', temperature: 'f' };
export const unitsOf = (u) => (u === 'imperial' ? IMPERIAL : { ...METRIC, ...(typeof u === 'object' ? u : {}) });
const DIMENSION = { ml: 'volume', g: 'weight', cm: 'length', celsius: 'temperature' };
// True when a value stored in `unit` reads in the imperial unit.
const imperial = (unit, u) => {
  const d = DIMENSION[unit];
  return !!d && unitsOf(u)[d] === IMPERIAL[d];
};
const unitFmt = (n, unit, digits = 1) =>
  fmt('num', { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits }).format(n);

export function fmtUnit(value, unit, units) {
  if (value === null || value === undefined || value === '') return '';
  const v = Number(value);
  switch (unit) {
    case 'ml':
      return imperial(unit, units) ? unitFmt(v / ML_PER_OZ, 'fluid-ounce') : unitFmt(v, 'milliliter', 0);
    case 'g':
      if (imperial(unit, units)) {
        const [lb, oz] = lbOz(v);
        return `${unitFmt(lb, 'pound', 0)} ${unitFmt(oz, 'ounce', 1)}`;
      }
      return v >= 1000 ? unitFmt(v / 1000, 'kilogram', 2) : unitFmt(v, 'gram', 0);
    case 'cm':
      return imperial(unit, units) ? unitFmt(v / 2.54, 'inch') : unitFmt(v, 'centimeter');
    case 'celsius':
      return imperial(unit, units) ? unitFmt((v * 9) / 5 + 32, 'fahrenheit') : unitFmt(v, 'celsius');
    default:
      return fmtNumber(v);
  }
}

// ---- form inputs: what a person types, in the unit the form shows ----
// For each metric unit the API stores, the unit typed in each system (a
// weight in kg or lb: nobody weighs a baby in grams or ounces), named as
// Intl names it in the language, so a form, a title and a chart agree
// ("mL" in English, "ml" in French).
const TYPED = {
  metric: { ml: 'milliliter', g: 'kilogram', cm: 'centimeter', celsius: 'celsius', s: 'minute' },
  imperial: { ml: 'fluid-ounce', g: 'pound', cm: 'inch', celsius: 'fahrenheit', s: 'minute' },
};
const typedUnit = (unit, units) => TYPED[imperial(unit, units) ? 'imperial' : 'metric'][unit] || null;
// stored → typed, and back; with the decimals worth typing.
const CONVERT = {
  milliliter: [(v) => v, (v) => Math.round(v), 0],
  kilogram: [(v) => v / 1000, (v) => Math.round(v * 1000), 3],
  centimeter: [(v) => v, (v) => Math.round(v * 10) / 10, 1],
  celsius: [(v) => v, (v) => Math.round(v * 10) / 10, 1],
  'fluid-ounce': [(v) => v / ML_PER_OZ, (v) => Math.round(v * ML_PER_OZ), 1],
  pound: [(v) => v / 453.59237, (v) => Math.round(v * 453.59237), 2],
  inch: [(v) => v / 2.54, (v) => Math.round(v * 2.54 * 10) / 10, 1],
  fahrenheit: [(v) => (v * 9) / 5 + 32, (v) => Math.round((((v - 32) * 5) / 9) * 10) / 10, 1],
  minute: [(v) => v / 60, (v) => Math.round(v * 60), 1],
};

// The unit's short name as Intl writes it after a number ("kg", "mL", "°C").
export function unitSymbol(intlUnit) {
  const parts = fmt('num', { style: 'unit', unit: intlUnit, unitDisplay: 'short' }).formatToParts(1);
  return parts.find((p) => p.type === 'unit')?.value.trim() || intlUnit;
}

// The unit a person types a stored `unit` in ('' for none).
export function inputUnit(unit, system) {
  const u = typedUnit(unit, system);
  return u ? unitSymbol(u) : '';
}
// A stored value as the form shows it (rounded to what is worth typing).
export function toInput(value, unit, system) {
  const u = typedUnit(unit, system);
  if (value === null || value === undefined || value === '' || !u) return value;
  const [to, , digits] = CONVERT[u];
  return Number(to(Number(value)).toFixed(digits));
}
// What a person typed, as the value stored; text that is no number stays
// as typed, for the form's check to refuse.
export function fromInput(value, unit, system) {
  const u = typedUnit(unit, system);
  if (value === null || value === undefined || value === '' || !u) return value;
  const v = Number(value);
  return Number.isFinite(v) ? CONVERT[u][1](v) : value;
}
// A stored value written in the unit a person types it in ("0.3 kg"; a
// weight in pounds, in pounds and ounces).
export function fmtInput(value, unit, system) {
  const u = typedUnit(unit, system);
  if (u === 'pound') return fmtUnit(value, unit, system);
  return u ? fmtTyped(toInput(value, unit, system), unit, system) : fmtNumber(value, { maximumFractionDigits: 3 });
}
// A value already in the unit a person reads (a chart's tick), with it.
export function fmtTyped(v, unit, system) {
  const u = typedUnit(unit, system);
  return unitFmt(v, u, CONVERT[u][2]);
}
// A weight in grams as [pounds, ounces] (ounces to a tenth), and back.
export function lbOz(g) {
  const oz = Math.round((g / 28.349523125) * 10) / 10;
  return [Math.floor(oz / 16), Math.round((oz % 16) * 10) / 10];
}
export const gFromLbOz = (lb, oz) => Math.round((Number(lb || 0) * 16 + Number(oz || 0)) * 28.349523125);

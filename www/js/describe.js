// describe.js — how an entry reads in the UI: a title ("Bottle 120 ml"),
// a detail line, and its icon, in the person's language and units.
import { t, label, fmtUnit, fmtDuration, fmtNumber, getLang } from './i18n.js';
import { TYPES, isRunning, isSession, sides } from './entries.js';
import { state } from './state.js';

// A family's own type is named by the family, in the language shown when
// they gave one (else English, else the first name they gave).
export function typeName(type) {
  const names = TYPES[type]?.custom?.names;
  if (names) return names[getLang()] || names.en || Object.values(names)[0] || type;
  return t(`type.${type}`);
}

// A family type's field values as text: "Water 250 ml", "Hair washed", the
// choice's label; archived fields too (they are in the history).
function customParts(type, v) {
  const u = state.prefs.units;
  const parts = [];
  for (const f of TYPES[type].fields) {
    const x = v[f.key];
    if (x === undefined || x === null || x === '' || x === false) continue;
    const name = f.label || f.key;
    if (f.rule.kind === 'bool') parts.push(name);
    else if (f.rule.kind === 'enum') parts.push(f.optionLabels?.[x] || x);
    else if (typeof x === 'number') {
      const unit = f.rule.unit;
      const shown = ['ml', 'g', 'cm'].includes(unit) ? fmtUnit(x, unit, u) : `${fmtNumber(x)}${unit ? ` ${unit}` : ''}`;
      parts.push(`${name} ${shown}`);
    } else if (f.rule.kind === 'text') parts.push(x);
  }
  return parts;
}
export function typeIcon(type) {
  return TYPES[type]?.icon || '•';
}

export function title(e) {
  const v = e.value || {};
  const u = state.prefs.units;
  switch (e.type) {
    case 'feed':
      if (v.method === 'bottle')
        return [t('feed.bottle'), v.amount_ml ? fmtUnit(v.amount_ml, 'ml', u) : ''].filter(Boolean).join(' ');
      if (v.method === 'solids') return [t('feed.solids'), v.food || ''].filter(Boolean).join(': ');
      return isSession(v) ? t('feed.nursing') : t(`feed.${v.method || 'breast_left'}`);
    case 'diaper':
      return v.wet && v.dirty ? t('diaper.both') : v.dirty ? t('diaper.dirty') : t('diaper.wet');
    case 'sleep':
      return v.kind ? t(`sleep.${v.kind}`) : t('type.sleep');
    case 'pump':
      return [t('type.pump'), v.side ? t(`side.${v.side}`) : '', v.amount_ml ? fmtUnit(v.amount_ml, 'ml', u) : '']
        .filter(Boolean)
        .join(' · ');
    case 'growth':
      return (
        [
          v.weight_g ? fmtUnit(v.weight_g, 'g', u) : '',
          v.length_cm ? fmtUnit(v.length_cm, 'cm', u) : '',
          v.head_cm ? `${t('field.head_cm')} ${fmtUnit(v.head_cm, 'cm', u)}` : '',
        ]
          .filter(Boolean)
          .join(' · ') || typeName('growth')
      );
    case 'temperature':
      return v.celsius ? fmtUnit(v.celsius, 'celsius', u) : typeName('temperature');
    case 'medication':
      return [v.name, v.dose ? `${fmtNumber(v.dose)}${v.unit ? ` ${t(`unit.${v.unit}`)}` : ''}` : '']
        .filter(Boolean)
        .join(' ');
    case 'symptom':
      return v.text || typeName('symptom');
    case 'vitals':
      return (
        [
          v.heart_rate ? `${fmtNumber(v.heart_rate)} ${t('bpm')}` : '',
          v.bp_systolic ? `${fmtNumber(v.bp_systolic)}/${fmtNumber(v.bp_diastolic || 0)}` : '',
          v.spo2 ? `SpO₂ ${fmtNumber(v.spo2)}%` : '',
          v.glucose ? `${fmtNumber(v.glucose)} mmol/L` : '',
        ]
          .filter(Boolean)
          .join(' · ') || typeName('vitals')
      );
    case 'tummy_time':
      return v.milestone || typeName('tummy_time');
    case 'note':
      return v.text || typeName('note');
    case 'medication_dose':
      return [
        v.name || typeName('medication_dose'),
        v.dose ? `${fmtNumber(v.dose)}${v.unit ? ` ${v.unit}` : ''}` : '',
        t(`opt.status.${v.status === 'skipped' ? 'skipped' : 'given'}`),
      ]
        .filter(Boolean)
        .join(' · ');
    default:
      return TYPES[e.type]?.custom ? typeName(e.type) : e.type;
  }
}

export function detail(e, now = Date.now()) {
  const parts = [];
  const v = e.value || {};
  // A breastfeed: its time at the breast, each side's, and the side it is on
  // (or ended on).
  const run = isRunning(e);
  const s = e.type === 'feed' && isSession(v) ? sides(v, run, e.ts, now) : null;
  const d = s ? s[0] + s[1] + s[2] : run ? now - e.ts : (e.end_ts ?? e.ts) - e.ts;
  if (run) parts.push(t('running_for', { d: fmtDuration(d) }));
  else if (d > 0) parts.push(fmtDuration(d));
  if (s)
    parts.push(
      t('sides', { l: fmtDuration(s[0]), r: fmtDuration(s[1]) }),
      t('last_side', { side: t(`side.${v.method.slice(7)}`) }),
    );
  if (v.top_up) parts.push(t('top_up_short'));
  if (e.type === 'feed' && v.milk && v.method === 'bottle') parts.push(t(`milk.${v.milk}`));
  if (e.type === 'diaper' && v.colour) parts.push(t(`colour.${v.colour}`));
  if (e.type === 'temperature' && v.method) parts.push(t(`temp.${v.method}`));
  if (e.type === 'symptom' && v.severity) parts.push(t('severity_n', { n: v.severity }));
  if (e.type === 'medication_dose' && v.reason) parts.push(v.reason);
  if (TYPES[e.type]?.custom) parts.push(...customParts(e.type, v));
  if (v.notes) parts.push(v.notes);
  return parts.join(' · ');
}

// A quick button's text: the family's own label, or one made from its preset
// (the server's default buttons carry none).
export function buttonLabel(b) {
  if (b.label) return label(b.label);
  const v = b.value || {};
  if (b.type === 'feed') {
    if (v.method === 'breast_left') return t('btn.left');
    if (v.method === 'breast_right') return t('btn.right');
    if (v.method === 'bottle') return t('btn.bottle');
    if (v.method) return t(`feed.${v.method}`);
  }
  if (b.type === 'diaper') return v.wet && v.dirty ? t('btn.both') : v.dirty ? t('btn.dirty') : t('btn.wet');
  if (b.type === 'sleep') return t('btn.sleep');
  if (b.type === 'pump') return v.side ? `${t('btn.pump')} ${t(`side.${v.side}`)}` : t('btn.pump');
  return typeName(b.type);
}

// views/trends.js — 7 or 30 days of the charts that suit the person shown
// (the catalogue's person_views): for a baby sleep per day, feeds and
// bottle volume per day, diapers per day, the 24-hour rhythm of sleep and
// feeds, and growth (weight and length) against the WHO percentile curves
// for age and sex; for an adult blood pressure (systolic and diastolic),
// heart rate, SpO2, glucose, temperature and weight, each over its normal
// band for adults (the catalogue's `normal`), and sleep; volumes, weights,
// lengths and temperatures in the member's units. The day figures are the
// server's (GET /trends) when online and nothing of the period waits to
// sync, else the same figures from the local copy; readings are drawn from
// the local copy. The family's own types chart too, from their definition:
// a duration type's time per day, and the daily sum of each of its count
// and amount fields. With several people, everyone at once (views/who.js):
// the charts whose figures add up (sleep, feeds, bottles, diapers, the
// family's types), summed over the people.
import { t, fmtShortDay, fmtNumber, fmtHours, toInput, fmtTyped, inputUnit, unitsOf } from '../i18n.js';
import { kindOf, viewFor, normalBand, TYPES } from '../entries.js';
import { typeIcon, typeName } from '../describe.js';
import { html, nothing, paint, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import { get } from '../api.js';
import * as store from '../store.js';
import { trendsFor, rhythmRows, todayKey } from '../summary.js';
import { dayStart, addDays } from '../time.js';
import { barChart, rhythmChart, growthChart, readingsChart } from '../charts.js';
import { whoChoice, whoId, isEveryone, subjectIds } from './who.js';

// The charts of everyone at once: those whose figures add up.
const SUMMABLE = ['sleep', 'feeds', 'bottle_ml', 'diapers'];
const CONVERTED = ['ml', 'g', 'cm'];

let whoData = null;
async function who() {
  if (!whoData) whoData = fetch('/data/who.json').then((r) => r.json());
  return whoData;
}

const card = (titleKey, chart, legend = nothing) =>
  html`<section class="card"><h2>${t(titleKey)}</h2>${chart}${legend}</section>`;
const legendItem = (cls, text) => html`<span><i class=${cls}></i>${text}</span>`;

// Weight and length for age against the WHO curves, or what they need.
async function growth() {
  const subj = state.subject;
  if (!subj?.birth_date || !subj.sex) return card('chart.growth_who', html`<p class="muted">${t('growth_needs')}</p>`);
  const data = await who();
  const birth = Date.parse(`${subj.birth_date}T00:00:00Z`);
  const list = await store.listEntries(state.family.id, { types: ['growth'], subjectId: subj.id, limit: 500 });
  const ageDays = (e) => Math.max(0, Math.round((e.ts - birth) / 86400000));
  // In the member's units: the WHO curves (kg, cm) scaled alike.
  const u = state.prefs.units;
  const kg = unitsOf(u).weight === 'lb' ? 1 / 0.45359237 : 1;
  const cm = unitsOf(u).length === 'in' ? 1 / 2.54 : 1;
  const scaled = (c, k) =>
    Object.fromEntries(Object.entries(c).map(([p, v]) => [p, p === 'days' ? v : v.map((x) => x * k)]));
  const weights = list.filter((e) => e.value.weight_g).map((e) => [ageDays(e), (e.value.weight_g / 1000) * kg]);
  const lengths = list.filter((e) => e.value.length_cm).map((e) => [ageDays(e), e.value.length_cm * cm]);
  const wTitle = t('weight_for_age', { unit: inputUnit('g', u) });
  const lTitle = t('length_for_age', { unit: inputUnit('cm', u) });
  const ageLabel = (n, unit) => t(unit === 'weeks' ? 'age_weeks' : 'age_months', { n });
  return card(
    'chart.growth_who',
    html`
    <h3>${wTitle}</h3>${growthChart(scaled(data.weight_kg[subj.sex], kg), weights, { ariaLabel: wTitle, ageLabel })}
    <h3>${lTitle}</h3>${growthChart(scaled(data.length_cm[subj.sex], cm), lengths, { ariaLabel: lTitle, ageLabel })}
    <p class="legend">${legendItem('pt', subj.name)}<span class="muted">${t('who_curves')}</span></p>`,
  );
}

export function mount(root) {
  let days = 7;
  let charts = nothing;
  let source = '';

  const show = () =>
    paint(
      html`<div class="row between"><h1>${t('tab_trends')}</h1><a class="btn" href="#/day/${todayKey(tz())}">${t('today')}</a></div>
    <div class="seg" role="group" aria-label=${t('period')}>${[7, 30].map(
      (n) =>
        html`<button type="button" aria-pressed=${String(days === n)} @click=${() => {
          days = n;
          show();
          draw();
        }}>${t('last_n_days', { n })}</button>`,
    )}</div>
    ${whoChoice(() => {
      show();
      draw();
    })}
    <div data-source=${source || nothing}>${charts}</div>`,
      root,
    );

  const draw = latest(async () => {
    const zone = tz();
    const end = todayKey(zone);
    const list = await store.entriesSince(state.family.id, dayStart(addDays(end, -(days - 1)), zone) - 2 * 86400000);
    const report = await trendsFor({
      get,
      familyId: state.family.id,
      days,
      endKey: end,
      tz: zone,
      entries: list,
      subjectId: whoId(),
      subjects: subjectIds(),
      online: state.online,
    });
    source = report.source;
    const series = report.days;
    const dayLabel = (date) => fmtShortDay(dayStart(date, zone) + 43200000, zone);
    const labels = series.map((d) => dayLabel(d.date));
    const u = state.prefs.units;
    const rows = rhythmRows(series);
    const kind = kindOf(state.subject);
    const from = dayStart(addDays(end, -(days - 1)), zone);
    const to = dayStart(addDays(end, 1), zone);
    const every = Math.ceil(days / 7);
    const ticks = series
      .filter((_, i) => i % every === 0)
      .map((d) => ({ ts: dayStart(d.date, zone) + 43200000, label: dayLabel(d.date) }));
    const mine = list.filter(
      (e) => !e.deleted && e.ts >= from && e.ts < to && (!state.subject || e.subject_id === state.subject.id),
    );
    // One reading chart: the points of `field` in entries of `type`, over
    // the normal band of this kind of person.
    // A field with a unit is drawn in the unit the member reads it in.
    const readings = (name, type, fields, { format, unit } = {}) => {
      const conv = unit ? (v) => toInput(v, unit, u) : (v) => v;
      const sets = fields.map(([key, cls]) => ({
        cls,
        points: mine.filter((e) => e.type === type && e.value[key] != null).map((e) => [e.ts, conv(e.value[key])]),
        band: normalBand(type, key, kind)?.map(conv),
      }));
      if (!sets.some((x) => x.points.length))
        return card(`chart.${name}`, html`<p class="muted">${t('no_readings')}</p>`);
      const bands = sets.map((x) => x.band).filter(Boolean);
      const fmt = format || ((v) => (unit ? fmtTyped(v, unit, u) : fmtNumber(v)));
      const legend =
        fields.length > 1 || bands.length
          ? html`<p class="legend">${fields.length > 1 ? fields.map(([key, cls]) => legendItem(cls, t(key === 'bp_systolic' ? 'systolic' : 'diastolic'))) : nothing}${bands.length ? legendItem('normal', t('normal_band')) : nothing}</p>`
          : nothing;
      return card(
        `chart.${name}`,
        readingsChart(sets, { from, to, bands, ticks, format: fmt, ariaLabel: t(`chart.${name}`) }),
        legend,
      );
    };
    const CHARTS = {
      sleep: () =>
        card(
          'chart.sleep',
          barChart(
            series.map((d) => Math.round((d.sleep_ms / 3600000) * 10) / 10),
            { labels, cls: 'sleep', format: (v) => fmtHours(v), integer: true, ariaLabel: t('chart.sleep') },
          ),
        ),
      feeds: () =>
        card(
          'chart.feeds',
          barChart(
            series.map((d) => d.feeds),
            { labels, cls: 'feed', integer: true, ariaLabel: t('chart.feeds') },
          ),
        ),
      bottle_ml: () =>
        card(
          'chart.bottle_ml',
          barChart(
            series.map((d) => toInput(d.bottle_ml, 'ml', u)),
            {
              labels,
              cls: 'feed',
              format: (v) => fmtTyped(v, 'ml', u),
              integer: true,
              ariaLabel: t('chart.bottle_ml'),
            },
          ),
        ),
      diapers: () =>
        card(
          'chart.diapers',
          barChart(
            series.map((d) => d.diapers),
            { labels, cls: 'diaper', integer: true, ariaLabel: t('chart.diapers') },
          ),
        ),
      rhythm: () =>
        card(
          'chart.rhythm',
          rhythmChart(rows, {
            labels: rows.map((r) => dayLabel(r.date)),
            hourLabel: (hr) => fmtNumber(hr),
            ariaLabel: t('chart.rhythm'),
          }),
          html`<p class="legend">${legendItem('sleep', t('type.sleep'))}${legendItem('pt', t('type.feed'))}</p>`,
        ),
      growth_who: growth,
      blood_pressure: () =>
        readings('blood_pressure', 'vitals', [
          ['bp_systolic', 'sys'],
          ['bp_diastolic', 'dia'],
        ]),
      heart_rate: () => readings('heart_rate', 'vitals', [['heart_rate', '']]),
      spo2: () => readings('spo2', 'vitals', [['spo2', '']], { format: (v) => `${fmtNumber(v)}%` }),
      glucose: () => readings('glucose', 'vitals', [['glucose', '']]),
      temperature: () => readings('temperature', 'temperature', [['celsius', '']], { unit: 'celsius' }),
      // kg (or lb) on the axis: grams would print as long labels.
      weight: () => readings('weight', 'growth', [['weight_g', '']], { unit: 'g' }),
    };
    // A family type's charts: its time per day (a duration type) and the
    // daily sum of each count and amount field; archived ones only when
    // they hold something in the period.
    const own = (ty) => {
      const def = TYPES[ty];
      const per = (f) => series.map((d) => f(d.custom?.[ty] || { count: 0, duration_ms: 0, fields: {} }));
      const any = per((c) => c.count).some((v) => v > 0);
      if (def.custom.archived && !any) return [];
      const name = `${typeIcon(ty)} ${typeName(ty)}`;
      const chart = (label, values, opts) =>
        html`<section class="card" data-chart=${ty}><h2>${name} · ${label}</h2>${barChart(values, { labels, ariaLabel: `${typeName(ty)} · ${label}`, ...opts })}</section>`;
      const out = [];
      if (def.timed)
        out.push(
          chart(
            t('acttype.time'),
            per((c) => Math.round((c.duration_ms / 3600000) * 10) / 10),
            { format: (v) => fmtHours(v) },
          ),
        );
      for (const f of def.fields) {
        if (f.kind === 'hidden' || (f.rule.kind !== 'int' && f.rule.kind !== 'number')) continue;
        const unit = CONVERTED.includes(f.rule.unit) ? f.rule.unit : null;
        out.push(
          chart(
            f.label || f.key,
            per((c) => (unit ? toInput(c.fields[f.key] || 0, unit, u) : c.fields[f.key] || 0)),
            {
              integer: f.rule.kind === 'int' || !!unit,
              format: unit ? (v) => fmtTyped(v, unit, u) : (v) => fmtNumber(v),
            },
          ),
        );
      }
      return out;
    };
    const made = [];
    const names = isEveryone() ? SUMMABLE : viewFor(kind).charts;
    for (const name of names) if (CHARTS[name]) made.push(await CHARTS[name]());
    for (const ty of Object.keys(TYPES)) if (TYPES[ty].custom) made.push(...own(ty));
    charts = html`${made}`;
    show();
  });

  show();
  const off = on(['entries', 'subject', 'online', 'acttypes'], draw);
  draw();
  return off;
}

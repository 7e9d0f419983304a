// views/trends.js — 7 or 30 days: sleep per day, feeds and bottle ml per
// day, diapers per day, the 24-hour rhythm of sleep and feeds, and growth
// (weight and length) against the WHO percentile curves for age and sex.
import { t, fmtShortDay, fmtNumber, fmtHours, fmtUnit } from '../i18n.js';
import { h, fill, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import * as store from '../store.js';
import { trends, rhythm, todayKey } from '../summary.js';
import { dayStart, addDays } from '../time.js';
import { barChart, rhythmChart, growthChart } from '../charts.js';

let whoData = null;
async function who() {
  if (!whoData) whoData = fetch('/data/who.json').then((r) => r.json());
  return whoData;
}

export function render(main) {
  let days = 7;
  const box = h('div');
  const seg = h('div', { class: 'seg', role: 'group', 'aria-label': t('period') });
  function drawSeg() {
    fill(seg, ...[7, 30].map((n) => h('button', { type: 'button', 'aria-pressed': String(days === n), onclick: () => { days = n; drawSeg(); draw(); } }, t('last_n_days', { n }))));
  }
  main.append(h('div', { class: 'row between' }, h('h1', {}, t('tab_trends')), h('a', { class: 'btn', href: `#/day/${todayKey(tz())}` }, t('today'))), seg, box);
  drawSeg();

  const draw = latest(async () => {
    const fid = state.family.id;
    const sid = state.subject && state.subject.id;
    const end = todayKey(tz());
    const from = dayStart(addDays(end, -(days - 1)), tz()) - 86400000;
    const list = await store.entriesSince(fid, from);
    const series = trends(list, days, end, tz(), { subjectId: sid });
    const labels = series.map((d) => fmtShortDay(dayStart(d.date, tz()) + 43200000, tz()));
    const u = state.prefs.units;
    const card = (titleKey, chart, legend = null) => h('section', { class: 'card' }, h('h2', {}, t(titleKey)), chart, legend);
    const rows = rhythm(list, days, end, tz(), { subjectId: sid });
    fill(box, 
      card('chart_sleep', barChart(series.map((d) => Math.round((d.sleep_min / 60) * 10) / 10), { labels, cls: 'sleep', format: (v) => fmtHours(v), ariaLabel: t('chart_sleep') })),
      card('chart_feeds', barChart(series.map((d) => d.feeds), { labels, cls: 'feed', ariaLabel: t('chart_feeds') })),
      card('chart_ml', barChart(series.map((d) => d.bottle_ml), { labels, cls: 'feed', format: (v) => fmtUnit(v, 'ml', u), ariaLabel: t('chart_ml') })),
      card('chart_diapers', barChart(series.map((d) => d.diapers), { labels, cls: 'diaper', ariaLabel: t('chart_diapers') })),
      card('chart_rhythm', rhythmChart(rows, { labels: rows.map((r) => fmtShortDay(dayStart(r.date, tz()) + 43200000, tz())), hourLabel: (hr) => fmtNumber(hr), ariaLabel: t('chart_rhythm') }),
        h('p', { class: 'legend' }, h('span', {}, h('i', { class: 'sleep' }), t('type.sleep')), h('span', {}, h('i', { class: 'pt' }), t('type.feed')))),
      await growthSection(),
    );
  });

  async function growthSection() {
    const subj = state.subject;
    const sec = h('section', { class: 'card' }, h('h2', {}, t('chart_growth')));
    if (!subj || !subj.birth_date || !subj.sex) {
      sec.append(h('p', { class: 'muted' }, t('growth_needs')));
      return sec;
    }
    const data = await who();
    const birth = Date.parse(`${subj.birth_date}T00:00:00Z`);
    const list = await store.listEntries(state.family.id, { types: ['growth'], subjectId: subj.id, limit: 500 });
    const ageDays = (e) => Math.max(0, Math.round((e.ts - birth) / 86400000));
    const weights = list.filter((e) => e.value.weight_g).map((e) => [ageDays(e), e.value.weight_g / 1000]);
    const lengths = list.filter((e) => e.value.length_cm).map((e) => [ageDays(e), e.value.length_cm]);
    const ageLabel = (d) => (d < 120 ? t('age_weeks', { n: Math.round(d / 7) }) : t('age_months', { n: Math.round(d / 30.4375) }));
    sec.append(
      h('h3', {}, t('weight_for_age')),
      growthChart(data.weight_kg[subj.sex], weights, { ariaLabel: t('weight_for_age'), ageLabel }),
      h('h3', {}, t('length_for_age')),
      growthChart(data.length_cm[subj.sex], lengths, { ariaLabel: t('length_for_age'), ageLabel }),
      h('p', { class: 'legend' }, h('span', {}, h('i', { class: 'pt' }), subj.name), h('span', { class: 'muted' }, t('who_curves'))),
    );
    return sec;
  }

  const offs = ['entries', 'subject'].map((ev) => on(ev, draw));
  draw();
  return () => offs.forEach((off) => off());
}

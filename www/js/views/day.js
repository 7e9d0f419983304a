// views/day.js — one day for the current person: totals and the 24-hour
// grid (sleep per hour and what happened in each hour), in the family zone.
import { t, fmtWeekday, fmtDuration, fmtUnit, fmtNumber, fmtTime } from '../i18n.js';
import { html, nothing, paint, icon, css, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import * as store from '../store.js';
import { daySummary, todayKey } from '../summary.js';
import { dayStart, dayEnd, addDays } from '../time.js';
import { title, typeIcon } from '../describe.js';
import { openEntryForm } from './form.js';

const stat = (value, label) => html`<div><b>${value}</b><small>${label}</small></div>`;

export function mount(root, { params }) {
  const key = /^\d{4}-\d{2}-\d{2}$/.test(params[0] || '') ? params[0] : todayKey(tz());

  const hourRow = (hr, lo) => html`<li>
    <span class="h">${fmtTime(lo + hr.hour * 3600000, tz())}</span>
    <div>${hr.sleep_min ? html`<div class="sleepbar" title=${t('asleep_min', { n: hr.sleep_min })} ${css({ 'inline-size': `${Math.round((hr.sleep_min / 60) * 100)}%` })}></div>` : nothing}<div class="items">${hr.entries.map(
      (e) =>
        html`<button class="pill" type="button" aria-label="${title(e)} ${fmtTime(e.ts, tz())}" @click=${() => openEntryForm({ entry: e })}><span aria-hidden="true">${typeIcon(e.type)}</span>${title(e)}</button>`,
    )}</div></div>
  </li>`;

  const view = (s, lo) => {
    const tt = s.totals;
    const u = state.prefs.units;
    return html`<div class="daynav">
      <a class="icon-btn" href="#/day/${addDays(key, -1)}" aria-label=${t('previous_day')}>${icon('back')}</a>
      <h1>${fmtWeekday(lo + 12 * 3600000, tz())}</h1>
      ${key < todayKey(tz()) ? html`<a class="icon-btn" href="#/day/${addDays(key, 1)}" aria-label=${t('next_day')}>${icon('next')}</a>` : html`<span class="icon-btn"></span>`}
    </div>
    <section class="card"><h2>${t('totals')}</h2><div class="totals">
      ${stat(fmtDuration(tt.sleep_min * 60000), t('sleep_total'))}
      ${stat(fmtNumber(tt.naps), t('sleeps'))}
      ${stat(fmtNumber(tt.feeds), t('feeds'))}
      ${stat(fmtUnit(tt.bottle_ml, 'ml', u), t('bottles'))}
      ${stat(fmtDuration(tt.breast_min * 60000), t('breast_time'))}
      ${stat(fmtNumber(tt.diapers), t('diapers'))}
      ${stat(`${fmtNumber(tt.wet)} / ${fmtNumber(tt.dirty)}`, t('wet_dirty'))}
      ${tt.pump_ml ? stat(fmtUnit(tt.pump_ml, 'ml', u), t('pumped')) : nothing}
      ${tt.meds ? stat(fmtNumber(tt.meds), t('type.medication')) : nothing}
    </div></section>
    <section class="card"><h2>${t('hour_grid')}</h2><ol class="hours">${s.hours.map((hr) => hourRow(hr, lo))}</ol></section>
    <p><a class="btn block" href="#/trends">${t('see_trends')}</a></p>`;
  };

  const draw = latest(async () => {
    const lo = dayStart(key, tz());
    const list = (await store.entriesSince(state.family.id, lo - 2 * 86400000)).filter((e) => e.ts < dayEnd(key, tz()));
    paint(view(daySummary(list, key, tz(), { subjectId: state.subject?.id }), lo), root);
  });
  const off = on(['entries', 'subject'], draw);
  draw();
  return off;
}

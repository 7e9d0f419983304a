// views/day.js — one day for the current person: totals and the hour grid
// (sleep per hour and what happened in each hour), in the family zone. The
// figures are the server's (GET /summary) when online and nothing of the
// day waits to sync, else the same figures computed from the local copy.
import { t, fmtWeekday, fmtDuration, fmtUnit, fmtNumber, fmtTime } from '../i18n.js';
import { html, nothing, paint, icon, css, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import { get } from '../api.js';
import * as store from '../store.js';
import { summaryFor, todayKey } from '../summary.js';
import { dayStart, dayEnd, addDays } from '../time.js';
import { title, typeIcon } from '../describe.js';
import { openEntryForm } from './form.js';

const stat = (name, value, label) => html`<div data-stat=${name}><b>${value}</b><small>${label}</small></div>`;

export function mount(root, { params }) {
  const key = /^\d{4}-\d{2}-\d{2}$/.test(params[0] || '') ? params[0] : todayKey(tz());

  // An hour's entries: the local copies (an event the local copy does not
  // hold yet is shown, not opened).
  const pill = (e) => {
    const label = `${title(e)} ${fmtTime(e.ts, tz())}`;
    const body = html`<span aria-hidden="true">${typeIcon(e.type)}</span>${title(e)}`;
    return e.value
      ? html`<button class="pill" type="button" aria-label=${label} @click=${() => openEntryForm({ entry: e })}>${body}</button>`
      : html`<span class="pill" aria-label=${label}>${body}</span>`;
  };

  const hourRow = (hr) => html`<li>
    <span class="h">${fmtTime(hr.start, tz())}</span>
    <div>${hr.sleep_min ? html`<div class="sleepbar" title=${t('asleep_min', { n: hr.sleep_min })} ${css({ 'inline-size': `${Math.min(100, Math.round((hr.sleep_min / 60) * 100))}%` })}></div>` : nothing}<div class="items">${hr.entries.map(pill)}</div></div>
  </li>`;

  const view = (s) => {
    const tt = s.totals;
    const u = state.prefs.units;
    return html`<div class="daynav">
      <a class="icon-btn" href="#/day/${addDays(key, -1)}" aria-label=${t('previous_day')}>${icon('back')}</a>
      <h1>${fmtWeekday(s.day_start + 12 * 3600000, tz())}</h1>
      ${key < todayKey(tz()) ? html`<a class="icon-btn" href="#/day/${addDays(key, 1)}" aria-label=${t('next_day')}>${icon('next')}</a>` : html`<span class="icon-btn"></span>`}
    </div>
    <section class="card" data-source=${s.source}><h2>${t('totals')}</h2><div class="totals">
      ${stat('sleep', fmtDuration(tt.sleep_ms), t('sleep_total'))}
      ${stat('naps', fmtNumber(tt.naps), t('naps'))}
      ${stat('night_sleeps', fmtNumber(tt.night_sleeps), t('night_sleeps'))}
      ${stat('feeds', fmtNumber(tt.feeds), t('feeds'))}
      ${stat('bottle_ml', fmtUnit(tt.bottle_ml, 'ml', u), t('bottles'))}
      ${stat('breast', fmtDuration(tt.breast_left_ms + tt.breast_right_ms + tt.breast_both_ms), t('breast_time'))}
      ${stat('diapers', fmtNumber(tt.diapers), t('diapers'))}
      ${stat('wet_dirty', `${fmtNumber(tt.wet)} / ${fmtNumber(tt.dirty)}`, t('wet_dirty'))}
      ${tt.pump_ml ? stat('pump_ml', fmtUnit(tt.pump_ml, 'ml', u), t('pumped')) : nothing}
      ${tt.medications ? stat('medications', fmtNumber(tt.medications), t('type.medication')) : nothing}
    </div></section>
    <section class="card"><h2>${t('hour_grid')}</h2><ol class="hours">${s.hours.map(hourRow)}</ol></section>
    <p><a class="btn block" href="#/trends">${t('see_trends')}</a></p>`;
  };

  const draw = latest(async () => {
    const zone = tz();
    const lo = dayStart(key, zone);
    const hi = dayEnd(key, zone);
    const list = (await store.entriesSince(state.family.id, lo - 2 * 86400000)).filter((e) => e.ts < hi);
    const s = await summaryFor({
      get,
      familyId: state.family.id,
      key,
      tz: zone,
      entries: list,
      subjectId: state.subject?.id,
      online: state.online,
    });
    paint(view(s), root);
  });
  const off = on(['entries', 'subject', 'online'], draw);
  draw();
  return off;
}

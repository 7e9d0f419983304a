// views/day.js — one day for the current person: totals and the 24-hour
// grid (sleep per hour and what happened in each hour), in the family zone.
import { t, fmtWeekday, fmtDuration, fmtUnit, fmtNumber, fmtTime } from '../i18n.js';
import { h, fill, icon, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import * as store from '../store.js';
import { daySummary, todayKey } from '../summary.js';
import { dayStart, dayEnd, addDays } from '../time.js';
import { title, typeIcon } from '../describe.js';
import { openEntryForm } from './form.js';

export function render(main, { params }) {
  const key = /^\d{4}-\d{2}-\d{2}$/.test(params[0] || '') ? params[0] : todayKey(tz());
  const box = h('div');
  main.append(box);

  const draw = latest(async () => {
    const fid = state.family.id;
    const lo = dayStart(key, tz());
    const list = (await store.entriesSince(fid, lo - 2 * 86400000)).filter((e) => e.ts < dayEnd(key, tz()));
    const s = daySummary(list, key, tz(), { subjectId: state.subject && state.subject.id });
    const tt = s.totals;
    const u = state.prefs.units;
    const today = todayKey(tz());
    fill(box, 
      h('div', { class: 'daynav' },
        h('a', { class: 'icon-btn', href: `#/day/${addDays(key, -1)}`, 'aria-label': t('previous_day') }, icon('back')),
        h('h1', {}, fmtWeekday(lo + 12 * 3600000, tz())),
        key < today ? h('a', { class: 'icon-btn', href: `#/day/${addDays(key, 1)}`, 'aria-label': t('next_day') }, icon('next')) : h('span', { class: 'icon-btn' })),
      h('section', { class: 'card' }, h('h2', {}, t('totals')), h('div', { class: 'totals' },
        stat(fmtDuration(tt.sleep_min * 60000), t('sleep_total')),
        stat(fmtNumber(tt.naps), t('sleeps')),
        stat(fmtNumber(tt.feeds), t('feeds')),
        stat(fmtUnit(tt.bottle_ml, 'ml', u), t('bottles')),
        stat(fmtDuration(tt.breast_min * 60000), t('breast_time')),
        stat(fmtNumber(tt.diapers), t('diapers')),
        stat(`${fmtNumber(tt.wet)} / ${fmtNumber(tt.dirty)}`, t('wet_dirty')),
        tt.pump_ml ? stat(fmtUnit(tt.pump_ml, 'ml', u), t('pumped')) : null,
        tt.meds ? stat(fmtNumber(tt.meds), t('type.medication')) : null)),
      h('section', { class: 'card' }, h('h2', {}, t('hour_grid')),
        h('ol', { class: 'hours' }, s.hours.map((hr) => {
          const bar = h('div', { class: 'sleepbar', title: t('asleep_min', { n: hr.sleep_min }) });
          bar.style.inlineSize = `${Math.round((hr.sleep_min / 60) * 100)}%`;
          return h('li', {},
            h('span', { class: 'h' }, fmtTime(lo + hr.hour * 3600000, tz())),
            h('div', {}, hr.sleep_min ? bar : null, h('div', { class: 'items' }, hr.entries.map((e) => h('button', {
              class: 'pill', type: 'button', onclick: () => openEntryForm({ entry: e }), 'aria-label': `${title(e)} ${fmtTime(e.ts, tz())}`,
            }, h('span', { 'aria-hidden': 'true' }, typeIcon(e.type)), title(e))))));
        }))),
      h('p', {}, h('a', { class: 'btn block', href: '#/trends' }, t('see_trends'))));
  });
  function stat(v, l) { return h('div', {}, h('b', {}, v), h('small', {}, l)); }
  const offs = ['entries', 'subject'].map((ev) => on(ev, draw));
  draw();
  return () => offs.forEach((off) => off());
}

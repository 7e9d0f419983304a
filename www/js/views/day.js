// views/day.js — one day for the current person (or, with several people,
// everyone at once: views/who.js), in the family zone: its
// totals, the day at a glance (sleep, feeds and diapers on one strip) and
// what happened, in order, each with its time (a quiet stretch of two
// hours or more is one line, not empty rows). The figures are the server's
// (GET /summary) when online and nothing of the day waits to sync, else
// the same figures computed from the local copy. For everyone: the figures
// added up, each person's own beside them, and the log names whose entry
// each is.
import { t, fmtWeekday, fmtDuration, fmtUnit, fmtNumber, fmtTime } from '../i18n.js';
import { html, nothing, paint, icon, latest } from '../ui.js';
import { state, on, tz } from '../state.js';
import { get } from '../api.js';
import * as store from '../store.js';
import { summaryFor, todayKey } from '../summary.js';
import { dayStart, dayEnd, addDays } from '../time.js';
import { title, detail, typeIcon, typeName } from '../describe.js';
import { TYPES } from '../entries.js';
import { glance } from '../glance.js';
import { openEntryForm } from './form.js';
import { whoChoice, whoId, isEveryone, subjectIds, nameOf } from './who.js';

const stat = (name, value, label) => html`<div data-stat=${name}><b>${value}</b><small>${label}</small></div>`;
const QUIET = 2 * 3600000;

export function mount(root, { params }) {
  const key = /^\d{4}-\d{2}-\d{2}$/.test(params[0] || '') ? params[0] : todayKey(tz());

  // An entry of the day: the local copy (an event the local copy does not
  // hold yet is shown, not opened), after a line for a quiet stretch.
  const row = (e, i, list) => {
    const prev = list[i - 1];
    const quiet = prev && e.ts - (prev.end_ts ?? prev.ts) >= QUIET ? e.ts - (prev.end_ts ?? prev.ts) : 0;
    const who = isEveryone() && e.subject_id ? `${nameOf(e.subject_id)}: ` : '';
    const label = `${who}${title(e)} ${fmtTime(e.ts, tz())}`;
    const body = html`<span aria-hidden="true">${typeIcon(e.type)}</span>${who}${title(e)}`;
    return html`${quiet ? html`<li class="gap"><span class="h"></span><span class="muted">${t('quiet_for', { d: fmtDuration(quiet) })}</span></li>` : nothing}
    <li><span class="h">${fmtTime(e.ts, tz())}</span><div>${
      e.value
        ? html`<button class="pill" type="button" aria-label=${label} @click=${() => openEntryForm({ entry: e })}>${body}</button>`
        : html`<span class="pill" aria-label=${label}>${body}</span>`
    }${e.value && detail(e) ? html`<small class="muted" dir="auto">${detail(e)}</small>` : nothing}</div></li>`;
  };

  // The family's own types: how many, their time, their amounts and counts.
  const customTotals = (custom) => {
    const names = Object.keys(custom).filter((ty) => TYPES[ty]);
    if (!names.length) return nothing;
    const u = state.prefs.units;
    const amount = (f, v) => (['ml', 'g', 'cm'].includes(f.rule.unit) ? fmtUnit(v, f.rule.unit, u) : fmtNumber(v));
    return html`<section class="card" data-custom-totals><h2>${t('cat.custom')}</h2><div class="totals">${names.map(
      (ty) => {
        const c = custom[ty];
        const fields = TYPES[ty].fields.filter((f) => c.fields[f.key] !== undefined);
        return html`${stat(`${ty}-count`, fmtNumber(c.count), `${typeIcon(ty)} ${typeName(ty)}`)}
        ${TYPES[ty].timed ? stat(`${ty}-time`, fmtDuration(c.duration_ms), `${typeName(ty)} · ${t('acttype.time')}`) : nothing}
        ${fields.map((f) => stat(`${ty}-${f.key}`, amount(f, c.fields[f.key]), `${typeName(ty)} · ${f.label || f.key}`))}`;
      },
    )}</div></section>`;
  };

  // Everyone: each person's own figures, a row each.
  const perPerson = (people) => {
    const u = state.prefs.units;
    return html`<section class="card" data-people><h2>${t('people_side_by_side')}</h2><table class="people-totals">
      <thead><tr><th></th><th>${t('feeds')}</th><th>${t('bottles')}</th><th>${t('sleep_total')}</th><th>${t('diapers')}</th></tr></thead>
      <tbody>${people.map(
        (p) => html`<tr data-subject=${p.subject_id}><th scope="row">${nameOf(p.subject_id)}</th>
        <td>${fmtNumber(p.totals.feeds)}</td><td>${fmtUnit(p.totals.bottle_ml, 'ml', u)}</td>
        <td>${fmtDuration(p.totals.sleep_ms)}</td><td>${fmtNumber(p.totals.diapers)}</td></tr>`,
      )}</tbody></table></section>`;
  };

  const view = (s, list) => {
    const tt = s.totals;
    const u = state.prefs.units;
    const byId = new Map(list.map((e) => [e.id, e]));
    const events = s.hours
      .flatMap((h) => h.events.map((ev) => byId.get(ev.id) || ev))
      .sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
    return html`<div class="daynav">
      <a class="icon-btn" href="#/day/${addDays(key, -1)}" aria-label=${t('previous_day')}>${icon('back')}</a>
      <h1>${fmtWeekday(s.day_start + 12 * 3600000, tz())}</h1>
      ${key < todayKey(tz()) ? html`<a class="icon-btn" href="#/day/${addDays(key, 1)}" aria-label=${t('next_day')}>${icon('next')}</a>` : html`<span class="icon-btn"></span>`}
    </div>
    ${whoChoice(draw)}
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
    ${customTotals(s.custom || {})}
    ${s.people ? perPerson(s.people) : nothing}
    <section class="card"><h2>${t('day_glance')}</h2>${glance(list, s.day_start, s.day_end, tz(), { label: t('day_glance'), now: s.now })}</section>
    <section class="card"><h2>${t('day_log')}</h2>${
      events.length ? html`<ol class="daylog">${events.map(row)}</ol>` : html`<p class="empty">${t('nothing_yet')}</p>`
    }</section>
    <p><a class="btn block" href="#/trends">${t('see_trends')}</a></p>`;
  };

  const draw = latest(async () => {
    const zone = tz();
    const lo = dayStart(key, zone);
    const hi = dayEnd(key, zone);
    const sid = whoId();
    const all = isEveryone();
    const list = (await store.entriesSince(state.family.id, lo - 2 * 86400000)).filter((e) => e.ts < hi);
    const s = await summaryFor({
      get,
      familyId: state.family.id,
      key,
      tz: zone,
      entries: list,
      subjectId: sid,
      subjects: subjectIds(),
      online: state.online,
    });
    paint(
      view(
        s,
        list.filter((e) => all || !sid || e.subject_id === sid),
      ),
      root,
    );
  });
  const off = on(['entries', 'subject', 'online', 'acttypes'], draw);
  draw();
  return off;
}

// views/home.js — the screen for one person: running timers with a live
// clock (switch side, stop), time since the last feed / diaper / sleep, the
// family's quick-log buttons (tap logs with the preset, long press opens the
// full form), today's totals, and the install hint.
import { t, has, fmtClock, fmtDuration, fmtUnit, fmtRelative } from '../i18n.js';
import { h, fill, icon, pressable, latest } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { running, start, stop, switchSide, log } from '../actions.js';
import { openEntryForm, openTypePicker, lastBottleMl } from './form.js';
import { title, typeIcon, buttonLabel } from '../describe.js';
import { validate, cleanValue } from '../entries.js';
import { daySummary, todayKey, sinceLast } from '../summary.js';
import { dayStart } from '../time.js';
import { canInstall, install, needsIosInstructions } from '../pwa.js';

export function render(main, { action }) {
  const root = h('div', { class: 'home' });
  const hints = h('div', { hidden: true });
  main.append(h('h1', { class: 'visually-hidden' }, t('tab_home')), root);
  main.append(hints);
  let clockTimer = null;
  let timers = [];

  const draw = latest(async () => {
      if (!state.family) return;
      const fid = state.family.id;
      const sid = state.subject && state.subject.id;
      const now = Date.now();
      const key = todayKey(tz(), now);
      const recent = await store.entriesSince(fid, dayStart(key, tz()) - 2 * 86400000);
      timers = await running();
      const summary = daySummary(recent, key, tz(), { subjectId: sid, now });
      const lasts = {};
      for (const type of ['feed', 'diaper', 'sleep']) {
        const last = await store.latestOfType(fid, type, sid);
        lasts[type] = last ? sinceLast([last], type, now) : null;
      }
      const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
      fill(root, 
        state.subject ? null : h('div', { class: 'card' }, h('p', {}, t('no_people_yet')), h('a', { class: 'btn primary', href: '#/pick' }, t('choose_person_short'))),
        timersCard(),
        sinceRow(lasts, now),
        canWrite() && state.subject ? quickButtons() : null,
        canWrite() && state.subject ? h('div', { class: 'fab-row' },
          h('button', { class: 'btn', type: 'button', onclick: openTypePicker }, icon('plus'), t('log_other'))) : null,
        totalsCard(summary.totals, key),
        installCard(),
      );
      if (focusKey) { const el = root.querySelector(`[data-key="${CSS.escape(focusKey)}"]`); if (el) el.focus(); }
      // For tools/bench-pwa.mjs: the first moment the home screen can be used.
      if (state.subject && !performance.getEntriesByName('carelog:home-usable').length) performance.mark('carelog:home-usable');
      tick();
  });

  function timersCard() {
    if (!timers.length) return null;
    return h('section', { 'aria-label': t('running_timers') }, timers.map((e) => {
      const isFeed = e.type === 'feed';
      return h('div', { class: `card timer ${e.type}`, dataset: { timer: e.id } },
        h('span', { class: 'emoji', 'aria-hidden': 'true' }, typeIcon(e.type)),
        h('div', { class: 'what' }, h('div', {}, h('strong', {}, title(e))), h('div', { class: 'clock', dataset: { since: String(e.ts) }, role: 'timer', 'aria-live': 'off' }, fmtClock(Date.now() - e.ts))),
        canWrite() ? h('div', { class: 'actions' },
          isFeed ? h('button', { class: 'btn', type: 'button', dataset: { key: `switch-${e.id}` }, onclick: () => switchSide(e) }, icon('swap'), t('switch_side')) : null,
          h('button', { class: 'btn primary', type: 'button', dataset: { key: `stop-${e.id}` }, 'aria-label': `${t('stop')} ${title(e)}`, onclick: () => stop(e) }, icon('stop'), t('stop'))) : null);
    }));
  }

  function sinceRow(lasts, now) {
    const cell = (type, key) => {
      const s = lasts[type];
      const text = !s ? '—' : s.running ? t('now_running') : fmtDuration(s.ms);
      return h('div', { title: s && !s.running ? fmtRelative(now - (s.entry.end_ts ?? s.entry.ts)) : '' }, h('small', {}, t(key)), h('b', {}, text));
    };
    return h('section', { class: 'since', 'aria-label': t('time_since') }, cell('feed', 'since_feed'), cell('diaper', 'since_diaper'), cell('sleep', 'since_sleep'));
  }

  function isActive(btn) {
    return timers.find((e) => e.type === btn.type && (btn.type !== 'feed' || e.value.method === btn.value.method) && (btn.type !== 'pump' || !btn.value.side || e.value.side === btn.value.side));
  }

  const hintIds = new Map();
  function hintId(hint) {
    if (!hintIds.has(hint)) {
      const id = `qhint-${hintIds.size}`;
      hintIds.set(hint, id);
      hints.append(h('span', { id }, `${hint}. ${t('long_press_hint')}`));
    }
    return hintIds.get(hint);
  }

  function quickButtons() {
    const groups = (state.config && state.config.groups) || [];
    return groups.map((g, gi) => h('section', { class: 'quick-group' },
      h('h2', {}, has(`cat.${g.category}`) ? t(`cat.${g.category}`) : has(`type.${g.category}`) ? t(`type.${g.category}`) : g.category),
      h('div', { class: 'quick' }, g.buttons.map((b, bi) => {
        const active = b.timing ? isActive(b) : null;
        const text = buttonLabel(b);
        const hint = b.timing ? (active ? t('tap_to_stop') : t('tap_to_start')) : t('tap_to_log');
        // The name is the visible text; what a tap and a long press do is
        // the description.
        const el = h('button', { class: `qbtn ${b.type} ${active ? 'running' : ''}`, type: 'button', dataset: { key: `q-${gi}-${bi}` },
          'aria-describedby': hintId(hint), 'aria-pressed': b.timing ? String(!!active) : null },
          h('span', { class: 'emoji', 'aria-hidden': 'true' }, typeIcon(b.type)),
          h('span', {}, text),
          h('small', { dataset: active ? { since: String(active.ts) } : {} }, active ? fmtClock(Date.now() - active.ts) : b.type === 'feed' && b.value.method === 'bottle' && !b.value.amount_ml ? '…' : ''));
        pressable(el, () => tap(b, active), () => openEntryForm({ type: b.type, preset: b.value }));
        if (b.type === 'feed' && b.value.method === 'bottle' && !b.value.amount_ml) {
          lastBottleMl().then((ml) => { el.querySelector('small').textContent = fmtUnit(ml, 'ml', state.prefs.units); });
        }
        return el;
      }))));
  }

  async function tap(b, active) {
    if (b.timing) {
      if (active) await stop(active);
      else await start(b.type, { ...b.value });
      return;
    }
    const value = { ...b.value };
    if (b.type === 'feed' && value.method === 'bottle' && !value.amount_ml) value.amount_ml = await lastBottleMl();
    // A preset that is not a whole entry (a temperature without a reading)
    // opens the form instead.
    if (Object.keys(validate(b.type, value)).length) {
      openEntryForm({ type: b.type, preset: value });
      return;
    }
    await log(b.type, cleanValue(b.type, value));
  }

  function totalsCard(tt, key) {
    const u = state.prefs.units;
    return h('section', { class: 'card' },
      h('div', { class: 'row between' }, h('h2', {}, t('today')), h('a', { class: 'tap', href: `#/day/${key}` }, t('day_details'))),
      h('div', { class: 'totals' },
        h('div', {}, h('b', {}, String(tt.feeds)), h('small', {}, t('feeds'))),
        h('div', {}, h('b', {}, fmtUnit(tt.bottle_ml, 'ml', u)), h('small', {}, t('bottles'))),
        h('div', {}, h('b', {}, fmtDuration(tt.sleep_min * 60000)), h('small', {}, t('sleep_total'))),
        h('div', {}, h('b', {}, `${tt.wet} / ${tt.dirty}`), h('small', {}, t('wet_dirty')))));
  }

  function installCard() {
    if (canInstall()) {
      return h('section', { class: 'card row between' }, h('span', {}, t('install_text')),
        h('button', { class: 'btn primary', type: 'button', id: 'install', onclick: async () => { await install(); draw(); } }, icon('download'), t('install')));
    }
    if (needsIosInstructions() && !localStorage.getItem('carelog.iosHint')) {
      return h('section', { class: 'card' }, h('p', {}, t('ios_install')),
        h('button', { class: 'btn', type: 'button', onclick: () => { localStorage.setItem('carelog.iosHint', '1'); draw(); } }, t('got_it')));
    }
    return null;
  }

  // One clock for every running timer, once a second.
  function tick() {
    for (const el of root.querySelectorAll('[data-since]')) el.textContent = fmtClock(Date.now() - Number(el.dataset.since));
  }
  clockTimer = setInterval(tick, 1000);
  const sinceTimer = setInterval(draw, 30000);

  const offs = ['entries', 'subject', 'config', 'family', 'installable', 'subjects'].map((ev) => on(ev, () => draw()));
  draw().then(async () => {
    if (!action || !canWrite() || !state.subject) return;
    if (action.kind === 'log') openEntryForm({ type: action.type });
    if (action.kind === 'start') {
      if (!timers.some((e) => e.type === action.type)) await start(action.type, {});
    }
  });
  return () => { clearInterval(clockTimer); clearInterval(sinceTimer); offs.forEach((off) => off()); };
}

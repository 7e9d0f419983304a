// views/home.js — the screen for one person, shaped by their kind (the
// catalogue's person_views): running timers with a live clock (a
// breastfeed: its time on each side, switch side, pause, stop and top up),
// time since the last of what matters for them (a baby's feed, diaper and
// sleep, and the last side; an adult's medicine, vitals and sleep), the
// quick-log buttons that suit them (tap logs with the preset, long press
// opens the full form), when the next sleep is likely due (guidance), the
// last 24 hours at a glance and the infant day totals, today's medicines,
// the way to their emergency card, the install hint, and, set apart at the
// bottom, the way to raise an emergency alert (views/alert.js). With several
// people (twins), a card each side by side (last feed, diaper and sleep, a
// running timer; a tap makes that person the current one) and "log for
// all", which makes the quick buttons log one entry per person together
// and start (and stop) a timer per person together (js/together.js).
import { t, has, fmtClock, fmtDuration, fmtUnit, fmtRelative, fmtTime } from '../i18n.js';
import { html, nothing, paint, icon, press, latest } from '../ui.js';
import { state, on, canWrite, tz, firstScreenShown } from '../state.js';
import * as store from '../store.js';
import { lastBottle, runningIn, RUNNING_DAYS, start, stop, switchSide, pauseFeed, log, logFor } from '../actions.js';
import { chooseSubject } from '../session.js';
import { title, typeIcon, buttonLabel } from '../describe.js';
import { validate, cleanValue, sides, isSession, isRunning, BREAST, kindOf, viewFor, buttonsFor } from '../entries.js';
import { daySummary, todayKey, sinceLast } from '../summary.js';
import { dayStart } from '../time.js';
import { canInstall, install, needsIosInstructions } from '../pwa.js';
import { glance } from '../glance.js';
import { nextSleep } from '../guidance.js';
import { medicationsOf, daySchedule } from '../meds.js';

// The log forms load when first opened: not part of the first screen.
const form = () => import('./form.js');
const openEntryForm = (opts) => form().then((m) => m.openEntryForm(opts));
const openTypePicker = () => form().then((m) => m.openTypePicker());

// What a tap and a long press on a quick button do: each button's
// description (aria-describedby) names one of these.
const HINTS = { log: 'tap_to_log', start: 'tap_to_start', stop: 'tap_to_stop', switch: 'tap_to_switch' };
const groupName = (c) => (has(`cat.${c}`) ? t(`cat.${c}`) : has(`type.${c}`) ? t(`type.${c}`) : c);
const isBottleWithoutAmount = (b) => b.type === 'feed' && b.value.method === 'bottle' && !b.value.amount_ml;

export function mount(root, { action }) {
  let data = null; // what the last draw read: {timers, lasts, totals, key, now, bottleMl, people}
  let together = false; // "log for all": quick buttons log for every person

  // The timer a timing button would stop, if one runs (a breastfeed: on
  // that side, not paused).
  const activeFor = (b) =>
    data.timers.find(
      (e) =>
        e.type === b.type &&
        (b.type !== 'feed' || (e.value.method === b.value.method && !e.value.paused)) &&
        (b.type !== 'pump' || !b.value.side || e.value.side === b.value.side),
    );
  const nursing = () => data.timers.find((e) => e.type === 'feed' && BREAST.includes(e.value.method));

  // Stops a timer; a breastfeed offers a bottle to top it up.
  const finish = (e) =>
    e.type === 'feed'
      ? stop(
          e,
          {},
          {
            offer: {
              action: t('top_up'),
              onAction: () => openEntryForm({ type: 'feed', preset: { method: 'bottle', top_up: true } }),
            },
          },
        )
      : stop(e);

  async function tap(b, active) {
    if (b.timing && together && several()) {
      const m = await import('../together.js');
      if (active) await m.stopTogether(active, finish);
      else await m.startTogether(ids(), b.type, { ...b.value });
      return;
    }
    if (b.timing) {
      if (active) await finish(active);
      else await start(b.type, { ...b.value });
      return;
    }
    let value = { ...b.value };
    if (b.type === 'feed' && value.method === 'bottle') value = { ...(await lastBottle()), ...value };
    // A preset that is not a whole entry (a temperature without a reading)
    // opens the form instead.
    if (Object.keys(validate(b.type, value)).length) {
      openEntryForm({ type: b.type, preset: value });
      return;
    }
    if (together && several()) await logFor(ids(), b.type, cleanValue(b.type, value));
    else await log(b.type, cleanValue(b.type, value));
  }

  const several = () => state.subjects.length > 1;
  const ids = () => state.subjects.map((s) => s.id);
  const short = (s) => (!s ? '—' : s.running ? t('now_running') : fmtDuration(s.ms));
  // One card per person, side by side (swipe when they do not fit).
  const peopleCards = () => html`<section class="people-cards" aria-label=${t('people_side_by_side')}>
    ${data.people.map(
      (
        p,
      ) => html`<button type="button" class="card person-card ${p.id === state.subject?.id ? 'current' : ''}" data-subject=${p.id}
        aria-pressed=${String(p.id === state.subject?.id)} @click=${() => chooseSubject(state.subjects.find((s) => s.id === p.id))}>
        <strong>${p.name}</strong>${p.timer ? html` <span class="badge">${typeIcon(p.timer.type)} ${t('now_running')}</span>` : nothing}
        <small>${t('since.feed')}</small><b>${short(p.feed)}</b>
        <small>${t('since.diaper')}</small><b>${short(p.diaper)}</b>
        <small>${t('since.sleep')}</small><b>${short(p.sleep)}</b>
      </button>`,
    )}
    ${
      canWrite()
        ? html`<label class="check log-all"><input type="checkbox" id="log-all" .checked=${together} @change=${(ev) => {
            together = ev.target.checked;
            show();
          }}>${t('log_for_all', { n: state.subjects.length })}</label>`
        : nothing
    }
  </section>`;

  // A breastfeed's clock is the time at the breast (pauses left out), with
  // each side's below it.
  const timerCard = (e) => {
    const now = Date.now();
    const nurse = e.type === 'feed' && BREAST.includes(e.value.method);
    const paused = nurse && e.value.paused;
    const v = isSession(e.value) ? e.value : { ...e.value, left_s: 0, right_s: 0, side_at: e.ts };
    const [l, r, both] = nurse ? sides(v, true, e.ts, now) : [];
    return html`<div class="card timer ${e.type}" data-timer=${e.id}>
    <span class="emoji" aria-hidden="true">${typeIcon(e.type)}</span>
    <div class="what"><div><strong>${title(e)}</strong>${paused ? html` <span class="badge">${t('rem.paused')}</span>` : nothing}</div><div class="clock" role="timer" aria-live="off">${fmtClock(nurse ? l + r + both : now - e.ts)}</div>
    ${nurse ? html`<div class="muted sides">${t('sides', { l: fmtClock(l), r: fmtClock(r) })}</div>` : nothing}</div>
    ${
      canWrite()
        ? html`<div class="actions">
      ${nurse ? html`<button class="btn" type="button" @click=${() => switchSide(e)}>${icon('swap')}${t('switch_side')}</button><button class="btn" type="button" @click=${() => (paused ? switchSide(e, e.value.method.slice(7)) : pauseFeed(e))}>${icon(paused ? 'play' : 'pause')}${t(paused ? 'resume' : 'pause')}</button>` : nothing}
      <button class="btn primary" type="button" aria-label="${t('stop')} ${title(e)}" @click=${() => finish(e)}>${icon('stop')}${t('stop')}</button>
    </div>`
        : nothing
    }
  </div>`;
  };

  const since = (type, key) => {
    const s = data.lasts[type];
    const text = !s ? '—' : s.running ? t('now_running') : fmtDuration(s.ms);
    return html`<div title=${s && !s.running ? fmtRelative(data.now - (s.entry.end_ts ?? s.entry.ts)) : ''}><small>${t(key)}</small><b>${text}</b>${
      type === 'feed' && data.lastSide
        ? html`<small class="side">${t('last_side', { side: t(`side.${data.lastSide}`) })}</small>`
        : nothing
    }</div>`;
  };

  const quickButton = (b) => {
    const active = b.timing ? activeFor(b) : null;
    const side = b.type === 'feed' && /^breast_(left|right)$/.test(b.value.method) && b.value.method.slice(7);
    const feeding = side && nursing();
    const hint = b.timing ? (active ? 'stop' : feeding ? 'switch' : 'start') : 'log';
    // The side to start on next: the other one than last time.
    const next = side && !feeding && data.lastSide && data.lastSide !== side && data.lastSide !== 'both';
    const note = active
      ? fmtClock(Date.now() - (active.value.side_at ?? active.ts))
      : next
        ? t('next_side')
        : isBottleWithoutAmount(b)
          ? fmtUnit(data.bottleMl, 'ml', state.prefs.units)
          : '';
    // The name is the visible text; what a tap and a long press do is the description.
    return html`<button class="qbtn ${b.type} ${active ? 'running' : ''}" type="button" aria-describedby="qhint-${hint}"
      aria-pressed=${b.timing ? String(!!active) : nothing} ${press(
        () => tap(b, active),
        () => openEntryForm({ type: b.type, preset: b.value }),
      )}>
      <span class="emoji" aria-hidden="true">${typeIcon(b.type)}</span><span>${buttonLabel(b)}</span><small>${note}</small></button>`;
  };

  const quickButtons = () =>
    buttonsFor(state.config, kindOf(state.subject), state.subject?.id).groups.map(
      (g) => html`<section class="quick-group">
    <h2>${groupName(g.category)}</h2><div class="quick">${g.buttons.map(quickButton)}</div></section>`,
    );

  const totalsCard = () => {
    const tt = data.totals;
    const u = state.prefs.units;
    return html`<section class="card">
      <div class="row between"><h2>${t('today')}</h2><a class="tap" href="#/day/${data.key}">${t('day_details')}</a></div>
      <div class="totals">
        <div><b>${tt.feeds}</b><small>${t('feeds')}</small></div>
        <div><b>${fmtUnit(tt.bottle_ml, 'ml', u)}</b><small>${t('bottles')}</small></div>
        <div><b>${fmtDuration(tt.sleep_ms)}</b><small>${t('sleep_total')}</small></div>
        <div><b>${tt.wet} / ${tt.dirty}</b><small>${t('wet_dirty')}</small></div>
      </div></section>`;
  };

  // Guidance, said to be: the age's wake window and the baby's own.
  const guidanceCard = (g) => {
    const range = `${fmtDuration(g.lo * 60000)} – ${fmtDuration(g.hi * 60000)}`;
    return html`<section class="card guidance"><h2>${t('guidance_title')} <span class="badge">${t('guidance')}</span></h2>
      <p><strong>${g.at > data.now ? t('guidance_due', { time: fmtTime(g.at, tz()) }) : t('guidance_now', { time: fmtTime(g.at, tz()) })}</strong></p>
      <p class="muted">${t('guidance_basis', { range })}${g.own ? ` ${t('guidance_own', { name: state.subject.name, d: fmtDuration(g.own * 60000) })}` : ''}</p></section>`;
  };

  // Today's doses at a glance: how many given, what is overdue, what is next.
  const medsCard = () => {
    const doses = data.meds?.doses || [];
    if (!doses.length) return nothing;
    const given = doses.filter((d) => d.state === 'given').length;
    const overdue = doses.filter((d) => d.state === 'late' || d.state === 'missed');
    const next = doses.find((d) => d.state === 'due');
    const conflicts = doses.filter((d) => d.conflicts.length).length;
    return html`<section class="card meds-today" id="meds-today">
      <div class="row between"><h2>${t('medicines_today')}</h2><a class="tap" href="#/meds">${t('open')}</a></div>
      <p>${t('n_of_m_given', { n: given, m: doses.length })}${next ? html` · ${t('next_dose', { name: next.name, time: next.time })}` : nothing}</p>
      ${overdue.length ? html`<p class="error">${t('n_overdue', { n: overdue.length })}: ${overdue.map((d) => `${d.name} ${d.time}`).join(', ')}</p>` : nothing}
      ${conflicts ? html`<p class="error">${t('n_conflicts', { n: conflicts })}</p>` : nothing}
    </section>`;
  };

  const installCard = () => {
    if (canInstall()) {
      return html`<section class="card row between"><span>${t('install_text')}</span>
        <button class="btn primary" type="button" id="install" @click=${async () => {
          await install();
          draw();
        }}>${icon('download')}${t('install')}</button></section>`;
    }
    if (needsIosInstructions() && !localStorage.getItem('carelog.iosHint')) {
      return html`<section class="card"><p>${t('ios_install')}</p>
        <button class="btn" type="button" @click=${() => {
          localStorage.setItem('carelog.iosHint', '1');
          draw();
        }}>${t('got_it')}</button></section>`;
    }
    return nothing;
  };

  const logging = () => canWrite() && state.subject;
  const view = () => html`<h1 class="visually-hidden">${t('tab_home')}</h1>
    <div class="home">${
      data
        ? html`
      ${state.subject ? nothing : html`<div class="card"><p>${t('no_people_yet')}</p><a class="btn primary" href="#/pick">${t('choose_person_short')}</a></div>`}
      ${several() ? peopleCards() : nothing}
      ${data.timers.length ? html`<section aria-label=${t('running_timers')}>${data.timers.map(timerCard)}</section>` : nothing}
      <section class="since" aria-label=${t('time_since')}>${data.view.since.map((type) => since(type, `since.${type}`))}</section>
      ${logging() ? quickButtons() : nothing}
      ${logging() ? html`<div class="fab-row"><button class="btn" type="button" @click=${openTypePicker}>${icon('plus')}${t('log_other')}</button></div>` : nothing}
      ${data.guide ? guidanceCard(data.guide) : nothing}
      ${data.view.day_totals ? html`<section class="card"><h2>${t('last_24h')}</h2>${glance(data.mine, data.now - 86400000, data.now, tz(), { label: t('last_24h'), now: data.now })}</section>` : nothing}
      ${data.view.day_totals ? totalsCard() : nothing}
      ${medsCard()}
      ${state.subject ? html`<div class="row wrap care-links"><a class="btn" id="meds-link" href="#/meds">${icon('pill')}${t('medications')}</a><a class="btn" id="calendar-link" href="#/calendar">${icon('calendar')}${t('calendar')}</a><a class="btn" id="shifts-link" href="#/shifts">${icon('user')}${t('shifts')}</a><a class="btn" id="card-link" href="#/card/${state.subject.id}">${icon('card')}${t('emergency_card')}</a><a class="btn" id="documents-link" href="#/documents">${icon('list')}${t('documents')}</a><a class="btn" href="#/profile/${state.subject.id}">${icon('user')}${t('profile')}</a></div>` : nothing}
      ${installCard()}
      <a class="sos-link" id="sos" href="#/alert">${icon('bell')}<span><b>${t('sos')}</b> · ${t('alert_raise')}</span></a>`
        : nothing
    }</div>
    <div hidden>${Object.entries(HINTS).map(([k, key]) => html`<span id="qhint-${k}">${t(key)}. ${t('long_press_hint')}</span>`)}</div>`;
  const show = () => paint(view(), root);

  const draw = latest(async () => {
    if (!state.family) return;
    const fid = state.family.id;
    const sid = state.subject?.id;
    const now = Date.now();
    const key = todayKey(tz(), now);
    const view = viewFor(kindOf(state.subject));
    const subj = state.subject;
    const many = state.subjects.length > 1;
    const sinceTypes = view.since.filter((x) => x !== 'feed');
    const wantBottle = (state.config?.groups || []).some((g) => g.buttons.some(isBottleWithoutAmount));
    const wantGuide = state.family.sleep_guidance !== false && subj?.birth_date && subj.kind !== 'adult';
    // The week read once: timers, figures, cards and (mostly) the last of
    // each type; further back only for what it lacks.
    const [week, meds, cursor] = await Promise.all([
      store.entriesSince(fid, now - RUNNING_DAYS * 86400000),
      sid ? medicationsOf(sid) : [],
      store.getMeta(`cursor:${fid}`),
    ]);
    const newest = (type, limit) => store.newestOf(week, fid, { types: [type], subjectId: sid, limit });
    const [lastOf, feeds30, sleeps] = await Promise.all([
      Promise.all(sinceTypes.map((type) => newest(type, 1).then((l) => l[0]))),
      newest('feed', 30),
      wantGuide ? newest('sleep', 60) : null,
    ]);
    const feeds = feeds30.slice(0, 20);
    const bottle = wantBottle ? await lastBottle(feeds30) : null;
    const from = dayStart(key, tz()) - 2 * 86400000;
    const recent = week.filter((e) => e.ts >= from);
    const timers = runningIn(week);
    const lasts = {};
    sinceTypes.forEach((type, i) => {
      lasts[type] = lastOf[i] ? sinceLast([lastOf[i]], type, now) : null;
    });
    // A top-up is part of the feed before it; the last side is that of the
    // last breastfeed.
    const lastFeed = feeds.find((e) => !e.value.top_up);
    lasts.feed = lastFeed ? sinceLast([lastFeed], 'feed', now) : null;
    const lastSide = feeds.find((e) => BREAST.includes(e.value.method))?.value.method.slice(7);
    const bottleMl = bottle ? bottle.amount_ml : null;
    const guide = wantGuide ? nextSleep(sleeps, subj.birth_date, now) : null;
    // Each person's card (several people): their own last feed, diaper, sleep.
    const people = [];
    if (many) {
      for (const p of state.subjects) {
        const theirs = week.filter((e) => e.subject_id === p.id && !e.deleted);
        const last = (type, keep = () => true) => {
          const list = theirs.filter((e) => e.type === type && keep(e)).sort((a, b) => b.ts - a.ts);
          return list.length ? sinceLast([list[0]], type, now) : null;
        };
        people.push({
          id: p.id,
          name: p.name,
          feed: last('feed', (e) => !e.value.top_up),
          diaper: last('diaper'),
          sleep: last('sleep'),
          timer: theirs.find((e) => isRunning(e)),
        });
      }
    }
    data = {
      people,
      view,
      meds: meds.length ? daySchedule(meds, recent, key, tz(), now, sid) : null,
      guide,
      timers,
      lasts,
      lastSide,
      mine: recent.filter((e) => e.subject_id === sid),
      key,
      now,
      bottleMl,
      totals: daySummary(recent, key, tz(), { subjectId: sid, now }).totals,
    };
    show();
    // For tools/bench-pwa.mjs: the first moment the home screen can be used,
    // showing the person's log (had from the server once: a first load
    // waits for its first pull).
    if (state.subject && cursor !== undefined && !performance.getEntriesByName('carelog:home-usable').length) {
      performance.mark('carelog:home-usable');
      firstScreenShown();
    }
  });

  // Running clocks tick once a second; the rest is read again every 30 s.
  const clockTimer = setInterval(() => {
    if (data?.timers.length) show();
  }, 1000);
  const sinceTimer = setInterval(draw, 30000);
  const off = on(['entries', 'subject', 'config', 'family', 'installable', 'subjects', 'medications', 'acttypes'], () =>
    draw(),
  );
  // The first pull on this device ends (the mark above waits for it).
  const offSynced = on('synced', () => {
    if (!performance.getEntriesByName('carelog:home-usable').length) draw();
  });
  show();
  draw().then(async () => {
    if (!action || !data || !canWrite() || !state.subject) return;
    if (action.kind === 'log') openEntryForm({ type: action.type });
    if (action.kind === 'start' && !data.timers.some((e) => e.type === action.type)) await start(action.type, {});
  });
  return () => {
    clearInterval(clockTimer);
    clearInterval(sinceTimer);
    off();
    offSynced();
  };
}

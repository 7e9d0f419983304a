// views/calendar.js — the family's appointments (#/calendar,
// #/calendar/month[/YYYY-MM]): the agenda (the next 60 days, day by day) or
// a month grid whose days open their appointments; each occurrence with its
// time, place, with whom and who drives. Caregivers add and change
// appointments (a repeat: daily, weekly, every 2 weeks, monthly, or an RFC
// 5545 rule as written), cancel or move one occurrence of a series, and
// remove one. The last answer of each kind is kept on this device, so the
// calendar opens offline. At the bottom: this member's calendar feed, a
// private address a phone's calendar subscribes to (made, copied, revoked).
import { t, fmtTime, fmtDate, fmtWeekday } from '../i18n.js';
import { html, nothing, paint, icon, sheet, field, confirmSheet, showError, latest, toast, errText } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import { get, post, patch, put, del, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { todayKey } from '../summary.js';
import { dayKey, dayStart, addDays, minuteOfDay, localToMs, hhmm as hm, minutesOf as minutes } from '../time.js';

const TYPES = ['doctor', 'specialist', 'therapy', 'test', 'dentist', 'other'];
const REPEATS = {
  none: '',
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  biweekly: 'FREQ=WEEKLY;INTERVAL=2',
  monthly: 'FREQ=MONTHLY',
};
const AGENDA_DAYS = 60;

const pad = (n) => String(n).padStart(2, '0');

// The repeat choice a rule reads as ('custom' when the form has none for it),
// and how many times it runs (COUNT).
function repeatOf(rrule) {
  if (!rrule) return { repeat: 'none', count: '' };
  const count = /;COUNT=(\d+)/.exec(rrule)?.[1] || '';
  const bare = rrule.replace(/;COUNT=\d+/, '');
  const hit = Object.entries(REPEATS).find(([, r]) => r && r === bare);
  return hit ? { repeat: hit[0], count } : { repeat: 'custom', count: '' };
}

export function mount(root, { params = [] } = {}) {
  const zone = tz();
  const today = todayKey(zone);
  const month = params[0] === 'month';
  const monthKey = month && /^\d{4}-\d{2}$/.test(params[1] || '') ? params[1] : today.slice(0, 7);
  let picked = month ? (monthKey === today.slice(0, 7) ? today : `${monthKey}-01`) : null;
  let data = null; // the answer of GET /appointments
  let offline = false;
  let feed = null; // {active, created_at, url?}
  const writable = canWrite();
  const fid = state.family?.id;

  // The period shown: the agenda's 60 days, or the month's weeks.
  const first = `${monthKey}-01`;
  const nextMonth = addDays(first, 32).slice(0, 7);
  const period = month
    ? { from: dayStart(first, zone), to: dayStart(`${nextMonth}-01`, zone) }
    : { from: dayStart(today, zone), to: dayStart(addDays(today, AGENDA_DAYS), zone) };
  const cacheKey = `calendar:${fid}:${month ? monthKey : 'agenda'}`;

  const load = latest(async () => {
    if (!fid) return;
    try {
      data = await get(familyPath(fid, `/appointments?from=${period.from}&to=${period.to}`));
      offline = false;
      await store.setMeta(cacheKey, { from: period.from, data });
    } catch (e) {
      const kept = await store.getMeta(cacheKey);
      if (kept && (!month || kept.from === period.from)) data = kept.data;
      offline = e instanceof ApiError && e.status === 0;
    }
    show();
  });

  async function loadFeed() {
    try {
      feed = await get(familyPath(fid, '/calendar-token'));
    } catch {
      feed = null;
    }
    show();
  }

  const seriesOf = (o) => data?.appointments.find((a) => a.id === o.appointment_id);
  const person = (sid) => state.subjects?.find((s) => s.id === sid)?.name || '';

  // ---- one occurrence: what it says, and what can be done with it ----
  function openOccurrence(o) {
    const a = seriesOf(o);
    const sh = sheet(
      o.title,
      () => html`<div class="sheet-body appt-detail">
        <p><strong>${fmtWeekday(o.start, zone)}</strong>, ${fmtTime(o.start, zone)}–${fmtTime(o.end, zone)}${o.moved ? html` · <span class="badge">${t('appt_moved')}</span>` : nothing}</p>
        <p>${t(`appt_type.${o.type}`)} · ${person(o.subject_id)}</p>
        ${o.location ? html`<p>${icon('globe')} ${o.location}</p>` : nothing}
        ${o.with_whom ? html`<p>${t('appt_with', { name: o.with_whom })}</p>` : nothing}
        <p>${o.driver_name ? t('appt_driver', { name: o.driver_name }) : t('appt_no_driver')}</p>
        ${o.notes ? html`<p class="notes">${o.notes}</p>` : nothing}
        ${a?.rrule ? html`<p class="muted">${t('appt_repeats')}: <code dir="ltr">${a.rrule}</code></p>` : nothing}
        ${
          writable
            ? html`<div class="sheet-actions wrap">
          ${
            o.recurring
              ? html`<button class="btn" type="button" id="appt-move" @click=${() => {
                  sh.close();
                  moveOne(o);
                }}>${t('appt_move_one')}</button>
                <button class="btn danger" type="button" id="appt-cancel-one" @click=${async () => {
                  if (!(await confirmSheet(t('appt_cancel_one_q'), t('appt_cancel_one'), { danger: true }))) return;
                  await write(() =>
                    put(familyPath(fid, `/appointments/${o.appointment_id}/occurrences/${o.original}`), {
                      cancelled: true,
                    }),
                  );
                  sh.close();
                }}>${t('appt_cancel_one')}</button>`
              : nothing
          }
          <button class="btn" type="button" id="appt-edit" @click=${() => {
            sh.close();
            if (a) openForm(a);
          }}>${o.recurring ? t('appt_edit_all') : t('edit')}</button>
          <button class="btn danger" type="button" @click=${async () => {
            if (!(await confirmSheet(t('appt_remove_q', { title: o.title }), t('delete'), { danger: true }))) return;
            await write(() => del(familyPath(fid, `/appointments/${o.appointment_id}`)));
            sh.close();
          }}>${icon('trash')}${t('delete')}</button></div>`
            : nothing
        }
      </div>`,
    );
  }

  async function write(fn) {
    try {
      await fn();
      load();
      return true;
    } catch (e) {
      toast(errText(e));
      return false;
    }
  }

  function moveOne(o) {
    const day = dayKey(o.start, zone);
    const sh = sheet(
      t('appt_move_one'),
      html`<form class="sheet-body" @submit=${async (ev) => {
        ev.preventDefault();
        const f = Object.fromEntries(new FormData(ev.target));
        const start = localToMs(f.date, minutes(f.start), zone);
        const end = localToMs(f.date, minutes(f.end), zone);
        try {
          await put(familyPath(fid, `/appointments/${o.appointment_id}/occurrences/${o.original}`), { start, end });
          sh.close();
          load();
        } catch (e) {
          showError(ev.target, errText(e));
        }
      }}>
        ${field(t('date'), 'mv-date', html`<input id="mv-date" name="date" type="date" required .value=${day}>`)}
        <div class="row two">
          ${field(t('appt_start'), 'mv-start', html`<input id="mv-start" name="start" type="time" required .value=${hm(minuteOfDay(o.start, zone))}>`)}
          ${field(t('appt_end'), 'mv-end', html`<input id="mv-end" name="end" type="time" required .value=${hm(minuteOfDay(o.end, zone))}>`)}
        </div>
        <p class="error" role="alert" hidden></p>
        <div class="row end"><button class="btn primary" type="submit">${t('save_changes')}</button></div>
      </form>`,
    );
  }

  // ---- add or change an appointment (the whole series) ----
  async function openForm(a) {
    let members = state.members || [];
    if (!members.length) {
      try {
        members = (await get(familyPath(fid, '/members'))).members || [];
        state.members = members;
      } catch {
        /* the driver list stays empty offline */
      }
    }
    const startDay = a ? a.start_local.slice(0, 10) : picked || today;
    const startMin = a ? minutes(a.start_local.slice(11)) : 9 * 60;
    const rep = repeatOf(a?.rrule);
    let repeat = rep.repeat;
    const id = (k) => `ap-${k}`;
    const opt = (v, cur, label) => html`<option value=${v} ?selected=${String(v) === String(cur)}>${label}</option>`;
    async function submit(ev) {
      ev.preventDefault();
      const f = Object.fromEntries(new FormData(ev.target));
      const start = localToMs(f.date, minutes(f.start), zone);
      let end = localToMs(f.date, minutes(f.end), zone);
      if (end <= start) end = localToMs(addDays(f.date, 1), minutes(f.end), zone); // past midnight
      let rrule = repeat === 'custom' ? String(f.rrule || '').trim() : REPEATS[repeat];
      if (rrule && repeat !== 'custom' && f.count) rrule += `;COUNT=${Number(f.count)}`;
      const reminders = [f.rem_day === 'on' && 1440, f.rem_hour === 'on' && 60].filter(Boolean);
      const body = {
        title: f.title.trim(),
        type: f.type,
        start,
        end,
        location: f.location.trim(),
        with_whom: f.with_whom.trim(),
        notes: f.notes.trim(),
        driver_id: f.driver_id || null,
        reminders,
        rrule: rrule || null,
      };
      try {
        if (a) await patch(familyPath(fid, `/appointments/${a.id}`), body);
        else await post(familyPath(fid, '/appointments'), { ...body, subject_id: state.subject.id });
        sh.close();
        load();
      } catch (e) {
        showError(ev.target, errText(e));
      }
    }
    const body = () => html`<form class="sheet-body" @submit=${submit}>
      ${field(t('appt_title'), id('title'), html`<input id=${id('title')} name="title" type="text" required maxlength="120" .value=${a?.title || ''}>`)}
      ${field(t('appt_kind'), id('type'), html`<select id=${id('type')} name="type">${TYPES.map((x) => opt(x, a?.type || 'doctor', t(`appt_type.${x}`)))}</select>`)}
      ${field(t('date'), id('date'), html`<input id=${id('date')} name="date" type="date" required .value=${startDay}>`)}
      <div class="row two">
        ${field(t('appt_start'), id('start'), html`<input id=${id('start')} name="start" type="time" required .value=${hm(startMin)}>`)}
        ${field(t('appt_end'), id('end'), html`<input id=${id('end')} name="end" type="time" required .value=${hm((startMin + (a?.duration_min || 60)) % 1440)}>`)}
      </div>
      ${field(t('appt_location'), id('loc'), html`<input id=${id('loc')} name="location" type="text" maxlength="200" .value=${a?.location || ''}>`)}
      ${field(t('appt_with_whom'), id('with'), html`<input id=${id('with')} name="with_whom" type="text" maxlength="120" .value=${a?.with_whom || ''}>`)}
      ${field(
        t('appt_driver_field'),
        id('driver'),
        html`<select id=${id('driver')} name="driver_id">${opt('', a?.driver_id || '', t('appt_no_driver'))}${members.map((m) => opt(m.id, a?.driver_id || '', m.name || t('guest')))}</select>`,
      )}
      ${field(
        t('appt_repeat'),
        id('repeat'),
        html`<select id=${id('repeat')} @change=${(ev) => {
          repeat = ev.target.value;
          sh.redraw();
        }}>${[...Object.keys(REPEATS), 'custom'].map((k) => opt(k, repeat, t(`appt_repeat.${k}`)))}</select>`,
      )}
      ${
        repeat === 'custom'
          ? field(
              t('appt_rule'),
              id('rrule'),
              html`<input id=${id('rrule')} name="rrule" type="text" dir="ltr" required maxlength="256" .value=${a?.rrule || 'FREQ=WEEKLY;BYDAY=MO'}>`,
              { hint: t('appt_rule_hint') },
            )
          : repeat !== 'none'
            ? field(
                t('appt_count'),
                id('count'),
                html`<input id=${id('count')} name="count" type="number" min="1" max="1000" .value=${rep.count}>`,
                { hint: t('appt_count_hint') },
              )
            : nothing
      }
      <fieldset class="checks"><legend>${t('appt_remind')}</legend>
        <label class="check"><input type="checkbox" name="rem_day" .checked=${a ? a.reminders.includes(1440) : true}>${t('appt_remind_day')}</label>
        <label class="check"><input type="checkbox" name="rem_hour" .checked=${a ? a.reminders.includes(60) : true}>${t('appt_remind_hour')}</label>
      </fieldset>
      ${field(t('field.notes'), id('notes'), html`<textarea id=${id('notes')} name="notes" maxlength="2000" .value=${a?.notes || ''}></textarea>`)}
      <p class="error" role="alert" hidden></p>
      <div class="sheet-actions"><button class="btn primary grow" type="submit">${a ? t('save_changes') : t('appt_add')}</button></div>
    </form>`;
    const sh = sheet(a ? a.title : t('appt_add'), body, { wide: true });
  }

  // ---- the calendar feed ----
  async function makeFeed() {
    try {
      feed = await post(familyPath(fid, '/calendar-token'));
    } catch (e) {
      toast(errText(e));
    }
    show();
  }
  async function stopFeed() {
    if (!(await confirmSheet(t('feed_stop_q'), t('feed_stop'), { danger: true }))) return;
    try {
      await del(familyPath(fid, '/calendar-token'));
      feed = { active: false };
    } catch (e) {
      toast(errText(e));
    }
    show();
  }
  const feedUrl = () => (feed?.url?.startsWith('/') ? `${location.origin}${feed.url}` : feed?.url || '');
  const feedCard = () =>
    feed
      ? html`<section class="card feed" id="calendar-feed"><h2>${t('feed_title')}</h2>
      <p class="muted">${t('feed_help')}</p>
      ${
        feed.url
          ? html`<input class="feed-url" type="text" readonly dir="ltr" aria-label=${t('feed_title')} .value=${feedUrl()}>
        <div class="row wrap"><button class="btn" type="button" @click=${async () => {
          try {
            await navigator.clipboard.writeText(feedUrl());
            toast(t('copied'));
          } catch {
            toast(feedUrl());
          }
        }}>${icon('copy')}${t('copy')}</button>
        <a class="btn" href=${feedUrl().replace(/^https?:/, 'webcal:')}>${icon('calendar')}${t('feed_open')}</a></div>`
          : feed.active
            ? html`<p>${t('feed_active', { date: fmtDate(feed.created_at, zone) })}</p>`
            : nothing
      }
      <div class="row wrap"><button class="btn" type="button" id="feed-make" @click=${makeFeed}>${feed.active ? t('feed_new') : t('feed_make')}</button>
      ${feed.active ? html`<button class="btn danger" type="button" id="feed-stop" @click=${stopFeed}>${t('feed_stop')}</button>` : nothing}</div>
      </section>`
      : nothing;

  // ---- drawing ----
  const occRow = (o) => html`<li class="appt" data-id=${o.appointment_id}>
    <button class="appt-open" type="button" @click=${() => openOccurrence(o)}>
      <span class="appt-time">${fmtTime(o.start, zone)}</span>
      <span class="grow"><strong>${o.title}</strong>${o.moved ? html` <span class="badge">${t('appt_moved')}</span>` : nothing}
        <small>${[t(`appt_type.${o.type}`), person(o.subject_id), o.location, o.with_whom].filter(Boolean).join(' · ')}</small>
        ${o.driver_name ? html`<small class="driver">${t('appt_driver', { name: o.driver_name })}</small>` : nothing}</span>
    </button></li>`;

  const byDay = (list) => {
    const days = new Map();
    for (const o of list) {
      const k = dayKey(o.start, zone);
      if (!days.has(k)) days.set(k, []);
      days.get(k).push(o);
    }
    return days;
  };

  const agenda = () => {
    const days = byDay(data.occurrences);
    return days.size
      ? [...days].map(
          ([k, list]) => html`<section class="card day-appts"><h2>${fmtWeekday(dayStart(k, zone) + 43200000, zone)}</h2>
          <ul class="list appts">${list.map(occRow)}</ul></section>`,
        )
      : html`<p class="empty">${t('appt_none')}</p>`;
  };

  const monthGrid = () => {
    const days = byDay(data.occurrences);
    const lead = (new Date(`${first}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday first
    const count = Math.round((period.to - period.from) / 86400000);
    const cells = [];
    for (let i = 0; i < lead; i++) cells.push(html`<span class="cal-pad"></span>`);
    for (let d = 1; d <= count; d++) {
      const k = `${monthKey}-${pad(d)}`;
      const n = days.get(k)?.length || 0;
      cells.push(
        html`<button type="button" class="cal-day ${k === today ? 'today' : ''}" aria-pressed=${k === picked ? 'true' : 'false'}
          aria-label=${`${fmtDate(dayStart(k, zone) + 43200000, zone)}${n ? `, ${t('appt_n', { n })}` : ''}`}
          @click=${() => {
            picked = k;
            show();
          }}><span>${d}</span>${n ? html`<i class="dot" aria-hidden="true"></i>` : nothing}</button>`,
      );
    }
    // Weekday initials from a known Monday (2024-01-01).
    const names = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        weekday: 'narrow',
        timeZone: 'UTC',
      }).format(Date.UTC(2024, 0, 1 + i, 12)),
    );
    const list = picked ? days.get(picked) || [] : [];
    return html`<div class="cal-grid" role="group" aria-label=${t('appt_month')}>${names.map((x) => html`<span class="cal-head" aria-hidden="true">${x}</span>`)}${cells}</div>
      ${
        picked
          ? html`<section class="card day-appts"><h2>${fmtWeekday(dayStart(picked, zone) + 43200000, zone)}</h2>${
              list.length
                ? html`<ul class="list appts">${list.map(occRow)}</ul>`
                : html`<p class="muted">${t('appt_none_day')}</p>`
            }</section>`
          : nothing
      }`;
  };

  const show = () => {
    const prev = addDays(first, -1).slice(0, 7);
    const monthTitle = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(Date.UTC(Number(monthKey.slice(0, 4)), Number(monthKey.slice(5)) - 1, 15));
    paint(
      html`<h1>${t('calendar')}</h1>
      <div class="seg" role="group" aria-label=${t('calendar')}>
        <a class="btn" href="#/calendar" aria-current=${month ? nothing : 'page'}>${t('appt_agenda')}</a>
        <a class="btn" href="#/calendar/month" aria-current=${month ? 'page' : nothing}>${t('appt_month')}</a>
      </div>
      ${
        month
          ? html`<div class="daynav"><a class="icon-btn" href="#/calendar/month/${prev}" aria-label=${t('appt_prev_month')}>${icon('back')}</a>
        <strong>${monthTitle}</strong>
        <a class="icon-btn" href="#/calendar/month/${nextMonth}" aria-label=${t('appt_next_month')}>${icon('next')}</a></div>`
          : nothing
      }
      ${offline && data ? html`<p class="muted">${t('appt_offline')}</p>` : nothing}
      ${data ? (month ? monthGrid() : agenda()) : offline ? html`<p class="empty">${t('err.offline')}</p>` : nothing}
      ${writable && state.subject ? html`<button class="btn block primary" type="button" id="add-appt" @click=${() => openForm(null)}>${icon('plus')}${t('appt_add')}</button>` : nothing}
      ${feedCard()}`,
      root,
    );
  };

  show();
  load();
  loadFeed();
  const off = on(['appointments', 'family', 'subject'], () => load());
  return () => off();
}

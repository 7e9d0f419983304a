// views/shifts.js — who is on duty for the person shown (#/shifts,
// #/shifts/YYYY-MM-DD for the week holding that day): the last handoff
// first, my current shift with its check-in and check-out buttons (the
// check-out form shows the digest the server makes of what was logged
// during the shift, above the handoff note), and the week day by day with
// its coverage gaps and overlaps marked. Owners plan, change and remove
// shifts; caregivers take open ones. The last answer is kept on this
// device, so the week opens offline; a check-in or check-out made offline
// waits in this device's queue and is sent (with the time it was pressed)
// when the network is back — the server takes a repeat as the same one.
import { t, fmtTime, fmtDate, fmtWeekday, fmtDateTime } from '../i18n.js';
import { html, nothing, paint, icon, sheet, field, confirmSheet, showError, latest, toast, errText } from '../ui.js';
import { state, on, canWrite, isOwner, tz } from '../state.js';
import { get, post, patch, del, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { todayKey } from '../summary.js';
import { dayKey, dayStart, addDays, localToMs, hhmm as hm, minutesOf as minutes } from '../time.js';

const HOUR = 3600000;

// The Monday of the week holding `key` (YYYY-MM-DD).
function monday(key) {
  const wd = new Date(`${key}T12:00:00Z`).getUTCDay();
  return addDays(key, -((wd + 6) % 7));
}

// ---- the queue of check-ins and check-outs made offline ----
const queueKey = (fid) => `shift-queue:${fid}`;

async function queued(fid) {
  return (await store.getMeta(queueKey(fid))) || [];
}

// Sends what waits, in order; keeps what the network still refuses. A
// request the server refuses (not a network error) is dropped with a toast.
export async function flushQueue(fid) {
  const list = await queued(fid);
  if (!list.length) return 0;
  const left = [];
  let sent = 0;
  for (const item of list) {
    if (left.length) {
      left.push(item);
      continue;
    }
    try {
      await post(familyPath(fid, item.path), item.body);
      sent += 1;
    } catch (e) {
      if (e instanceof ApiError && e.status !== 0 && e.status < 500) toast(errText(e));
      else left.push(item);
    }
  }
  await store.setMeta(queueKey(fid), left);
  return sent;
}

// POST now, or (offline) queue it for later: true when sent, 'queued' when kept.
async function send(fid, path, body) {
  try {
    return await post(familyPath(fid, path), body);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 0) throw e;
    await store.setMeta(queueKey(fid), [...(await queued(fid)), { path, body }]);
    return 'queued';
  }
}

// "Doses given 1 · missed 1 · meals 2 …" and the missed doses by name.
function digestView(d, zone) {
  if (!d) return nothing;
  const c = d.counts || {};
  const missed = (d.doses || []).filter((x) => x.state === 'missed');
  return html`<div class="digest">
    <p>${t('shift_digest_counts', {
      given: c.doses_given ?? 0,
      missed: c.doses_missed ?? 0,
      meals: c.meals ?? 0,
      sleep: c.sleep ?? 0,
      vitals: c.vitals ?? 0,
      incidents: c.incidents ?? 0,
    })}</p>
    ${missed.length ? html`<ul class="list">${missed.map((x) => html`<li class="missed">${t('shift_missed_dose', { name: x.name, time: fmtTime(x.scheduled_at, zone) })}</li>`)}</ul>` : nothing}
    ${(d.incidents || []).length ? html`<ul class="list">${d.incidents.map((x) => html`<li>${fmtTime(x.ts, zone)} ${x.value?.text || t(`type.${x.type}`)}</li>`)}</ul>` : nothing}
  </div>`;
}

function handoffView(h, zone) {
  if (!h) return html`<p class="muted">${t('shift_no_handoff')}</p>`;
  return html`<p class="muted">${t('shift_handoff_by', { name: h.member_name || t('guest'), time: fmtDateTime(h.checked_out_at, zone) })}</p>
    ${h.note ? html`<p class="notes handoff-note">${h.note}</p>` : nothing}
    ${digestView(h.digest, zone)}`;
}

export function mount(root, { params = [] } = {}) {
  const zone = tz();
  const today = todayKey(zone);
  const key = params[0] && /^\d{4}-\d{2}-\d{2}$/.test(params[0]) ? params[0] : today;
  const first = monday(key);
  const fid = state.family?.id;
  const sid = state.subject?.id;
  const owner = isOwner();
  const writable = canWrite();
  const period = { from: dayStart(first, zone), to: dayStart(addDays(first, 7), zone) };
  const cacheKey = `shifts:${fid}:${sid}:${first}`;
  let data = null;
  let offline = false;
  let waiting = 0;

  const me = () => (state.members || []).find((m) => m.is_me);
  const person = () => state.subject?.name || '';

  const load = latest(async () => {
    if (!fid || !sid) return;
    try {
      await flushQueue(fid);
    } catch {
      /* offline: it waits */
    }
    waiting = (await queued(fid)).length;
    try {
      data = await get(familyPath(fid, `/shifts?from=${period.from}&to=${period.to}&subject_id=${sid}`));
      offline = false;
      await store.setMeta(cacheKey, data);
    } catch (e) {
      data = (await store.getMeta(cacheKey)) || data;
      offline = e instanceof ApiError && e.status === 0;
    }
    show();
  });

  async function write(fn) {
    try {
      const r = await fn();
      if (r === 'queued') toast(t('shift_queued'));
      load();
      return r;
    } catch (e) {
      toast(errText(e));
      return null;
    }
  }

  // ---- check-in and check-out ----
  async function checkIn(o) {
    const r = await write(() =>
      send(fid, `/shifts/${o.shift_id}/check-in`, { occurrence: o.occurrence, at: Date.now() }),
    );
    if (r && r !== 'queued') {
      // The last handoff first, the moment the shift begins.
      sheet(
        t('shift_last_handoff'),
        html`<div class="sheet-body" id="handoff-at-check-in">${handoffView(r.last_handoff, zone)}</div>`,
      );
    }
  }

  async function checkOut(o) {
    let digest = null;
    try {
      digest = (await get(familyPath(fid, `/shifts/${o.shift_id}/digest?occurrence=${o.occurrence}`))).digest;
    } catch {
      /* offline: the server makes it at check-out anyway */
    }
    const sh = sheet(
      t('shift_check_out'),
      () => html`<form class="sheet-body" id="check-out-form" @submit=${async (ev) => {
        ev.preventDefault();
        const note = String(new FormData(ev.target).get('note') || '').trim();
        try {
          const r = await send(fid, `/shifts/${o.shift_id}/check-out`, {
            occurrence: o.occurrence,
            at: Date.now(),
            note,
          });
          if (r === 'queued') toast(t('shift_queued'));
          sh.close();
          load();
        } catch (e) {
          showError(ev.target, errText(e));
        }
      }}>
        <h3>${t('shift_digest')}</h3>
        ${digest ? digestView(digest, zone) : html`<p class="muted">${t('err.offline')}</p>`}
        ${field(t('shift_note'), 'handoff-note', html`<textarea id="handoff-note" name="note" maxlength="4000"></textarea>`)}
        <p class="error" role="alert" hidden></p>
        <div class="sheet-actions"><button class="btn primary grow" type="submit" id="check-out-save">${t('shift_check_out')}</button></div>
      </form>`,
      { wide: true },
    );
  }

  // ---- plan or change a shift (owners) ----
  async function openForm(s) {
    let members = state.members || [];
    if (!members.length) {
      try {
        members = (await get(familyPath(fid, '/members'))).members || [];
        state.members = members;
      } catch {
        /* offline: no list */
      }
    }
    const workers = members.filter((m) => m.role !== 'viewer');
    const startDay = s ? s.start_local.slice(0, 10) : today;
    const startMin = s ? minutes(s.start_local.slice(11)) : 8 * 60;
    const opt = (v, cur, label) => html`<option value=${v} ?selected=${String(v) === String(cur)}>${label}</option>`;
    async function submit(ev) {
      ev.preventDefault();
      const f = Object.fromEntries(new FormData(ev.target));
      const start = localToMs(f.date, minutes(f.start), zone);
      let end = localToMs(f.date, minutes(f.end), zone);
      if (end <= start) end = localToMs(addDays(f.date, 1), minutes(f.end), zone); // past midnight
      const body = {
        caregiver_id: f.caregiver_id || null,
        start,
        end,
        notes: f.notes.trim(),
        rrule: f.weekly === 'on' ? 'FREQ=WEEKLY' : null,
      };
      try {
        if (s) await patch(familyPath(fid, `/shifts/${s.id}`), body);
        else await post(familyPath(fid, '/shifts'), { ...body, subject_id: sid });
        sh.close();
        load();
      } catch (e) {
        showError(ev.target, errText(e));
      }
    }
    const sh = sheet(
      s ? t('shift_edit') : t('shift_add'),
      html`<form class="sheet-body" id="shift-form" @submit=${submit}>
      ${field(
        t('shift_caregiver'),
        'sh-who',
        html`<select id="sh-who" name="caregiver_id">${opt('', s?.caregiver_id || '', t('shift_nobody'))}${workers.map((m) => opt(m.id, s?.caregiver_id || '', m.name || t('guest')))}</select>`,
      )}
      ${field(t('date'), 'sh-date', html`<input id="sh-date" name="date" type="date" required .value=${startDay}>`)}
      <div class="row two">
        ${field(t('appt_start'), 'sh-start', html`<input id="sh-start" name="start" type="time" required .value=${hm(startMin)}>`)}
        ${field(t('appt_end'), 'sh-end', html`<input id="sh-end" name="end" type="time" required .value=${hm((startMin + (s?.duration_min || 480)) % 1440)}>`)}
      </div>
      <label class="check"><input type="checkbox" name="weekly" .checked=${!!s?.rrule}>${t('shift_weekly')}</label>
      ${field(t('field.notes'), 'sh-notes', html`<textarea id="sh-notes" name="notes" maxlength="2000" .value=${s?.notes || ''}></textarea>`)}
      <p class="error" role="alert" hidden></p>
      <div class="sheet-actions"><button class="btn primary grow" type="submit" id="shift-save">${s ? t('save_changes') : t('shift_add')}</button></div>
    </form>`,
      { wide: true },
    );
  }

  function openOccurrence(o) {
    const s = data?.shifts.find((x) => x.id === o.shift_id);
    const sh = sheet(
      o.caregiver_name || t('shift_open'),
      html`<div class="sheet-body">
        <p><strong>${fmtWeekday(o.start, zone)}</strong>, ${fmtTime(o.start, zone)}–${fmtTime(o.end, zone)}</p>
        ${o.notes ? html`<p class="notes">${o.notes}</p>` : nothing}
        ${
          owner && s
            ? html`<div class="sheet-actions wrap">
          <button class="btn" type="button" id="shift-edit" @click=${() => {
            sh.close();
            openForm(s);
          }}>${t('edit')}</button>
          <button class="btn danger" type="button" @click=${async () => {
            if (!(await confirmSheet(t('shift_remove_q'), t('delete'), { danger: true }))) return;
            await write(() => del(familyPath(fid, `/shifts/${o.shift_id}`)));
            sh.close();
          }}>${icon('trash')}${t('delete')}</button></div>`
            : nothing
        }
      </div>`,
    );
  }

  // ---- drawing ----
  const visitText = (v) =>
    v
      ? v.checked_out_at
        ? t('shift_checked_out', { time: fmtTime(v.checked_out_at, zone) })
        : t('shift_checked_in', { time: fmtTime(v.checked_in_at, zone), name: v.member_name || t('guest') })
      : '';

  const actions = (o) => {
    const mine = me();
    const may = writable && (!o.caregiver_id || o.caregiver_id === mine?.id || owner);
    const now = Date.now();
    const btns = [];
    if (o.open && writable && mine)
      btns.push(
        html`<button class="btn" type="button" data-act="take" @click=${() => write(() => post(familyPath(fid, `/shifts/${o.shift_id}/take`)))}>${t('shift_take')}</button>`,
      );
    if (may && !o.visit && now >= o.start - HOUR && now < o.end + HOUR)
      btns.push(
        html`<button class="btn primary" type="button" data-act="check-in" @click=${() => checkIn(o)}>${t('shift_check_in')}</button>`,
      );
    if (o.visit && !o.visit.checked_out_at && (o.visit.member_id === mine?.id || owner))
      btns.push(
        html`<button class="btn primary" type="button" data-act="check-out" @click=${() => checkOut(o)}>${t('shift_check_out')}</button>`,
      );
    return btns.length ? html`<div class="row wrap">${btns}</div>` : nothing;
  };

  const marks = (list, key) =>
    list.length
      ? html`<ul class="list shift-${key}">${list.map(
          (g) =>
            html`<li class="shift-mark ${key}">${t(key === 'gaps' ? 'shift_gap' : 'shift_overlap', {
              from: `${fmtWeekday(g.start, zone)} ${fmtTime(g.start, zone)}`,
              to: fmtTime(g.end, zone),
            })}</li>`,
        )}</ul>`
      : nothing;

  const occRow = (
    o,
  ) => html`<li class="shift ${o.open ? 'open' : ''}" data-shift=${o.shift_id} data-occurrence=${o.occurrence}>
    <button class="appt-open" type="button" @click=${() => openOccurrence(o)}>
      <span class="appt-time">${fmtTime(o.start, zone)}–${fmtTime(o.end, zone)}</span>
      <span class="grow"><strong>${o.caregiver_name || t('shift_open')}</strong>
        ${o.visit ? html`<small class="visit">${visitText(o.visit)}</small>` : nothing}</span>
    </button>${actions(o)}</li>`;

  const week = () => {
    const days = new Map();
    for (const o of data.occurrences) {
      const k = dayKey(o.start, zone);
      if (!days.has(k)) days.set(k, []);
      days.get(k).push(o);
    }
    return days.size
      ? [...days].map(
          ([
            k,
            list,
          ]) => html`<section class="card day-shifts"><h2>${fmtWeekday(dayStart(k, zone) + 43200000, zone)}</h2>
          <ul class="list appts shifts">${list.map(occRow)}</ul></section>`,
        )
      : html`<p class="empty">${t('shift_none')}</p>`;
  };

  // My shift now: one I may work that is running or starts within the hour.
  const current = () => {
    const now = Date.now();
    const mine = me();
    return (data?.occurrences || []).find(
      (o) =>
        (o.caregiver_id === mine?.id || (o.open && writable)) &&
        now >= o.start - HOUR &&
        now < o.end + HOUR &&
        !o.visit?.checked_out_at,
    );
  };

  const show = () => {
    const cur = data && current();
    const handoff = data?.last_handoffs?.[sid];
    paint(
      html`<h1>${t('shifts')} · ${person()}</h1>
      <div class="daynav"><a class="icon-btn" href="#/shifts/${addDays(first, -7)}" aria-label=${t('shift_prev_week')}>${icon('back')}</a>
        <strong>${fmtDate(period.from + 43200000, zone)} – ${fmtDate(period.to - 43200000, zone)}</strong>
        <a class="icon-btn" href="#/shifts/${addDays(first, 7)}" aria-label=${t('shift_next_week')}>${icon('next')}</a></div>
      ${offline && data ? html`<p class="muted">${t('shift_offline')}</p>` : nothing}
      ${waiting ? html`<p class="muted" id="shift-waiting">${t('shift_queued')}</p>` : nothing}
      ${data ? html`<section class="card" id="last-handoff"><h2>${t('shift_last_handoff')}</h2>${handoffView(handoff, zone)}</section>` : nothing}
      ${cur ? html`<section class="card" id="my-shift"><h2>${t('shift_now')}</h2><ul class="list appts shifts">${occRow(cur)}</ul></section>` : nothing}
      ${data ? marks(data.gaps, 'gaps') : nothing}
      ${data ? marks(data.overlaps, 'overlaps') : nothing}
      ${data ? week() : offline ? html`<p class="empty">${t('err.offline')}</p>` : nothing}
      ${owner && sid ? html`<button class="btn block primary" type="button" id="add-shift" @click=${() => openForm(null)}>${icon('plus')}${t('shift_add')}</button>` : nothing}`,
      root,
    );
  };

  show();
  load();
  const off = on(['shifts', 'family', 'subject', 'online'], () => load());
  // A minute on, the buttons of a shift about to start appear.
  const tick = setInterval(show, 60000);
  return () => {
    off();
    clearInterval(tick);
  };
}

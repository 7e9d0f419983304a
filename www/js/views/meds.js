// views/meds.js — one person's medicines (#/meds, #/meds/YYYY-MM-DD): the
// day's doses with their states ("Given" in one tap, "Skip" with a reason;
// "given by Dana at 08:05" the moment any device records it; a second
// record of one dose shown as a conflict to remove or keep as an extra
// dose), the as-needed medicines (a dose before its minimum interval or
// over its 24-hour maximum asks first and says when it is safe), and the
// medications themselves with supply, refill warning, adherence over 7 and
// 30 days, the dose-due notification switch, and the form to add or change
// one (caregivers). Everything is computed from this device's copy
// (meds.js), so it works offline.
import { t, fmtTime, fmtDate, fmtNumber, fmtRelativeDay } from '../i18n.js';
import { html, nothing, paint, icon, sheet, field, confirmSheet, showError, latest, toast, errText } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import { get, post, patch, put, del, familyPath } from '../api.js';
import * as store from '../store.js';
import { log, save, remove } from '../actions.js';
import { todayKey } from '../summary.js';
import { dayStart, addDays, daysBetween, hhmm as hm } from '../time.js';
import { allMedications, daySchedule, supplyLeft, keepMedication, refreshMedications, timesOf } from '../meds.js';

const FORMS = ['tablet', 'liquid', 'drops', 'patch', 'inhaler', 'injection', 'other'];
const EVERY = [1, 2, 3, 4, 6, 8, 12, 24];

const amount = (m) => (m.dose ? `${fmtNumber(m.dose)}${m.unit ? ` ${m.unit}` : ''}` : '');

// "08:00, 20:00", "every 6 h from 02:00", "as needed, 4 h apart, at most 3 a day".
function scheduleText(m) {
  const s = m.schedule || {};
  if (s.kind === 'times') return timesOf(m).map(hm).join(', ');
  if (s.kind === 'interval') return t('every_n_hours', { n: s.every_hours, time: s.first_time });
  const parts = [t('as_needed')];
  if (s.min_interval_min) parts.push(t('min_apart', { n: fmtNumber(s.min_interval_min / 60) }));
  if (s.max_per_24h) parts.push(t('max_per_day', { n: s.max_per_24h }));
  return parts.join(' · ');
}

export function mount(root, { params = [] } = {}) {
  const key = params[0] && /^\d{4}-\d{2}-\d{2}$/.test(params[0]) ? params[0] : todayKey(tz());
  let data = null; // {sched, meds, left}
  const adherence = new Map(); // med id → {d7, d30}
  const writable = canWrite();

  const by = (name, at) => t('given_by_at', { name: name || '—', time: fmtTime(at, tz()) });

  async function give(slot) {
    // Someone may have given it a moment ago: the copy here says so.
    const fresh = data.sched.doses.find(
      (d) => d.medication_id === slot.medication_id && d.scheduled_at === slot.scheduled_at,
    );
    if (fresh?.state === 'given') {
      const yes = await confirmSheet(t('already_given', { who: by(fresh.by, fresh.at) }), t('record_another'), {
        danger: true,
      });
      if (!yes) return;
    }
    const med = data.meds.find((m) => m.id === slot.medication_id);
    await log(
      'medication_dose',
      clean({
        medication_id: slot.medication_id,
        status: 'given',
        scheduled_at: slot.scheduled_at,
        name: med?.name,
        dose: med?.dose ?? undefined,
        unit: med?.unit || undefined,
      }),
      { ts: Date.now() },
    );
  }

  function skip(slot) {
    const sh = sheet(
      t('skip_dose', { name: slot.name, time: slot.time }),
      html`<form class="sheet-body" @submit=${async (ev) => {
        ev.preventDefault();
        const reason = String(new FormData(ev.target).get('reason') || '').trim();
        sh.close();
        await log(
          'medication_dose',
          clean({
            medication_id: slot.medication_id,
            status: 'skipped',
            scheduled_at: slot.scheduled_at,
            name: slot.name,
            reason,
          }),
          { ts: Date.now() },
        );
      }}>
        ${field(t('field.reason'), 'skip-reason', html`<input id="skip-reason" name="reason" type="text" maxlength="200" placeholder=${t('skip_reason_ph')}>`)}
        <div class="row end"><button class="btn primary" type="submit">${t('skip')}</button></div>
      </form>`,
    );
  }

  async function giveAsNeeded(p) {
    const now = Date.now();
    if (p.next_safe_at && p.next_safe_at > now) {
      const why =
        p.max_per_24h && p.in_24h >= p.max_per_24h
          ? t('prn_max_reached', { n: p.in_24h, max: p.max_per_24h })
          : t('prn_too_soon', { time: fmtTime(p.last_at, tz()), n: fmtNumber(p.min_interval_min / 60) });
      const yes = await confirmSheet(
        `${why} ${t('prn_safe_from', { time: fmtTime(p.next_safe_at, tz()) })}`,
        t('give_anyway'),
        { danger: true },
      );
      if (!yes) return;
    }
    const med = data.meds.find((m) => m.id === p.medication_id);
    await log(
      'medication_dose',
      clean({
        medication_id: p.medication_id,
        status: 'given',
        name: med?.name,
        dose: med?.dose ?? undefined,
        unit: med?.unit || undefined,
      }),
      { ts: now },
    );
  }

  // A second record of a dose: gone (a mistake), or kept as an extra dose.
  async function resolve(c, keep) {
    const e = await store.getEntry(c.entry_id);
    if (!e) return;
    if (!keep) {
      await remove(e);
      return;
    }
    const { scheduled_at: _, ...value } = e.value;
    await save({ ...e, value: { ...value, notes: [value.notes, t('extra_dose_note')].filter(Boolean).join(' · ') } });
  }

  async function optin(m, on) {
    try {
      const res = await (on ? put : del)(familyPath(state.family.id, `/medications/${m.id}/optin`));
      await keepMedication(res);
    } catch (e) {
      toast(errText(e));
    }
  }

  const doseRow = (d) => {
    const open = ['due', 'late', 'missed'].includes(d.state);
    return html`<li class="dose ${d.state}" data-med=${d.medication_id} data-at=${String(d.scheduled_at)}>
      <span class="dose-time">${d.time}</span>
      <span class="grow"><strong>${d.name}</strong> ${amount(d)}
        <small class="state" data-state=${d.state}>${
          d.state === 'given'
            ? html`${by(d.by, d.at)}${d.on_time ? nothing : html` · ${t('given_late')}`}`
            : d.state === 'skipped'
              ? t('skipped_by', { name: d.by || '—', reason: d.reason || '—' })
              : t(`dose_state.${d.state}`)
        }</small>
        ${d.conflicts.map(
          (
            c,
          ) => html`<div class="conflict" role="alert">${icon('card')}<span>${t(c.status === 'given' ? 'also_given' : 'also_skipped', { name: c.by || '—', time: fmtTime(c.at, tz()) })}</span>
          ${
            writable
              ? html`<div class="row"><button class="btn" type="button" @click=${() => resolve(c, false)}>${t('remove_duplicate')}</button>
            <button class="btn" type="button" @click=${() => resolve(c, true)}>${t('both_given')}</button></div>`
              : nothing
          }</div>`,
        )}
      </span>
      ${
        writable && open
          ? html`<span class="dose-actions"><button class="btn primary give" type="button" @click=${() => give(d)}>${t('given')}</button>
        <button class="btn" type="button" @click=${() => skip(d)}>${t('skip')}</button></span>`
          : nothing
      }
    </li>`;
  };

  const prnRow = (p) => html`<li class="prn" data-med=${p.medication_id}>
    <span class="grow"><strong>${p.name}</strong> ${amount(p)}
      <small>${p.last_at ? t('last_given', { time: fmtTime(p.last_at, tz()) }) : t('not_given_yet')}${p.max_per_24h ? ` · ${t('n_of_max_24h', { n: p.in_24h, max: p.max_per_24h })}` : ''}${p.next_safe_at ? html` · <b>${t('prn_safe_from', { time: fmtTime(p.next_safe_at, tz()) })}</b>` : ''}</small></span>
    ${writable ? html`<button class="btn primary" type="button" @click=${() => giveAsNeeded(p)}>${t('give')}</button>` : nothing}
  </li>`;

  const medRow = (m) => {
    const left = data.left.get(m.id);
    const low = left != null && m.refill_at != null && left <= m.refill_at;
    const a = adherence.get(m.id);
    return html`<li class="med" data-med=${m.id}>
      <span class="grow"><strong>${m.name}</strong> ${amount(m)} ${m.active ? nothing : html`<span class="badge">${t('inactive')}</span>`}
        <small>${scheduleText(m)}${m.instructions ? ` · ${m.instructions}` : ''}</small>
        ${left != null ? html`<small class=${low ? 'low' : ''}>${t('supply_left', { n: fmtNumber(left), unit: m.unit || '' })}${low ? html` · <b>${t('refill_now')}</b>` : nothing}</small>` : nothing}
        ${a ? html`<small class="adherence">${t('adherence', { d7: a.d7 ?? '—', d30: a.d30 ?? '—' })}</small>` : nothing}
        <label class="check"><input type="checkbox" .checked=${!!m.opted_in} @change=${(ev) => optin(m, ev.target.checked)}>${t('notify_due')}</label>
      </span>
      ${writable ? html`<button class="btn" type="button" @click=${() => openForm(m)}>${t('edit')}</button>` : nothing}
    </li>`;
  };

  const show = () => {
    const subj = state.subject;
    if (!subj) {
      paint(html`<p class="empty">${t('no_people_yet')}</p>`, root);
      return;
    }
    const today = todayKey(tz());
    const diff = daysBetween(today, key);
    paint(
      html`<h1>${t('medicines_of', { name: subj.name })}</h1>
      <div class="daynav"><a class="icon-btn" href="#/meds/${addDays(key, -1)}" aria-label=${t('previous_day')}>${icon('back')}</a>
        <strong>${Math.abs(diff) <= 1 ? fmtRelativeDay(diff) : fmtDate(dayStart(key, tz()) + 43200000, tz())}</strong>
        <a class="icon-btn" href="#/meds/${addDays(key, 1)}" aria-label=${t('next_day')}>${icon('next')}</a></div>
      ${
        !data
          ? nothing
          : html`
      <section class="card"><h2>${t('doses')}</h2>${
        data.sched.doses.length
          ? html`<ul class="list doses">${data.sched.doses.map(doseRow)}</ul>`
          : html`<p class="muted">${t('no_doses')}</p>`
      }</section>
      ${data.sched.prn.length && key === today ? html`<section class="card"><h2>${t('as_needed')}</h2><ul class="list">${data.sched.prn.map(prnRow)}</ul></section>` : nothing}
      <section class="card"><h2>${t('medications')}</h2>${
        data.meds.length
          ? html`<ul class="list meds">${data.meds.map(medRow)}</ul>`
          : html`<p class="muted">${t('no_medications')}</p>`
      }
      ${writable ? html`<button class="btn block" type="button" id="add-med" @click=${() => openForm(null)}>${icon('plus')}${t('add_medication')}</button>` : nothing}</section>`
      }`,
      root,
    );
  };

  const draw = latest(async () => {
    if (!state.family || !state.subject) return show();
    const zone = tz();
    const now = Date.now();
    const meds = (await allMedications()).filter((m) => m.subject_id === state.subject.id);
    const since = Math.min(dayStart(key, zone) - 2 * 86400000, now - 8 * 86400000);
    const entries = await store.entriesSince(state.family.id, since);
    const left = new Map();
    for (const m of meds) {
      if (m.supply == null) continue;
      const counted = m.supply_at >= since ? entries : await store.entriesSince(state.family.id, m.supply_at);
      left.set(m.id, supplyLeft(m, counted));
    }
    data = { sched: daySchedule(meds, entries, key, zone, now, state.subject.id), meds, left };
    show();
  });

  // Adherence comes from the server (it counts a month of doses); shown when online.
  async function loadAdherence() {
    for (const m of data?.meds || []) {
      if (m.schedule?.kind === 'prn') continue;
      try {
        const [a, b] = await Promise.all(
          [7, 30].map((n) => get(familyPath(state.family.id, `/medications/${m.id}/history?days=${n}`))),
        );
        adherence.set(m.id, {
          d7: a.adherence == null ? null : `${a.adherence}%`,
          d30: b.adherence == null ? null : `${b.adherence}%`,
        });
      } catch {
        return;
      }
    }
    show();
  }

  function openForm(m) {
    const s = m?.schedule || { kind: 'times', times: ['08:00'] };
    let kind = s.kind;
    const id = (k) => `med-${k}`;
    async function submit(ev) {
      ev.preventDefault();
      const f = Object.fromEntries(new FormData(ev.target));
      const num = (v) => (v === '' || v == null ? null : Number(v));
      const schedule =
        kind === 'times'
          ? {
              kind,
              times: String(f.times || '')
                .split(/[\s,;]+/)
                .filter(Boolean),
            }
          : kind === 'interval'
            ? { kind, every_hours: Number(f.every_hours), first_time: f.first_time }
            : {
                kind,
                min_interval_min: f.min_interval_h ? Math.round(Number(f.min_interval_h) * 60) : null,
                max_per_24h: num(f.max_per_24h),
              };
      const body = {
        name: f.name.trim(),
        form: f.form,
        dose: num(f.dose),
        unit: f.unit.trim(),
        instructions: f.instructions.trim(),
        prescriber: f.prescriber.trim(),
        pharmacy_phone: f.pharmacy_phone.trim(),
        start_date: f.start_date || undefined,
        end_date: f.end_date || null,
        active: f.active === 'on',
        missed_urgent: f.missed_urgent === 'on',
        schedule,
        refill_at: num(f.refill_at),
      };
      // A supply typed in is a new count from now; left as shown, it stays.
      if (f.supply !== '' && (!m || Number(f.supply) !== data.left.get(m.id))) body.supply = Number(f.supply);
      if (!m && f.supply === '') body.supply = null;
      try {
        const res = m
          ? await patch(familyPath(state.family.id, `/medications/${m.id}`), body)
          : await post(familyPath(state.family.id, '/medications'), { ...body, subject_id: state.subject.id });
        await keepMedication(res);
        sh.close();
      } catch (e) {
        showError(ev.target, errText(e));
      }
    }
    async function removeMed() {
      if (!(await confirmSheet(t('remove_medication_q', { name: m.name }), t('delete'), { danger: true }))) return;
      try {
        await del(familyPath(state.family.id, `/medications/${m.id}`));
        await keepMedication({ ...m, deleted: true, version: m.version + 1 });
        sh.close();
      } catch (e) {
        toast(errText(e));
      }
    }
    const opt = (v, cur, label) => html`<option value=${v} ?selected=${String(v) === String(cur)}>${label}</option>`;
    const body = () => html`<form class="sheet-body" @submit=${submit}>
      ${field(t('name'), id('name'), html`<input id=${id('name')} name="name" type="text" required maxlength="100" .value=${m?.name || ''}>`)}
      <div class="row two">
        ${field(t('field.form'), id('form'), html`<select id=${id('form')} name="form">${FORMS.map((x) => opt(x, m?.form || 'tablet', t(`form.${x}`)))}</select>`)}
        ${field(t('field.dose'), id('dose'), html`<input id=${id('dose')} name="dose" type="number" step="any" min="0" .value=${m?.dose ?? ''}>`)}
        ${field(t('field.unit'), id('unit'), html`<input id=${id('unit')} name="unit" type="text" maxlength="20" .value=${m?.unit || ''}>`)}
      </div>
      ${field(
        t('schedule'),
        id('kind'),
        html`<select id=${id('kind')} @change=${(ev) => {
          kind = ev.target.value;
          sh.redraw();
        }}>${['times', 'interval', 'prn'].map((k) => opt(k, kind, t(`schedule.${k}`)))}</select>`,
      )}
      ${
        kind === 'times'
          ? field(
              t('times_of_day'),
              id('times'),
              html`<input id=${id('times')} name="times" type="text" dir="ltr" required .value=${(s.times || ['08:00']).join(', ')}>`,
              { hint: t('times_hint') },
            )
          : kind === 'interval'
            ? html`<div class="row two">${field(t('every_hours'), id('every'), html`<select id=${id('every')} name="every_hours">${EVERY.map((n) => opt(n, s.every_hours || 8, String(n)))}</select>`)}
              ${field(t('first_time'), id('first'), html`<input id=${id('first')} name="first_time" type="time" required .value=${s.first_time || '08:00'}>`)}</div>`
            : html`<div class="row two">${field(t('min_interval_h'), id('minint'), html`<input id=${id('minint')} name="min_interval_h" type="number" min="0" step="0.5" .value=${s.min_interval_min ? s.min_interval_min / 60 : ''}>`)}
              ${field(t('max_per_24h'), id('max'), html`<input id=${id('max')} name="max_per_24h" type="number" min="1" max="100" .value=${s.max_per_24h ?? ''}>`)}</div>`
      }
      ${field(t('instructions'), id('instr'), html`<textarea id=${id('instr')} name="instructions" maxlength="1000" .value=${m?.instructions || ''}></textarea>`)}
      <div class="row two">
        ${field(t('start_date'), id('start'), html`<input id=${id('start')} name="start_date" type="date" .value=${m?.start_date || todayKey(tz())}>`)}
        ${field(t('end_date'), id('end'), html`<input id=${id('end')} name="end_date" type="date" .value=${m?.end_date || ''}>`)}
      </div>
      <div class="row two">
        ${field(t('supply'), id('supply'), html`<input id=${id('supply')} name="supply" type="number" min="0" step="any" .value=${m ? (data.left.get(m.id) ?? '') : ''}>`)}
        ${field(t('refill_at'), id('refill'), html`<input id=${id('refill')} name="refill_at" type="number" min="0" step="any" .value=${m?.refill_at ?? ''}>`)}
      </div>
      ${field(t('prescriber'), id('presc'), html`<input id=${id('presc')} name="prescriber" type="text" maxlength="100" .value=${m?.prescriber || ''}>`)}
      ${field(t('pharmacy_phone'), id('pharm'), html`<input id=${id('pharm')} name="pharmacy_phone" type="tel" dir="ltr" maxlength="40" .value=${m?.pharmacy_phone || ''}>`)}
      <label class="check"><input type="checkbox" name="active" .checked=${m ? m.active : true}>${t('active')}</label>
      <label class="check"><input type="checkbox" name="missed_urgent" .checked=${!!m?.missed_urgent}>${t('missed_urgent')}</label>
      <p class="error" role="alert" hidden></p>
      <div class="sheet-actions">${m ? html`<button class="btn danger" type="button" @click=${removeMed}>${icon('trash')}${t('delete')}</button>` : nothing}
        <button class="btn primary grow" type="submit">${m ? t('save_changes') : t('add_medication')}</button></div>
    </form>`;
    const sh = sheet(m ? m.name : t('add_medication'), body, { wide: true });
  }

  show();
  draw().then(() => {
    if (state.online) loadAdherence();
  });
  if (state.online) refreshMedications();
  const off = on(['entries', 'medications', 'subject', 'family'], () => draw());
  const tick = setInterval(draw, 30000); // late becomes missed without anyone tapping
  return () => {
    off();
    clearInterval(tick);
  };
}

// A value without the fields left undefined or empty.
function clean(v) {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''));
}

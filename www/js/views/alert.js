// views/alert.js — the emergency alert. #/alert raises one: a type, an
// optional message, "share my location" asked at that moment, and a button
// that must be held for two seconds (its progress shown; a tap does
// nothing). It goes out at once; with no network it stays on this device as
// "not sent", is retried until it goes (the server ignores a repeat of the
// same id), and the screen shows the emergency numbers meanwhile.
// showAlert() is the full-screen alert every open app shows when an alert
// event arrives (notices.js): red, a sound and vibration where allowed, who
// raised it and why, the emergency card of the people cared for with call
// buttons, "I'm on my way" / "I can't" with everyone's answers live, and
// resolve with a note (the sender or an owner).
import { t, fmtDateTime } from '../i18n.js';
import { html, nothing, paint, icon, toast, backTo, latest } from '../ui.js';
import { state, on, isOwner, tz } from '../state.js';
import { get, post, familyPath, ApiError } from '../api.js';
import { backoffDelay } from '../outbox.js';
import { uuidv7 } from '../uuid.js';
import * as store from '../store.js';
import { cachedProfile, telHref } from '../care.js';

const TYPES = ['fall', 'breathing', 'chest_pain', 'confusion', 'other'];
const HOLD_MS = 2000;
const OUTBOX = 'alert-outbox';
const SENT_HERE = 'carelog.alerts-sent';
// Both numbers: 112 works across Europe (and on most GSM phones anywhere),
// 911 in the Americas; the person knows which is theirs.
const EMERGENCY_NUMBERS = ['112', '911'];

const sentHere = new Set(JSON.parse(localStorage.getItem(SENT_HERE) || '[]'));
const hidden = new Set();
let shownId = null;
let shown = null;
let overlay = null;
let attempt = 0;
let retryTimer = null;
let audio = null;

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

// ---------- the outbox: alerts not sent yet ----------

const outboxList = async () => (await store.getMeta(OUTBOX).catch(() => null)) || [];

async function outboxDrop(id) {
  await store.setMeta(
    OUTBOX,
    (await outboxList()).filter((x) => x.id !== id),
  );
}

// Sends what waits; what cannot go now is tried again later (and when the
// browser is online again). A refusal (4xx) is final and said.
export async function retryOutbox() {
  clearTimeout(retryTimer);
  let failed = false;
  for (const item of await outboxList()) {
    const { family_id: fid, ...body } = item;
    try {
      const a = await post(familyPath(fid, '/alerts'), body);
      await outboxDrop(item.id);
      showAlert(a);
    } catch (e) {
      const final = e instanceof ApiError && e.status >= 400 && e.status < 500 && ![408, 429].includes(e.status);
      if (final) {
        await outboxDrop(item.id);
        toast(errText(e));
      } else {
        failed = true;
      }
    }
  }
  if (failed) {
    attempt += 1;
    retryTimer = setTimeout(retryOutbox, backoffDelay(attempt, { base: 3000, max: 30000 }));
  } else {
    attempt = 0;
  }
  emitOutbox();
}
addEventListener('online', () => retryOutbox());

const outboxListeners = new Set();
async function emitOutbox() {
  const list = await outboxList();
  for (const fn of outboxListeners) fn(list);
}

async function raise(body) {
  const item = { ...body, id: uuidv7(), family_id: state.family.id };
  // Marked before it is sent: its stream event may arrive before the answer.
  sentHere.add(item.id);
  localStorage.setItem(SENT_HERE, JSON.stringify([...sentHere].slice(-50)));
  await store.setMeta(OUTBOX, [...(await outboxList()), item]);
  await emitOutbox();
  await retryOutbox();
}

// ---------- sound and vibration ----------

function alarm() {
  try {
    navigator.vibrate?.([600, 200, 600, 200, 600, 200, 1200]);
  } catch {
    // not allowed here
  }
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    const now = audio.currentTime;
    for (let i = 0; i < 6; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'square';
      osc.frequency.value = i % 2 ? 660 : 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.4);
      osc.stop(now + i * 0.4 + 0.3);
    }
  } catch {
    // no sound without a user gesture on some browsers: the screen and vibration stay
  }
}

function silence() {
  if (audio) audio.close().catch(() => {});
  audio = null;
  try {
    navigator.vibrate?.(0);
  } catch {
    // nothing to stop
  }
}

// ---------- the full-screen alert ----------

const canResolve = (a) => isOwner() || sentHere.has(a.id);

async function answer(a, value) {
  silence();
  try {
    showAlert(await post(familyPath(a.family_id, `/alerts/${a.id}/answer`), { answer: value }));
  } catch (e) {
    toast(errText(e));
  }
}

async function resolve(a, form) {
  const note = new FormData(form).get('note') || '';
  try {
    showAlert(await post(familyPath(a.family_id, `/alerts/${a.id}/resolve`), { note }));
  } catch (e) {
    toast(errText(e));
  }
}

function hide() {
  silence();
  if (shownId) hidden.add(shownId);
  shownId = null;
  if (overlay) overlay.remove();
  overlay = null;
  document.body.classList.remove('alerting');
}

const call = (number, who) =>
  html`<a class="btn call" href=${telHref(number)}>${icon('phone')}<span>${who ? `${who} · ` : ''}<span dir="ltr">${number}</span></span></a>`;

async function cards() {
  const out = [];
  for (const s of state.subjects) out.push({ s, p: await cachedProfile(s.id).catch(() => null) });
  return out;
}

const drawOverlay = latest(async () => {
  const a = shown;
  if (!a || !overlay) return;
  const people = await cards();
  const answers = a.answers || [];
  paint(
    html`<div class="alert-inner">
      <p class="alert-kicker">${icon('bell')}${a.resolved_at ? t('alert_resolved_kicker') : t('alert_kicker')}</p>
      <h1 id="alert-title">${t('alert_title', { type: t(`alert_type.${a.type}`) })}</h1>
      <p id="alert-from">${t('alert_from', { name: a.sender?.name || '?' })} · ${fmtDateTime(a.created_at, tz())}</p>
      ${a.message ? html`<p class="alert-message">${a.message}</p>` : nothing}
      ${
        a.location
          ? html`<p><a href="https://www.openstreetmap.org/?mlat=${a.location.lat}&mlon=${a.location.lon}#map=17/${a.location.lat}/${a.location.lon}"
            target="_blank" rel="noopener">${t('alert_location', { m: Math.round(a.location.accuracy || 0) })}</a></p>`
          : nothing
      }
      ${
        a.resolved_at
          ? html`<p id="alert-resolved">${t('alert_resolved_by', { name: a.resolved_by?.name || '?' })}${a.resolve_note ? html`: <q>${a.resolve_note}</q>` : nothing}</p>`
          : html`<div class="row alert-answer">
          <button class="btn big" type="button" id="on-my-way" @click=${() => answer(a, 'on_my_way')}>${t('alert_on_my_way')}</button>
          <button class="btn big" type="button" id="cannot" @click=${() => answer(a, 'cannot')}>${t('alert_cannot')}</button></div>`
      }
      <section><h2>${t('alert_answers')}</h2>
        ${
          answers.length
            ? html`<ul class="plain" id="alert-answers">${answers.map(
                (x) =>
                  html`<li data-answer=${x.answer}><strong>${x.name}</strong>: ${t(`alert_answer.${x.answer}`)}</li>`,
              )}</ul>`
            : html`<p id="alert-answers-none">${t('alert_no_answers')}</p>`
        }</section>
      <section class="alert-calls"><h2>${t('alert_call')}</h2>
        <div class="row">${EMERGENCY_NUMBERS.map((n) => call(n, t('emergency_number')))}</div>
        ${people.map(
          ({ s, p }) => html`<div class="alert-card"><h3>${s.name}</h3>
          ${
            p
              ? html`<p>${t('blood_type')}: <b>${p.blood_type || '—'}</b> · ${t('allergies')}: <b>${p.allergies || t('none_known')}</b></p>
          ${p.conditions ? html`<p>${p.conditions}</p>` : nothing}
          <div class="row">${(p.emergency_contacts || []).map((c) => (c.phone ? call(c.phone, c.name) : nothing))}
          ${p.gp?.phone ? call(p.gp.phone, p.gp.name || t('gp')) : nothing}</div>`
              : nothing
          }
          <a href="#/card/${s.id}" @click=${hide}>${t('emergency_card')}</a></div>`,
        )}</section>
      ${
        !a.resolved_at && canResolve(a)
          ? html`<form class="stack" id="alert-resolve" @submit=${(e) => {
              e.preventDefault();
              resolve(a, e.target);
            }}><label for="alert-note">${t('alert_resolve_note')}</label>
          <textarea id="alert-note" name="note" maxlength="1000" rows="2"></textarea>
          <button class="btn" type="submit">${t('alert_resolve')}</button></form>`
          : nothing
      }
      <button class="btn" type="button" id="alert-hide" @click=${hide}>${t('alert_hide')}</button>
    </div>`,
    overlay,
  );
});

// Shows (or updates) the full-screen alert. An alert hidden here, or one
// already resolved when it first arrives, only updates what is shown
// (unless asked for by name: #/alert/<id>, from a notification or the inbox).
export function showAlert(a, { force = false } = {}) {
  if (!a?.id) return;
  if (shownId === a.id) {
    if ((shown?.seq ?? 0) > (a.seq ?? 0)) return; // an older event arriving late
    shown = a;
    drawOverlay();
    return;
  }
  if (!force && (a.resolved_at || hidden.has(a.id))) return;
  hidden.delete(a.id);
  shown = a;
  shownId = a.id;
  if (!overlay) {
    overlay = document.createElement('div');
    overlay.className = 'alert-screen';
    overlay.id = 'alert-screen';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-labelledby', 'alert-title');
    document.body.append(overlay);
    document.body.classList.add('alerting');
  }
  drawOverlay().then(() => overlay?.querySelector('h1')?.focus?.());
  if (!sentHere.has(a.id)) alarm();
}
on('alert', (a) => {
  if (shownId === a?.id) showAlert(a);
});

// ---------- raising one (#/alert) ----------

export function mount(root, { params = [] } = {}) {
  let type = TYPES[0];
  let pending = [];
  let progress = 0;
  let holdStart = 0;
  let frame = 0;
  let sending = false;
  const fid = state.family.id;

  if (params[0]) {
    get(familyPath(fid, `/alerts/${encodeURIComponent(params[0])}`))
      .then((a) => showAlert(a, { force: true }))
      .catch((e) => toast(errText(e)));
  }

  const fire = async () => {
    const form = root.querySelector('#alert-form');
    const data = new FormData(form);
    const body = { type, message: data.get('message') || '' };
    sending = true;
    draw();
    if (data.get('location') && navigator.geolocation) {
      body.location = await new Promise((resolve) =>
        navigator.geolocation.getCurrentPosition(
          (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
          () => resolve(null),
          { enableHighAccuracy: true, timeout: 5000, maximumAge: 60000 },
        ),
      );
      if (!body.location) delete body.location;
    }
    await raise(body);
    sending = false;
    form.reset();
    draw();
  };

  const tick = () => {
    progress = Math.min(1, (performance.now() - holdStart) / HOLD_MS);
    const bar = root.querySelector('#hold-progress');
    if (bar) bar.value = Math.round(progress * 100);
    if (progress >= 1) {
      holdStart = 0;
      fire();
      return;
    }
    frame = requestAnimationFrame(tick);
  };
  const holdOn = (e) => {
    if (e.type === 'keydown' && ((e.key !== ' ' && e.key !== 'Enter') || e.repeat)) return;
    e.preventDefault();
    if (holdStart || sending) return;
    holdStart = performance.now();
    frame = requestAnimationFrame(tick);
  };
  const holdOff = () => {
    cancelAnimationFrame(frame);
    holdStart = 0;
    progress = 0;
    const bar = root.querySelector('#hold-progress');
    if (bar) bar.value = 0;
  };

  function draw() {
    paint(
      html`${backTo('#/home', t('alert_raise'))}
      <form class="stack alert-form" id="alert-form" @submit=${(e) => e.preventDefault()}>
        <fieldset><legend>${t('alert_type_q')}</legend>
          <div class="seg wrap">${TYPES.map(
            (k) => html`<label class="check"><input type="radio" name="type" value=${k} .checked=${type === k}
              @change=${() => {
                type = k;
              }}>${t(`alert_type.${k}`)}</label>`,
          )}</div></fieldset>
        <label for="alert-message">${t('alert_message')}</label>
        <textarea id="alert-message" name="message" maxlength="500" rows="2"></textarea>
        <label class="check"><input type="checkbox" name="location" id="alert-location">${t('alert_share_location')}</label>
        <button class="hold" type="button" id="hold" aria-describedby="hold-help" ?disabled=${sending}
          @pointerdown=${holdOn} @pointerup=${holdOff} @pointerleave=${holdOff} @pointercancel=${holdOff}
          @keydown=${holdOn} @keyup=${holdOff} @contextmenu=${(e) => e.preventDefault()}>
          ${sending ? t('alert_sending') : t('alert_hold')}
          <progress id="hold-progress" max="100" value="0"></progress></button>
        <p class="muted" id="hold-help">${t('alert_hold_help')}</p>
      </form>
      ${
        pending.length
          ? html`<section class="alert-unsent" id="alert-unsent" role="alert"><h2>${t('alert_not_sent')}</h2>
          <p>${t('alert_not_sent_help')}</p>
          <div class="row">${EMERGENCY_NUMBERS.map((n) => call(n, t('emergency_number')))}</div></section>`
          : nothing
      }`,
      root,
    );
  }

  const onOutbox = (list) => {
    pending = list.filter((x) => x.family_id === fid);
    draw();
  };
  outboxListeners.add(onOutbox);
  outboxList().then(onOutbox);
  draw();
  return () => {
    outboxListeners.delete(onOutbox);
    cancelAnimationFrame(frame);
  };
}

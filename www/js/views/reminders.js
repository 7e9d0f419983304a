// views/reminders.js — the family's reminders: "feed due N hours after the
// last feed", "diaper due", "N hours since the last <type>" for any type
// (the family's own too: the chooser lists them), a daily time, or once. Caregivers create, pause
// and delete them; everyone chooses whether they are notified ("notify me"),
// and turns on notifications for this device (push.js).
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { html, nothing, paint, live, field, icon, toast, latest, backTo, showError } from '../ui.js';
import { state, canWrite, tz } from '../state.js';
import { get, post, patch, del, put, familyPath, ApiError } from '../api.js';
import { pushSupported, pushEnabled, enablePush } from '../push.js';
import { toLocalInput } from './form.js';
import { typesFor } from '../entries.js';
import { typeName } from '../describe.js';

const KINDS = ['feed_due', 'diaper_due', 'since_last', 'daily', 'once'];

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

function when(r) {
  if (r.kind === 'feed_due' || r.kind === 'diaper_due')
    return t(`rem.${r.kind}_n`, { n: fmtNumber(r.interval_min / 60) });
  if (r.kind === 'since_last')
    return t('rem.since_last_n', { n: fmtNumber(r.interval_min / 60), type: typeName(r.entry_type) });
  if (r.kind === 'daily') return t('rem.daily_at', { time: r.time });
  return t('rem.once_at', { when: fmtDateTime(r.at, tz()) });
}

export function mount(root) {
  const fid = state.family.id;
  let list = [];
  let failed = '';
  let loaded = false;
  let pushOn = true;
  let kind = KINDS[0];

  // Every change is followed by a fresh list from the server.
  const change = (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      toast(errText(e));
    }
    draw();
  };
  const path = (r, rest = '') => familyPath(fid, `/reminders/${r.id}${rest}`);
  const optIn = (r, on) => change(() => (on ? put(path(r, '/optin')) : del(path(r, '/optin'))))();
  const pause = (r) => change(() => patch(path(r), { enabled: !r.enabled }));
  const remove = (r) => change(() => del(path(r)));
  const turnPushOn = async () => {
    try {
      await enablePush();
    } catch {
      toast(t('push_failed'));
    }
    draw();
  };

  async function add(ev) {
    ev.preventDefault();
    const form = ev.target;
    const f = Object.fromEntries(new FormData(form));
    const body = { subject_id: f.subject, kind: f.kind, label: f.label.trim() };
    if (f.kind === 'daily') body.time = f.time;
    else if (f.kind === 'once') body.at = new Date(f.at).getTime();
    else body.interval_min = Math.round(Number(f.hours) * 60);
    if (f.kind === 'since_last') body.entry_type = f.entry_type;
    try {
      await post(familyPath(fid, '/reminders'), body);
      showError(form, '');
      form.reset();
      kind = KINDS[0];
      draw();
    } catch (e) {
      showError(form, errText(e));
    }
  }

  const row = (r) => {
    const name = r.label || (r.kind === 'since_last' ? typeName(r.entry_type) : t(`rem.kind.${r.kind}`));
    const subject = state.subjects.find((s) => s.id === r.subject_id)?.name || '—';
    return html`<li data-id=${r.id}>
      <span class="grow"><strong>${name}</strong> · ${subject}<div class="muted">${when(r)}${r.enabled ? '' : ` · ${t('rem.paused')}`}</div></span>
      <label class="check"><input type="checkbox" .checked=${live(r.opted_in)} @change=${(ev) => optIn(r, ev.target.checked)}>${t('rem.notify_me')}</label>
      ${
        canWrite()
          ? html`<button class="btn" type="button" aria-label="${r.enabled ? t('rem.pause') : t('rem.resume')} ${name}" @click=${pause(r)}>${r.enabled ? t('rem.pause') : t('rem.resume')}</button>
        <button class="icon-btn" type="button" aria-label="${t('delete')} ${name}" @click=${remove(r)}>${icon('trash')}</button>`
          : nothing
      }
    </li>`;
  };

  const timing = () => {
    if (kind === 'daily')
      return field(t('rem.time'), 'rem-time', html`<input id="rem-time" name="time" type="time" value="09:00">`);
    if (kind === 'once')
      return field(
        t('rem.at'),
        'rem-at',
        html`<input id="rem-at" name="at" type="datetime-local" value=${toLocalInput(Date.now() + 3600000)}>`,
      );
    const hours = field(
      t('rem.hours'),
      'rem-hours',
      html`<input id="rem-hours" name="hours" type="number" inputmode="decimal" min="0.25" max=${kind === 'since_last' ? 168 : 48} step="0.25" value="3">`,
    );
    if (kind !== 'since_last') return hours;
    // Every type the server takes: the catalogue's and the family's (not archived).
    const chooser = field(
      t('rem.type'),
      'rem-type',
      html`<select id="rem-type" name="entry_type">${typesFor().map((ty) => html`<option value=${ty}>${typeName(ty)}</option>`)}</select>`,
    );
    return html`${chooser}${hours}`;
  };

  const newForm = () => html`<form class="card" @submit=${add}>
    <h2>${t('rem.new')}</h2>
    ${field(
      t('rem.kind'),
      'rem-kind',
      html`<select id="rem-kind" name="kind" @change=${(ev) => {
        kind = ev.target.value;
        show();
      }}>${KINDS.map((k) => html`<option value=${k}>${t(`rem.kind.${k}`)}</option>`)}</select>`,
    )}
    ${field(
      t('rem.who'),
      'rem-who',
      html`<select id="rem-who" name="subject">${state.subjects.map(
        (s) => html`<option value=${s.id} ?selected=${state.subject && s.id === state.subject.id}>${s.name}</option>`,
      )}</select>`,
    )}
    ${timing()}
    ${field(t('rem.label'), 'rem-label', html`<input id="rem-label" name="label" type="text" maxlength="60" placeholder=${t('rem.label_ph')}>`)}
    <p class="error" role="alert" hidden></p>
    <button class="btn primary block" type="submit">${icon('plus')}${t('rem.add')}</button>
  </form>`;

  const body = () => html`${
    pushOn
      ? nothing
      : html`<section class="card row between"><span>${t('push_off')}</span>
      <button class="btn primary" type="button" @click=${turnPushOn}>${t('push_enable')}</button></section>`
  }
    ${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}
    ${!failed && !list.length ? html`<p class="empty">${t('rem.none')}</p>` : nothing}
    ${list.length ? html`<ul class="list card reminders">${list.map(row)}</ul>` : nothing}
    ${canWrite() ? newForm() : nothing}`;
  const show = () =>
    paint(html`${backTo('#/settings', t('reminders'))}<div class="stack">${loaded ? body() : nothing}</div>`, root);

  const draw = latest(async () => {
    try {
      list = (await get(familyPath(fid, '/reminders'))).reminders || [];
      failed = '';
    } catch (e) {
      list = [];
      failed = errText(e);
    }
    pushOn = !pushSupported() || (await pushEnabled());
    loaded = true;
    show();
  });
  show();
  draw();
}

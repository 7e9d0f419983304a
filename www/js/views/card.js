// views/card.js — the emergency card of one person (#/card/<sid>): blood
// type, allergies and conditions, current medicines, the people to call and
// the doctor and hospital with big numbers that dial on tap, insurance and
// notes. It reads this device's copy first, so it opens with no network
// (the app shell is precached, the profile kept by care.js), and prints as
// a page of its own (Print; the print styles drop the app around it).
import { t, fmtDate, fmtNumber } from '../i18n.js';
import { html, nothing, paint, icon, latest } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import { cachedProfile, loadProfile, telHref } from '../care.js';
import { medicationsOf } from '../meds.js';

// Whole years from a YYYY-MM-DD birth date to today.
function age(birth) {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number);
  const now = new Date();
  let years = now.getFullYear() - y;
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) years -= 1;
  return years;
}

const phoneLink = (phone, who) =>
  phone
    ? html`<a class="phone" href=${telHref(phone)} aria-label="${t('call')} ${who}: ${phone}">${icon('phone')}<span dir="ltr">${phone}</span></a>`
    : nothing;

const place = (titleKey, p) =>
  p && (p.name || p.phone || p.address)
    ? html`<section class="card-block"><h2>${t(titleKey)}</h2>
    ${p.name ? html`<p><strong>${p.name}</strong></p>` : nothing}
    ${p.address ? html`<p class="address">${p.address}</p>` : nothing}
    ${phoneLink(p.phone, p.name || t(titleKey))}</section>`
    : nothing;

export function mount(root, { params = [] } = {}) {
  const sid = params[0] || state.subject?.id;
  let profile = null;
  let offline = false;
  let failed = false;
  let meds = [];

  const person = () => state.subjects.find((s) => s.id === sid) || null;

  const show = () => {
    const s = person();
    if (!s) {
      paint(html`<p class="empty">${t('no_people_yet')}</p>`, root);
      return;
    }
    const p = profile;
    const years = age(p?.birth_date ?? s.birth_date);
    paint(
      html`<article class="ecard" aria-labelledby="ecard-name">
      <header class="ecard-head">
        <p class="ecard-title">${icon('card')}${t('emergency_card')}</p>
        <h1 id="ecard-name">${s.name}</h1>
        <p class="muted">${[
          p?.birth_date || s.birth_date
            ? `${t('born')} ${fmtDate(Date.parse(`${p?.birth_date || s.birth_date}T12:00:00Z`), 'UTC')}`
            : '',
          years !== null && years >= 0 ? t('age_years', { n: years }) : '',
        ]
          .filter(Boolean)
          .join(' · ')}</p>
      </header>
      ${
        !p
          ? html`<p class="muted">${failed ? t('card_unavailable') : t('loading')}</p>`
          : html`
      <div class="ecard-vital">
        <div><small>${t('blood_type')}</small><b class="blood">${p.blood_type || '—'}</b></div>
        <div class="allergies"><small>${t('allergies')}</small><b>${p.allergies || t('none_known')}</b></div>
      </div>
      ${p.conditions ? html`<section class="card-block"><h2>${t('conditions')}</h2><p class="pre">${p.conditions}</p></section>` : nothing}
      <section class="card-block"><h2>${t('current_medicines')}</h2>${
        meds.length
          ? html`<ul class="plain">${meds.map(
              (m) =>
                html`<li><strong>${m.name}</strong>${m.dose ? ` ${fmtNumber(m.dose)} ${m.unit || ''}` : ''}${m.instructions ? html` <span class="muted">· ${m.instructions}</span>` : nothing}</li>`,
            )}</ul>`
          : html`<p class="muted">${t('none_recorded')}</p>`
      }</section>
      <section class="card-block"><h2>${t('emergency_contacts')}</h2>${
        p.emergency_contacts.length
          ? html`<ul class="plain contacts">${p.emergency_contacts.map(
              (c) =>
                html`<li><strong>${c.name}</strong>${c.relation ? html` <span class="muted">(${c.relation})</span>` : nothing}${phoneLink(c.phone, c.name)}</li>`,
            )}</ul>`
          : html`<p class="muted">${t('none_recorded')}</p>`
      }</section>
      ${place('gp', p.gp)}
      ${place('hospital', p.hospital)}
      ${p.insurance_number ? html`<section class="card-block"><h2>${t('insurance_number')}</h2><p dir="ltr" class="mono">${p.insurance_number}</p></section>` : nothing}
      ${p.notes ? html`<section class="card-block"><h2>${t('field.notes')}</h2><p class="pre">${p.notes}</p></section>` : nothing}
      <p class="muted small">${p.updated_at ? t('card_updated', { when: fmtDate(p.updated_at, tz()), name: p.updated_by || '—' }) : t('card_empty')}${offline ? html` · <span id="card-offline">${t('offline_copy')}</span>` : nothing}</p>`
      }
      <div class="row no-print">
        <button class="btn primary" type="button" id="card-print" @click=${() => window.print()}>${icon('print')}${t('print')}</button>
        ${canWrite() ? html`<a class="btn" href="#/profile/${sid}">${icon('user')}${t('edit_profile')}</a>` : nothing}
      </div>
    </article>`,
      root,
    );
  };

  const refresh = latest(async () => {
    if (!state.family || !sid) return;
    meds = (await medicationsOf(sid).catch(() => [])).filter((m) => m.active);
    const cached = await cachedProfile(sid);
    if (cached && !profile) {
      profile = cached;
      offline = !state.online;
      show();
    }
    try {
      ({ profile, offline } = await loadProfile(sid));
    } catch {
      failed = !profile;
      offline = !!profile;
    }
    show();
  });

  show();
  refresh();
  const off = on(['profile', 'subjects', 'medications', 'online'], (p) => {
    if (p?.subject_id && p.subject_id === sid) profile = p;
    refresh();
  });
  return off;
}

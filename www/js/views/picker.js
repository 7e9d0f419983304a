// views/picker.js — choose the family and the person cared for (the choice
// is remembered on this device), create a first family, and the landing
// after opening an access link ("welcome").
import { t } from '../i18n.js';
import { html, nothing, paint, field, icon, css, showError } from '../ui.js';
import { state, on } from '../state.js';
import { post, get, ApiError } from '../api.js';
import { openFamily, chooseSubject, adoptSession, rename } from '../session.js';
import { go } from '../router.js';
import { subjectForm } from './settings.js';
import { zonePicker } from '../zones.js';

const colourOf = (s) => (/^#[0-9a-f]{6}$/i.test(s.colour || '') ? s.colour : null);

export function mount(root, { name }) {
  const joined = state.joined || (name === 'welcome' ? state.family || state.families[0] : null);
  if (name === 'welcome' && joined) {
    // A guest device is named after its link ("Grandma"); it may say who it is.
    const guest = state.me.user.guest;
    const enter = async () => {
      const wanted = guest && root.querySelector('#guest-name').value.trim();
      if (wanted && wanted !== state.me.user.name) await rename(wanted).catch(() => {});
      state.joined = null;
      await openFamily(joined);
      go(state.subject ? 'home' : 'pick');
    };
    paint(
      html`<div class="stack"><div class="card">
      <img src="/icons/logo.svg" alt="" width="64" height="64">
      <h1>${t('welcome_title')}</h1>
      <p>${t('welcome_text', { family: joined.name, role: t(`role.${joined.role}`) })}</p>
      <p class="muted">${joined.role === 'viewer' ? t('welcome_viewer') : t('welcome_caregiver')}</p>
      ${guest ? field(t('your_name'), 'guest-name', html`<input id="guest-name" type="text" maxlength="80" autocomplete="name" aria-describedby="guest-name-hint" .value=${state.me.user.name || ''}>`, { hint: t('name_hint') }) : nothing}
      <button class="btn primary block" type="button" @click=${enter}>${t('continue')}</button>
    </div></div>`,
      root,
    );
    return undefined;
  }

  async function newFamily(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    try {
      const fam = await post('/families', { name: f.name.trim(), timezone: f.timezone.trim() });
      await adoptSession(await get('/auth/me'));
      await openFamily(state.families.find((x) => x.id === fam.id) || fam);
      go('pick');
    } catch (e) {
      showError(ev.target, e instanceof ApiError ? Object.values(e.fields)[0] || e.message : String(e));
    }
  }

  const zone = state.me.user.guest ? null : zonePicker(Intl.DateTimeFormat().resolvedOptions().timeZone, () => show());
  const chosen = (current, item) => (current && current.id === item.id ? 'primary' : '');

  const families = () =>
    state.families.length
      ? html`<ul class="list card">${state.families.map(
          (f) => html`<li>
        <span class="grow"><strong>${f.name}</strong><div class="muted">${t(`role.${f.role}`)}</div></span>
        <button class="btn ${chosen(state.family, f)}" type="button" aria-label="${t('open')} ${f.name}" @click=${async () => {
          await openFamily(f);
          show();
        }}>${t('open')}</button>
      </li>`,
        )}</ul>`
      : html`<p class="muted">${t('no_family_yet')}</p>`;

  const subjects = () => {
    if (!state.family) return nothing;
    const added = async () => {
      await openFamily(state.family, { fresh: true });
      show();
    };
    return html`<h2>${t('choose_person', { family: state.family.name })}</h2>${
      state.subjects.length
        ? html`<ul class="list card">${state.subjects.map(
            (s) => html`<li>
          <span class="swatch" data-c=${s.colour || ''} ${css({ background: colourOf(s) })}></span>
          <span class="grow"><strong>${s.name}</strong><div class="muted">${t(`kind.${s.kind}`)}</div></span>
          <button class="btn ${chosen(state.subject, s)}" type="button" aria-label="${t('choose')} ${s.name}" @click=${() => {
            chooseSubject(s);
            go('home');
          }}>${t('choose')}</button>
        </li>`,
          )}</ul>`
        : html`<p class="muted">${t('no_people_yet')}</p>${state.family.role === 'owner' ? subjectForm(null, added) : nothing}`
    }`;
  };

  const newFamilyForm = () => html`<details class="card" ?open=${state.families.length === 0}>
    <summary class="label">${t('new_family')}</summary>
    <form @submit=${newFamily}>
      ${field(t('family_name'), 'fam-name', html`<input id="fam-name" name="name" type="text" required autocomplete="off">`)}
      ${zone('fam-zone')}
      <p class="error" role="alert" hidden></p>
      <button class="btn primary block" type="submit">${icon('plus')}${t('create')}</button>
    </form></details>`;

  const show = () =>
    paint(
      html`<div class="stack">
    <h1>${t('choose_family')}</h1>
    ${state.me.user.is_admin || state.me.user.is_consultant ? html`<a class="btn block" href="#/admin">${icon('grid')}${t('console.open')}</a>` : nothing}
    ${families()}
    <div>${subjects()}</div>
    ${state.me.user.guest ? nothing : newFamilyForm()}
  </div>`,
      root,
    );

  show();
  return on('subjects', show);
}

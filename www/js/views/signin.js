// views/signin.js — sign in, create an account (with an invite code when
// the instance is invite-only), and opening an access link someone sent.
import { t } from '../i18n.js';
import { h, field } from '../ui.js';
import { get, post, ApiError } from '../api.js';
import { adoptSession, go } from '../app.js';

export function render(main, { name }) {
  const register = name === 'register';
  const errors = h('p', { class: 'error', role: 'alert', hidden: true });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, inputmode: 'email' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: register ? 'new-password' : 'current-password', required: true, minlength: register ? 8 : null });
  const nameInput = h('input', { type: 'text', name: 'name', autocomplete: 'name', required: true });
  const invite = h('input', { type: 'text', name: 'invite', autocomplete: 'off' });
  const submit = h('button', { class: 'btn primary block', type: 'submit' }, register ? t('create_account') : t('sign_in'));

  const form = h('form', { class: 'card stack', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    errors.hidden = true;
    submit.disabled = true;
    try {
      const body = { email: email.value.trim(), password: password.value };
      if (register) {
        body.name = nameInput.value.trim();
        if (invite.value.trim()) body.invite = invite.value.trim();
      }
      await post(register ? '/auth/register' : '/auth/login', body);
      await adoptSession(await get('/auth/me'));
      go('home');
    } catch (err) {
      errors.hidden = false;
      errors.textContent = err instanceof ApiError
        ? (err.status === 0 ? t('err.offline') : err.status === 401 ? t('err.credentials') : err.status === 429 ? t('err.throttled') : err.status === 403 && register ? t('err.closed') : (Object.values(err.fields)[0] || err.message))
        : String(err);
    } finally {
      submit.disabled = false;
    }
  } },
    h('h1', {}, register ? t('create_account') : t('sign_in')),
    register ? field(t('your_name'), nameInput) : null,
    field(t('email'), email),
    field(t('password'), password, { hint: register ? t('password_hint') : '' }),
    register ? field(t('invite_code'), invite, { hint: t('invite_hint') }) : null,
    errors,
    submit,
    h('p', { class: 'muted' }, register
      ? h('a', { class: 'tap', href: '#/signin' }, t('have_account'))
      : h('a', { class: 'tap', href: '#/register' }, t('no_account'))));

  const link = h('input', { type: 'url', name: 'link', placeholder: 'https://…/join/…', autocomplete: 'off' });
  const linkForm = h('form', { class: 'card', onsubmit: (ev) => {
    ev.preventDefault();
    const m = link.value.trim().match(/\/join\/([A-Za-z0-9_-]+)/) || link.value.trim().match(/^([A-Za-z0-9_-]{16,})$/);
    if (m) location.assign(`/join/${m[1]}`);
    else link.setAttribute('aria-invalid', 'true');
  } },
    h('h2', {}, t('have_link')),
    field(t('paste_link'), link),
    h('button', { class: 'btn block', type: 'submit' }, t('open_link')));

  main.append(h('div', { class: 'signin' },
    h('div', { class: 'brand' }, h('img', { src: '/icons/logo.svg', alt: '', width: 56, height: 56 }), h('div', {}, h('strong', {}, 'carelog'), h('div', { class: 'muted' }, t('tagline')))),
    form, linkForm));
  (register ? nameInput : email).focus();
}

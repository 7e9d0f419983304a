// views/signin.js — sign in, create an account (with an invite code when
// the instance is invite-only), opening an access link someone sent, and
// setting a new password with a one-time reset link (#/reset/<token>).
import { t } from '../i18n.js';
import { html, nothing, paint, field } from '../ui.js';
import { get, post, ApiError } from '../api.js';
import { adoptSession } from '../session.js';
import { state, savePrefs } from '../state.js';
import { go } from '../router.js';
import { passkeysSupported, signInWithPasskey } from '../passkey.js';

function errorText(err, register) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  if (err.status === 410) return t('reset_dead');
  if (err.status === 401) return t('err.credentials');
  if (err.status === 429) return t('err.throttled');
  if (err.status === 403 && register) return t('err.closed');
  return Object.values(err.fields)[0] || err.message;
}

// The reset link's screen: a new password, then signed in (everywhere
// else signed out) as the person the link is for.
function mountReset(root, token) {
  let error = '';
  let busy = false;

  async function save(ev) {
    ev.preventDefault();
    const password = new FormData(ev.target).get('password');
    error = '';
    busy = true;
    show();
    try {
      const before = state.me?.user?.id;
      await post('/auth/reset', { token, password });
      const me = await get('/auth/me');
      if (before && before !== me.user.id) {
        // A shared phone: what the last person had open is not theirs.
        state.family = null;
        savePrefs({ familyId: null, subjectId: null });
      }
      await adoptSession(me);
      go('home');
    } catch (err) {
      error = errorText(err, false);
    } finally {
      busy = false;
      show();
    }
  }

  const show = () =>
    paint(
      html`<div class="signin">
    <div class="brand"><img src="/icons/logo.svg" alt="" width="56" height="56"><div><strong>carelog</strong><div class="muted">${t('tagline')}</div></div></div>
    <form class="card stack" novalidate @submit=${save}>
      <h1>${t('reset_title')}</h1>
      <p class="muted">${t('reset_help')}</p>
      ${field(
        t('password'),
        'rs-password',
        html`<input id="rs-password" type="password" name="password" required autocomplete="new-password" minlength="10">`,
        { hint: t('password_hint') },
      )}
      <p class="error" role="alert" ?hidden=${!error}>${error}</p>
      <button class="btn primary block" type="submit" ?disabled=${busy}>${t('reset_save')}</button>
      <p class="muted"><a class="tap" href="#/signin">${t('sign_in')}</a></p>
    </form></div>`,
      root,
    );
  show();
  root.querySelector('#rs-password').focus();
}

// "Forgot password": a reset link by email. The server answers alike for
// any address, so the screen says the same thing whatever was typed.
function mountForgot(root) {
  let note = '';
  let error = '';
  let busy = false;

  async function ask(ev) {
    ev.preventDefault();
    const email = String(new FormData(ev.target).get('email')).trim();
    note = error = '';
    busy = true;
    show();
    try {
      await post('/auth/forgot', { email });
      note = t('forgot_sent');
    } catch (err) {
      error = err instanceof ApiError && err.code === 'mail_unavailable' ? t('forgot_no_mail') : errorText(err, false);
    } finally {
      busy = false;
      show();
    }
  }

  const show = () =>
    paint(
      html`<div class="signin">
    <div class="brand"><img src="/icons/logo.svg" alt="" width="56" height="56"><div><strong>carelog</strong><div class="muted">${t('tagline')}</div></div></div>
    <form class="card stack" novalidate @submit=${ask}>
      <h1>${t('forgot_title')}</h1>
      <p class="muted">${t('forgot_help')}</p>
      ${field(t('email'), 'fg-email', html`<input id="fg-email" type="email" name="email" autocomplete="username" required inputmode="email">`)}
      <p class="error" role="alert" ?hidden=${!error}>${error}</p>
      <p role="status" ?hidden=${!note}>${note}</p>
      <button class="btn primary block" type="submit" ?disabled=${busy}>${t('forgot_send')}</button>
      <p class="muted"><a class="tap" href="#/signin">${t('sign_in')}</a></p>
    </form></div>`,
      root,
    );
  show();
  root.querySelector('#fg-email').focus();
}

export function mount(root, { name, params = [] }) {
  if (name === 'reset') return mountReset(root, params[0] || '');
  if (name === 'forgot') return mountForgot(root);
  const register = name === 'register';
  let error = '';
  let busy = false;
  let badLink = false;

  async function signIn(ev) {
    ev.preventDefault();
    const form = Object.fromEntries(new FormData(ev.target));
    error = '';
    busy = true;
    show();
    try {
      const body = { email: form.email.trim(), password: form.password };
      if (register) {
        body.name = form.name.trim();
        if (form.invite.trim()) body.invite = form.invite.trim();
      }
      await post(register ? '/auth/register' : '/auth/login', body);
      await adoptSession(await get('/auth/me'));
      go('home');
    } catch (err) {
      error = errorText(err, register);
    } finally {
      busy = false;
      show();
    }
  }

  async function passkey() {
    error = '';
    busy = true;
    show();
    try {
      await signInWithPasskey();
      await adoptSession(await get('/auth/me'));
      go('home');
    } catch (err) {
      // The person closed the browser's dialog: nothing to say.
      error = err?.name === 'NotAllowedError' ? '' : err instanceof ApiError ? t('passkey_refused') : String(err);
    } finally {
      busy = false;
      show();
    }
  }

  function openLink(ev) {
    ev.preventDefault();
    const link = new FormData(ev.target).get('link').trim();
    const m = link.match(/\/join\/([A-Za-z0-9_-]+)/) || link.match(/^([A-Za-z0-9_-]{16,})$/);
    if (m) location.assign(`/join/${m[1]}`);
    badLink = !m;
    show();
  }

  const title = register ? t('create_account') : t('sign_in');
  const view = () => html`<div class="signin">
    <div class="brand"><img src="/icons/logo.svg" alt="" width="56" height="56"><div><strong>carelog</strong><div class="muted">${t('tagline')}</div></div></div>
    <form class="card stack" novalidate @submit=${signIn}>
      <h1>${title}</h1>
      ${register ? field(t('your_name'), 'su-name', html`<input id="su-name" type="text" name="name" autocomplete="name" required>`) : nothing}
      ${field(t('email'), 'su-email', html`<input id="su-email" type="email" name="email" autocomplete="username" required inputmode="email">`)}
      ${field(
        t('password'),
        'su-password',
        html`<input id="su-password" type="password" name="password" required
          autocomplete=${register ? 'new-password' : 'current-password'} minlength=${register ? 10 : nothing}>`,
        { hint: register ? t('password_hint') : '' },
      )}
      ${register ? field(t('invite_code'), 'su-invite', html`<input id="su-invite" type="text" name="invite" autocomplete="off">`, { hint: t('invite_hint') }) : nothing}
      <p class="error" role="alert" ?hidden=${!error}>${error}</p>
      <button class="btn primary block" type="submit" ?disabled=${busy}>${title}</button>
      ${!register && passkeysSupported() ? html`<button class="btn block" type="button" ?disabled=${busy} @click=${passkey}>${t('passkey_sign_in')}</button>` : nothing}
      <p class="muted">${
        register
          ? html`<a class="tap" href="#/signin">${t('have_account')}</a>`
          : html`<a class="tap" href="#/register">${t('no_account')}</a> · <a class="tap" href="#/forgot">${t('forgot_link')}</a>`
      }</p>
    </form>
    <form class="card" @submit=${openLink}>
      <h2>${t('have_link')}</h2>
      ${field(t('paste_link'), 'su-link', html`<input id="su-link" type="url" name="link" placeholder="https://…/join/…" autocomplete="off" aria-invalid=${badLink ? 'true' : nothing}>`)}
      <button class="btn block" type="submit">${t('open_link')}</button>
    </form>
  </div>`;
  const show = () => paint(view(), root);

  show();
  root.querySelector(register ? '#su-name' : '#su-email').focus();
}

// views/account.js — the person's own account: name and password,
// notifications on this device, install, signed-in devices, and sign out.
// (Language, units and theme are under Settings → Units and language.)
import { t, fmtDateTime, fmtRelative } from '../i18n.js';
import { html, nothing, paint, field, icon, toast, confirmSheet, latest, backTo, seg } from '../ui.js';
import { state } from '../state.js';
import { get, patch, del, post, ApiError } from '../api.js';
import { signedOut, rename } from '../session.js';
import { canInstall, install, needsIosInstructions, isStandalone } from '../pwa.js';
import { pushSupported, pushEnabled, enablePush, disablePush, sendTestPush } from '../push.js';
import { passkeysSupported, addPasskey } from '../passkey.js';

export function mount(root) {
  let pushOn = false;
  let sessions = null; // null: not loaded (offline)
  let passkeys = null; // null: not loaded, or a guest device
  let loaded = false;

  // The family digest by email; the server refuses it where no mail is set up.
  async function pickDigest(digest) {
    try {
      const res = await patch('/auth/me', { digest });
      if (res?.user) state.me.user = { ...state.me.user, ...res.user };
      toast(t('saved'));
    } catch (e) {
      toast(e instanceof ApiError ? Object.values(e.fields)[0] || e.message : String(e));
    }
    draw();
  }

  async function saveProfile(ev) {
    ev.preventDefault();
    const form = ev.target;
    const f = Object.fromEntries(new FormData(form));
    const body = { name: f.name.trim() };
    try {
      if (f.password) {
        body.password = f.password;
        body.current_password = f.current_password;
        await patch('/auth/me', body);
        form.elements.current_password.value = '';
        form.elements.password.value = '';
      }
      await rename(body.name);
      toast(t('saved'));
    } catch (e) {
      toast(e instanceof ApiError ? Object.values(e.fields)[0] || e.message : String(e));
    }
  }

  async function turnPushOn() {
    try {
      toast((await enablePush()) === 'on' ? t('push_on') : t('push_blocked'));
    } catch {
      toast(t('push_failed'));
    }
    draw();
  }

  async function testPush() {
    try {
      await sendTestPush();
      toast(t('push_test_sent'));
    } catch {
      toast(t('push_failed'));
    }
  }

  async function signOutDevice(s) {
    try {
      await del(`/auth/sessions/${encodeURIComponent(s.id)}`);
      draw();
    } catch (e) {
      toast(String(e.message));
    }
  }

  const errText = (e) => (e instanceof ApiError ? Object.values(e.fields)[0] || e.message : String(e));

  async function refreshMe() {
    const me = await get('/auth/me').catch(() => null);
    if (me?.user) state.me.user = me.user;
  }

  async function newPasskey(ev) {
    ev.preventDefault();
    const name = String(new FormData(ev.target).get('name') || '').trim();
    try {
      await addPasskey(name || undefined);
      toast(t('passkey_added'));
      await refreshMe();
    } catch (e) {
      if (e?.name !== 'NotAllowedError') toast(errText(e));
    }
    draw();
  }

  async function removePasskey(pk) {
    try {
      await del(`/auth/passkeys/${encodeURIComponent(pk.id)}`);
      await refreshMe();
    } catch (e) {
      toast(errText(e));
    }
    draw();
  }

  // A member with a passkey may drop the password (the current one proves it).
  async function removePassword(ev) {
    ev.preventDefault();
    const current = new FormData(ev.target).get('current_password');
    try {
      const res = await patch('/auth/me', { password: null, current_password: current });
      if (res?.user) state.me.user = { ...state.me.user, ...res.user };
      toast(t('password_removed'));
    } catch (e) {
      toast(errText(e));
    }
    draw();
  }

  async function signOutOthers() {
    for (const s of sessions || []) {
      if (s.current) continue;
      await del(`/auth/sessions/${encodeURIComponent(s.id)}`).catch(() => {});
    }
    draw();
  }

  async function signOut() {
    if (
      state.pending > 0 &&
      !(await confirmSheet(t('signout_pending', { n: state.pending }), t('sign_out'), { danger: true }))
    )
      return;
    try {
      await post('/auth/logout', {});
    } catch {
      /* signed out locally anyway */
    }
    await signedOut(true);
  }

  const profileCard = (user) => html`<form class="card" @submit=${saveProfile}>
    <h2>${t('profile')}</h2>
    ${field(t('your_name'), 'acct-name', html`<input id="acct-name" name="name" type="text" required maxlength="80" .value=${user.name || ''} autocomplete="name" aria-describedby="acct-name-hint">`, { hint: t('name_hint') })}
    ${
      user.guest
        ? nothing
        : html`${field(t('current_password'), 'acct-current', html`<input id="acct-current" name="current_password" type="password" autocomplete="current-password">`)}
    ${field(t('new_password'), 'acct-new', html`<input id="acct-new" name="password" type="password" autocomplete="new-password" minlength="10">`)}`
    }
    <button class="btn" type="submit">${t('save_changes')}</button>
  </form>`;

  const pushCard = () => {
    if (!pushSupported()) return nothing;
    const denied = Notification.permission === 'denied';
    return html`<section class="card"><h2>${t('push_title')}</h2>
      <p class="muted" role="status">${pushOn ? t('push_on') : denied ? t('push_blocked') : t('push_off')}</p>
      <div class="row">${
        pushOn
          ? html`<button class="btn" type="button" @click=${async () => {
              await disablePush().catch(() => {});
              draw();
            }}>${t('push_disable')}</button>
            <button class="btn" type="button" @click=${testPush}>${t('push_test')}</button>`
          : html`<button class="btn primary" type="button" ?disabled=${denied} @click=${turnPushOn}>${t('push_enable')}</button>`
      }</div>
    </section>`;
  };

  const installCard = () => {
    if (isStandalone()) return nothing;
    if (canInstall()) {
      return html`<section class="card row between"><span>${t('install_text')}</span>
        <button class="btn primary" type="button" @click=${async () => {
          await install();
          draw();
        }}>${icon('download')}${t('install')}</button></section>`;
    }
    if (needsIosInstructions()) return html`<section class="card"><p>${t('ios_install')}</p></section>`;
    return nothing;
  };

  const passkeyCard = (user) => {
    if (!passkeys || !passkeysSupported()) return nothing;
    return html`<section class="card"><h2>${t('passkeys')}</h2><p class="muted">${t('passkeys_help')}</p>
      <ul class="list passkeys">${passkeys.map(
        (pk) => html`<li><span class="grow"><strong>${pk.name}</strong>
          <div class="muted">${fmtDateTime(pk.created_at)}${pk.last_used_at ? ` · ${t('last_seen')} ${fmtRelative(Date.now() - pk.last_used_at)}` : ''}</div></span>
          <button class="btn danger" type="button" aria-label="${t('remove')} ${pk.name}" @click=${() => removePasskey(pk)}>${t('remove')}</button></li>`,
      )}</ul>
      <form class="row" @submit=${newPasskey}>
        ${field(t('passkey_name'), 'pk-name', html`<input id="pk-name" name="name" type="text" maxlength="60" autocomplete="off">`)}
        <button class="btn primary" type="submit">${t('passkey_add')}</button>
      </form>
      ${
        user.has_password && passkeys.length
          ? html`<form class="stack" @submit=${removePassword}>
        ${field(t('current_password'), 'pk-current', html`<input id="pk-current" name="current_password" type="password" autocomplete="current-password">`)}
        <button class="btn" type="submit">${t('password_remove')}</button></form>`
          : nothing
      }
    </section>`;
  };

  const sessionRow = (s) => html`<li>
    <span class="grow"><strong>${s.device || t('unknown_device')}</strong>${s.current ? ` (${t('this_device')})` : ''}
      <div class="muted">${t('last_seen')} ${fmtRelative(Date.now() - s.last_seen_at)} · ${fmtDateTime(s.created_at)}</div></span>
    ${s.current ? nothing : html`<button class="btn danger" type="button" aria-label="${t('sign_out_device')} ${s.device || ''}" @click=${() => signOutDevice(s)}>${t('sign_out_device')}</button>`}
  </li>`;

  const view = () => {
    const user = state.me?.user || {};
    return html`${backTo('#/settings', t('account'))}
    ${
      loaded
        ? html`<div class="stack">
      <p class="muted">${user.guest ? t('guest_device') : user.email || ''}</p>
      ${user.is_admin || user.is_consultant ? html`<a class="btn block" href="#/admin" id="open-console">${icon('grid')}${t('console.open')}</a>` : nothing}
      ${profileCard(user)}
      ${user.guest ? nothing : passkeyCard(user)}
      ${user.guest ? nothing : html`<section class="card">${seg('digest', ['off', 'daily', 'weekly'], user.digest || 'off', pickDigest, (x) => t(`digest.${x}`))}</section>`}
      ${pushCard()}
      ${installCard()}
      ${
        sessions
          ? html`<section class="card"><h2>${t('devices')}</h2><ul class="list">${sessions.map(sessionRow)}</ul>
        ${sessions.length > 1 ? html`<button class="btn" type="button" @click=${signOutOthers}>${t('sign_out_others')}</button>` : nothing}</section>`
          : nothing
      }
      <button class="btn danger block" type="button" id="signout" @click=${signOut}>${t('sign_out')}</button>
    </div>`
        : nothing
    }`;
  };

  const draw = latest(async () => {
    pushOn = pushSupported() && (await pushEnabled());
    passkeys = state.me?.user?.guest
      ? null
      : await get('/auth/passkeys').then(
          (r) => r.passkeys || [],
          () => null,
        );
    sessions = await get('/auth/sessions').then(
      (r) => r.sessions || [],
      () => null,
    );
    loaded = true;
    paint(view(), root);
  });
  paint(view(), root);
  draw();
}

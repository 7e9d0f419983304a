// views/account.js — the person's own settings: language (saved to the
// account), units and theme (this device), install, signed-in devices, and
// sign out.
import { t, setLang, getLang, LANGS, fmtDateTime, fmtRelative } from '../i18n.js';
import { h, fill, field, icon, toast, confirmSheet } from '../ui.js';
import { state, savePrefs, applyTheme } from '../state.js';
import { get, patch, del, post, ApiError } from '../api.js';
import { signedOut, go } from '../app.js';
import { canInstall, install, needsIosInstructions, isStandalone } from '../pwa.js';
import { pushSupported, pushEnabled, enablePush, disablePush, sendTestPush } from '../push.js';

const LANG_NAMES = { en: 'English', he: 'עברית', fr: 'Français' };

export function render(main) {
  const box = h('div', { class: 'stack' });
  main.append(h('div', { class: 'row' }, h('a', { class: 'icon-btn', href: '#/settings', 'aria-label': t('back') }, icon('back')), h('h1', {}, t('account_settings'))), box);

  function seg(labelKey, options, current, onPick, nameOf) {
    const id = `seg-${labelKey}`;
    return h('div', { class: 'field' }, h('span', { class: 'label', id }, t(labelKey)),
      h('div', { class: 'seg', role: 'group', 'aria-labelledby': id }, options.map((o) => h('button', {
        type: 'button', 'aria-pressed': String(current === o), lang: labelKey === 'language' ? o : null, onclick: () => onPick(o),
      }, nameOf(o)))));
  }

  async function draw() {
    const user = (state.me && state.me.user) || {};
    fill(box, 
      h('section', { class: 'card' },
        h('h2', {}, user.guest ? t('guest_device') : user.email || ''),
        seg('language', LANGS, getLang(), async (l) => {
          savePrefs({ lang: l });
          await setLang(l);
          if (!user.guest) patch('/auth/me', { locale: l }).catch(() => {});
          go('account');
        }, (l) => LANG_NAMES[l]),
        seg('units', ['metric', 'imperial'], state.prefs.units, (u) => { savePrefs({ units: u }); draw(); }, (u) => t(`units.${u}`)),
        seg('theme', ['system', 'light', 'dark'], state.prefs.theme, (th) => { savePrefs({ theme: th }); applyTheme(); draw(); }, (th) => t(`theme.${th}`))),
      user.guest ? null : nameCard(user),
      await pushCard(),
      installCard(),
      await sessionsCard(),
      h('button', { class: 'btn danger block', type: 'button', id: 'signout', onclick: async () => {
        if (state.pending > 0 && !(await confirmSheet(t('signout_pending', { n: state.pending }), t('sign_out'), { danger: true }))) return;
        try { await post('/auth/logout', {}); } catch { /* signed out locally anyway */ }
        await signedOut(true);
      } }, t('sign_out')));
  }

  function nameCard(user) {
    const name = h('input', { type: 'text', value: user.name || '', autocomplete: 'name' });
    const cur = h('input', { type: 'password', autocomplete: 'current-password' });
    const pw = h('input', { type: 'password', autocomplete: 'new-password', minlength: 8 });
    return h('form', { class: 'card', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { name: name.value.trim() };
      if (pw.value) { body.password = pw.value; body.current_password = cur.value; }
      try {
        const res = await patch('/auth/me', body);
        if (res && res.user) state.me.user = { ...state.me.user, ...res.user };
        toast(t('saved'));
        cur.value = ''; pw.value = '';
      } catch (e) { toast(e instanceof ApiError ? (Object.values(e.fields)[0] || e.message) : String(e)); }
    } }, h('h2', {}, t('profile')), field(t('your_name'), name), field(t('current_password'), cur), field(t('new_password'), pw),
    h('button', { class: 'btn', type: 'submit' }, t('save_changes')));
  }

  async function pushCard() {
    if (!pushSupported()) return null;
    const on = await pushEnabled();
    const status = h('p', { class: 'muted', role: 'status' }, on ? t('push_on') : Notification.permission === 'denied' ? t('push_blocked') : t('push_off'));
    return h('section', { class: 'card' }, h('h2', {}, t('push_title')), status,
      h('div', { class: 'row' },
        on
          ? h('button', { class: 'btn', type: 'button', onclick: async () => { await disablePush().catch(() => {}); draw(); } }, t('push_disable'))
          : h('button', { class: 'btn primary', type: 'button', disabled: Notification.permission === 'denied', onclick: async () => {
            try {
              const r = await enablePush();
              toast(r === 'on' ? t('push_on') : t('push_blocked'));
            } catch (e) { toast(t('push_failed')); }
            draw();
          } }, t('push_enable')),
        on ? h('button', { class: 'btn', type: 'button', onclick: async () => { try { await sendTestPush(); toast(t('push_test_sent')); } catch { toast(t('push_failed')); } } }, t('push_test')) : null));
  }

  function installCard() {
    if (isStandalone()) return null;
    if (canInstall()) return h('section', { class: 'card row between' }, h('span', {}, t('install_text')), h('button', { class: 'btn primary', type: 'button', onclick: async () => { await install(); draw(); } }, icon('download'), t('install')));
    if (needsIosInstructions()) return h('section', { class: 'card' }, h('p', {}, t('ios_install')));
    return null;
  }

  async function sessionsCard() {
    let sessions = [];
    try { sessions = (await get('/auth/sessions')).sessions || []; } catch { return null; }
    return h('section', { class: 'card' }, h('h2', {}, t('devices')), h('ul', { class: 'list' }, sessions.map((s) => h('li', {},
      h('span', { class: 'grow' }, h('strong', {}, s.device || t('unknown_device')), s.current ? ` (${t('this_device')})` : '',
        h('div', { class: 'muted' }, `${t('last_seen')} ${fmtRelative(Date.now() - s.last_seen_at)} · ${fmtDateTime(s.created_at)}`)),
      s.current ? null : h('button', { class: 'btn danger', type: 'button', 'aria-label': `${t('sign_out_device')} ${s.device || ''}`, onclick: async () => {
        try { await del(`/auth/sessions/${encodeURIComponent(s.id)}`); draw(); } catch (e) { toast(String(e.message)); }
      } }, t('sign_out_device'))))));
  }

  draw();
}

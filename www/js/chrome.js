// chrome.js — what surrounds every screen: the top bar (the person shown,
// who else is online, the microphone), the status line (offline, changes
// waiting) and the bottom tabs.
import { state, canWrite } from './state.js';
import { t } from './i18n.js';
import { go } from './router.js';
import { html, nothing, paint, icon, css } from './ui.js';

const TABS = [
  ['home', 'home', 'tab_home'],
  ['timeline', 'list', 'tab_timeline'],
  ['trends', 'chart', 'tab_trends'],
  ['settings', 'gear', 'tab_settings'],
];
// Screens reached from a tab, which stays marked.
const UNDER = {
  day: 'trends',
  account: 'settings',
  reminders: 'settings',
  buttons: 'settings',
  card: 'home',
  profile: 'home',
  meds: 'home',
  calendar: 'home',
  inbox: 'home',
  alert: 'home',
};

export function renderChrome(view) {
  // The console draws its own header and has no family tabs.
  const signedIn = !!state.me && !!state.family && view !== 'admin';
  const bar = document.getElementById('topbar');
  const tabs = document.getElementById('tabs');
  bar.hidden = !signedIn;
  tabs.hidden = !signedIn;
  document.body.classList.toggle('no-tabs', !signedIn);
  if (signedIn) {
    const tab = UNDER[view] || view;
    tabs.setAttribute('aria-label', t('nav_main'));
    paint(
      TABS.map(
        ([path, ic, key]) =>
          html`<a href="#/${path}" aria-current=${tab === path ? 'page' : nothing}>${icon(ic)}<span>${t(key)}</span></a>`,
      ),
      tabs,
    );
    renderTopbar();
  }
  renderStatus();
}

function initials(name) {
  return (name || '?')
    .trim()
    .split(/\s+/)
    .map((w) => w[0])
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

const speech = () => 'SpeechRecognition' in window || 'webkitSpeechRecognition' in window;
const openVoice = async () => (await import('./views/voicelog.js')).openVoice();

export function renderTopbar() {
  const bar = document.getElementById('topbar');
  if (bar.hidden) return;
  const subj = state.subject;
  const fam = state.family;
  const colour = subj && /^#[0-9a-f]{6}$/i.test(subj.colour || '') ? subj.colour : null;
  const me = state.me?.user;
  const others = state.presence.filter((n) => !me || n !== me.name);
  paint(
    html`<button class="who" type="button" title=${t('switch_person')} @click=${() => go('pick')}>
      <span class="avatar" aria-hidden="true" data-colour=${subj ? subj.colour || '' : ''} ${css({ background: colour })}>${initials(subj ? subj.name : fam.name)}</span>
      <span class="name">${subj ? subj.name : fam.name}<small>${fam.name}</small></span>
      <span class="visually-hidden"> — ${t('switch_person')}</span>
    </button>
    <span class="spacer"></span>
    <a class="icon-btn bell" href="#/inbox" id="bell" aria-label="${t('inbox')}: ${t('inbox_unread', { n: state.unread })}">${icon('bell')}${state.unread ? html`<span class="badge" id="unread">${state.unread > 99 ? '99+' : state.unread}</span>` : nothing}</a>
    ${others.length ? html`<span class="presence" title=${t('online_now')}><span class="dot" aria-hidden="true"></span><span>${others.join(', ')}</span></span>` : nothing}
    ${canWrite() && speech() ? html`<button class="icon-btn" type="button" id="mic" aria-label=${t('voice_log')} @click=${openVoice}>${icon('mic')}</button>` : nothing}`,
    bar,
  );
}

export function renderStatus() {
  const box = document.getElementById('status');
  const parts = [];
  if (!state.online) parts.push(t('offline_banner'));
  if (state.pending > 0) parts.push(t('pending', { n: state.pending }));
  box.hidden = parts.length === 0 || !state.me;
  paint(
    html`${icon('cloud')}<span id="pending-count" data-n=${String(state.pending)}>${parts.join(' · ')}</span>`,
    box,
  );
}

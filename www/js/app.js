// app.js — boots carelog: theme and language, the session (from the cache
// first so the app opens offline), the chosen family and person, sync, and
// the hash router that swaps views in <main>. The top bar and bottom tabs
// live here too.
import { state, on, emit, savePrefs, applyTheme, canWrite } from './state.js';
import { setLang, getLang, browserLang, preloadLang, t } from './i18n.js';
import { get, setCsrf, whenUnauthorized, familyPath, ApiError } from './api.js';
import * as store from './store.js';
import * as sync from './sync.js';
import { h, clear, fill, icon, toast } from './ui.js';
import { registerServiceWorker, watchInstall } from './pwa.js';
import { DEFAULT_CONFIG } from './entries.js';

const VIEWS = {
  home: () => import('./views/home.js'),
  timeline: () => import('./views/timeline.js'),
  day: () => import('./views/day.js'),
  trends: () => import('./views/trends.js'),
  settings: () => import('./views/settings.js'),
  account: () => import('./views/account.js'),
  reminders: () => import('./views/reminders.js'),
  buttons: () => import('./views/buttons.js'),
  pick: () => import('./views/picker.js'),
  signin: () => import('./views/signin.js'),
  welcome: () => import('./views/picker.js'),
};
const PUBLIC = new Set(['signin', 'register']);
let cleanup = null;
let routeSeq = 0;

// ---- session ----
export async function adoptSession(me, { fromCache = false } = {}) {
  state.me = me;
  state.families = (me.families || []).filter((f) => !f.archived);
  setCsrf(me.csrf_token, me.user && me.user.id);
  if (!fromCache) {
    await store.switchOwner(me.user.id);
    await store.setMeta('me', me);
    await store.setMeta('csrf', me.csrf_token);
  }
  const lang = effectiveLang();
  if (lang !== getLang()) await setLang(lang);
  if (!fromCache) {
    state.joined = newlyJoined();
    if (state.joined && document.documentElement.dataset.ready) go('welcome');
  }
  emit('session', me);
}

// The family this device just joined through an access link, if any: a
// guest's first visit, or a family new to this device where we are not the
// owner (a first sign-in on a device welcomes nobody).
function newlyJoined() {
  let known = null;
  try { known = JSON.parse(localStorage.getItem('carelog.knownFamilies') || 'null'); } catch { known = null; }
  const ids = state.families.map((f) => f.id);
  localStorage.setItem('carelog.knownFamilies', JSON.stringify([...new Set([...(known || []), ...ids])]));
  if (!known) return state.me.user && state.me.user.guest ? state.families[0] || null : null;
  return state.families.find((f) => !known.includes(f.id) && f.role !== 'owner') || null;
}

async function refreshSession(early = null) {
  try {
    const me = await (early || get('/auth/me', { quiet401: true }));
    await adoptSession(me);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await signedOut(false);
      return false;
    }
    return !!state.me; // offline: keep the cached session
  }
}

export async function signedOut(wipe = true) {
  sync.stop();
  state.me = null;
  state.family = null;
  state.families = [];
  setCsrf(null);
  if (wipe) await store.wipe();
  else await store.delMeta('me');
  savePrefs({ familyId: null, subjectId: null });
  go('signin');
}

// The language: this device's own choice, else the one the account chose
// (the server says null when it never chose), else the browser's.
export function effectiveLang() {
  const account = state.me && state.me.user && state.me.user.locale; // null: never chosen
  return state.prefs.lang || account || browserLang();
}

// ---- family and person ----
async function cachedThenFresh(key, path, apply, waitForNetwork) {
  const cached = await store.getMeta(key);
  if (cached !== undefined) apply(cached);
  const fresh = get(path).then(async (data) => { await store.setMeta(key, data); apply(data); }).catch(() => {});
  if (cached === undefined || waitForNetwork) await fresh;
}

// Open a family: cached lists first (offline), then the server's. `fresh`
// waits for the server (after a change the person just made).
export async function openFamily(fam, { fresh = false } = {}) {
  if (!fam) return;
  const same = state.family && state.family.id === fam.id;
  state.family = fam;
  savePrefs({ familyId: fam.id });
  if (!same) {
    state.subjects = [];
    state.subject = null;
    state.config = null;
    state.members = [];
    state.presence = [];
  }
  const fid = fam.id;
  await Promise.all([
    cachedThenFresh(`subjects:${fid}`, familyPath(fid, '/subjects'), (d) => { state.subjects = d.subjects || []; pickSubject(); emit('subjects'); }, fresh),
    cachedThenFresh(`config:${fid}`, familyPath(fid, '/config'), (d) => { state.config = d && d.groups && d.groups.length ? d : DEFAULT_CONFIG; emit('config'); }, fresh),
    cachedThenFresh(`members:${fid}`, familyPath(fid, '/members'), (d) => { state.members = d.members || []; emit('members'); }, fresh),
  ]);
  if (!state.config) state.config = DEFAULT_CONFIG;
  // Also when someone else is signed in now (the app opened on the cached
  // session of the previous person): their outbox is not this person's.
  if (!same || !state.streamUp || !sync.runningFor(fid, state.me.user.id)) await sync.start(fid);
  emit('family', fam);
}

function pickSubject() {
  state.subject = state.subjects.find((s) => s.id === state.prefs.subjectId) || state.subjects[0] || null;
}

export function chooseSubject(subject) {
  state.subject = subject;
  savePrefs({ subjectId: subject ? subject.id : null });
  emit('subject', subject);
}

function rememberedFamily() {
  return state.families.find((f) => f.id === state.prefs.familyId) || (state.families.length === 1 ? state.families[0] : null);
}

// ---- router ----
export function go(path) {
  const target = `#/${path}`;
  if (location.hash === target) route();
  else location.hash = target;
}

function parseHash() {
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: name || 'home', params: rest.map(decodeURIComponent) };
}

async function route() {
  const seq = ++routeSeq;
  let { name, params } = parseHash();
  if (!state.me && !PUBLIC.has(name)) { name = 'signin'; }
  if (state.me && PUBLIC.has(name)) name = 'home';
  if (state.me && state.joined) name = 'welcome';
  if (state.me && !state.family && !['pick', 'welcome', 'account'].includes(name)) {
    const fam = rememberedFamily();
    if (fam) await openFamily(fam);
    else name = 'pick';
  }
  let action = null;
  if (name === 'log' || name === 'start') { action = { kind: name, type: params[0] }; name = 'home'; }
  const viewName = name === 'register' ? 'signin' : name;
  const load = VIEWS[viewName] || VIEWS.home;
  const mod = await load();
  if (seq !== routeSeq) return;
  if (cleanup) { try { cleanup(); } catch (err) { console.error(err); } }
  const main = clear(document.getElementById('main'));
  renderChrome(viewName);
  cleanup = mod.render(main, { name, params, action }) || null;
  if (action) history.replaceState(null, '', '#/home');
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// ---- chrome: top bar, tabs, status ----
const TABS = [
  ['home', 'home', 'tab_home'],
  ['timeline', 'list', 'tab_timeline'],
  ['trends', 'chart', 'tab_trends'],
  ['settings', 'gear', 'tab_settings'],
];

function renderChrome(view) {
  const signedIn = !!state.me && !!state.family;
  const bar = document.getElementById('topbar');
  const tabs = document.getElementById('tabs');
  bar.hidden = !signedIn;
  tabs.hidden = !signedIn;
  document.body.classList.toggle('no-tabs', !signedIn);
  if (!signedIn) { renderStatus(); return; }
  tabs.setAttribute('aria-label', t('nav_main'));
  fill(tabs, ...TABS.map(([path, ic, key]) => h('a', {
    href: `#/${path}`, 'aria-current': (view === path || (path === 'trends' && view === 'day') || (path === 'settings' && ['account', 'reminders', 'buttons'].includes(view))) ? 'page' : null,
  }, icon(ic), h('span', {}, t(key)))));
  renderTopbar();
  renderStatus();
}

function initials(name) {
  return (name || '?').trim().split(/\s+/).map((w) => w[0]).slice(0, 2).join('').toUpperCase();
}

function renderTopbar() {
  const bar = document.getElementById('topbar');
  if (bar.hidden) return;
  const subj = state.subject;
  const who = h('button', { class: 'who', type: 'button', title: t('switch_person'), onclick: () => go('pick') },
    h('span', { class: 'avatar', 'aria-hidden': 'true', dataset: { colour: subj ? subj.colour || '' : '' } }, initials(subj ? subj.name : state.family.name)),
    h('span', { class: 'name' }, subj ? subj.name : state.family.name, h('small', {}, state.family.name)),
    h('span', { class: 'visually-hidden' }, ` — ${t('switch_person')}`));
  const av = who.querySelector('.avatar');
  if (subj && /^#[0-9a-f]{6}$/i.test(subj.colour || '')) av.style.background = subj.colour;
  const others = state.presence.filter((n) => !state.me || !state.me.user || n !== state.me.user.name);
  const presence = others.length
    ? h('span', { class: 'presence', title: t('online_now') }, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', {}, others.join(', ')))
    : null;
  const children = [who, h('span', { class: 'spacer' }), presence];
  if (canWrite() && ('SpeechRecognition' in window || 'webkitSpeechRecognition' in window)) {
    children.push(h('button', { class: 'icon-btn', type: 'button', id: 'mic', 'aria-label': t('voice_log'),
      onclick: async () => (await import('./views/voicelog.js')).openVoice() }, icon('mic')));
  }
  fill(bar, ...children.filter(Boolean));
}

function renderStatus() {
  const box = document.getElementById('status');
  const parts = [];
  if (!state.online) parts.push(t('offline_banner'));
  if (state.pending > 0) parts.push(t('pending', { n: state.pending }));
  box.hidden = parts.length === 0 || !state.me;
  fill(box, icon('cloud'), h('span', { id: 'pending-count', dataset: { n: String(state.pending) } }, parts.join(' · ')));
}

// ?family=…&subject=… (after joining by link, or from a reminder) choose
// what opens; the query is then dropped from the address.
function takeLinkParams() {
  const q = new URLSearchParams(location.search);
  const fam = q.get('family');
  const subj = q.get('subject');
  if (fam) savePrefs({ familyId: fam, subjectId: subj || (fam === state.prefs.familyId ? state.prefs.subjectId : null) });
  if (q.has('family') || q.has('subject') || q.has('action') || q.has('source')) {
    history.replaceState(null, '', `/${location.hash}`);
  }
}

// ---- boot ----
async function boot() {
  applyTheme();
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
  // The session check and the messages load side by side.
  takeLinkParams();
  const early = get('/auth/me', { quiet401: true });
  early.catch(() => {});
  preloadLang(state.prefs.lang || browserLang());
  const cached = await store.getMeta('me').catch(() => undefined);
  if (cached) state.me = cached;
  await setLang(effectiveLang());
  watchInstall();
  sync.installTriggers();
  whenUnauthorized(() => { if (state.me) signedOut(false); });
  on('pending', renderStatus);
  on('online', renderStatus);
  on('presence', renderTopbar);
  on('subject', renderTopbar);
  on('subjects', renderTopbar);
  on('signed-out', () => refreshSession());
  on('stale', () => toast(t('stale_shown')));
  on('invalid', (r) => toast(t('not_saved', { why: (r.error && r.error.message) || '' })));
  on('config', () => {});
  if (cached) {
    await adoptSession(cached, { fromCache: true });
    refreshSession(early).then((ok) => { if (ok && state.family) openFamily(state.families.find((f) => f.id === state.family.id) || state.family); });
  } else {
    await refreshSession(early);
  }
  addEventListener('hashchange', route);
  await route();
  document.documentElement.dataset.ready = '1';
  // Installing the service worker downloads the whole shell: only once the
  // first screen is up, so it does not slow the first load.
  registerServiceWorker();
}

boot();

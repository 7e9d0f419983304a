// app.js — boots carelog: theme and language, the session (from the cache
// first so the app opens offline), the chosen family and person, sync, and
// the routes: which view each hash shows, mounted in <main>.
import { state, on, savePrefs, applyTheme, afterFirstScreen, firstScreenShown } from './state.js';
import { setLang, browserLang, preloadLang, t } from './i18n.js';
import { get, whenUnauthorized } from './api.js';
import * as store from './store.js';
import * as sync from './sync.js';
import { toast } from './ui.js';
import { registerServiceWorker, watchInstall } from './pwa.js';
import { current, onRoute, replace } from './router.js';
import { adoptSession, refreshSession, signedOut, effectiveLang, openFamily, rememberedFamily } from './session.js';
import { renderChrome, renderTopbar, renderStatus } from './chrome.js';

const VIEWS = {
  home: () => import('./views/home.js'),
  timeline: () => import('./views/timeline.js'),
  day: () => import('./views/day.js'),
  trends: () => import('./views/trends.js'),
  settings: () => import('./views/settings.js'),
  account: () => import('./views/account.js'),
  reminders: () => import('./views/reminders.js'),
  buttons: () => import('./views/buttons.js'),
  acttypes: () => import('./views/acttypes.js'),
  pick: () => import('./views/picker.js'),
  signin: () => import('./views/signin.js'),
  welcome: () => import('./views/picker.js'),
  admin: () => import('./views/console.js'),
  profile: () => import('./views/profile.js'),
  card: () => import('./views/card.js'),
  meds: () => import('./views/meds.js'),
  calendar: () => import('./views/calendar.js'),
  inbox: () => import('./views/inbox.js'),
  alert: () => import('./views/alert.js'),
  documents: () => import('./views/documents.js'),
  shifts: () => import('./views/shifts.js'),
};
// The console (#/admin) is the admin's and consultants' own screen: it needs
// no family chosen, and it is where they land when they have none.
const staff = () => !!(state.me?.user?.is_admin || state.me?.user?.is_consultant);
const PUBLIC = new Set(['signin', 'register', 'forgot']);
// Screens shown whoever is signed in: a reset link opened on a shared phone
// is for the person it names, not for whoever used the phone last.
const ANYONE = new Set(['reset']);
let cleanup = null;
let routeSeq = 0;

// Show the current route: the view its hash names, or the one the session
// calls for (sign in, the welcome after joining, choosing a family). Each
// view mounts in a fresh element and returns what stops it.
async function route() {
  const seq = ++routeSeq;
  let { name, params } = current();
  if (!state.me && !PUBLIC.has(name) && !ANYONE.has(name)) name = 'signin';
  if (state.me && PUBLIC.has(name)) name = 'home';
  if (state.me && state.joined && !ANYONE.has(name)) name = 'welcome';
  if (name === 'admin' && !staff()) name = 'home';
  if (state.me && !state.family && !['pick', 'welcome', 'account', 'admin', ...ANYONE].includes(name)) {
    const fam = rememberedFamily();
    if (fam) await openFamily(fam);
    else name = staff() ? 'admin' : 'pick';
  }
  let action = null;
  if (name === 'log' || name === 'start') {
    action = { kind: name, type: params[0] };
    name = 'home';
  }
  const viewName = name === 'register' || name === 'forgot' || ANYONE.has(name) ? 'signin' : name;
  const mod = await (VIEWS[viewName] || VIEWS.home)();
  if (seq !== routeSeq) return;
  if (cleanup) {
    try {
      cleanup();
    } catch (err) {
      console.error(err);
    }
  }
  const main = document.getElementById('main');
  const root = document.createElement('div');
  main.replaceChildren(root);
  renderChrome(viewName);
  cleanup = mod.mount(root, { name, params, action }) || null;
  if (action) replace('home');
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return viewName;
}

// ?family=…&subject=… (after joining by link, or from a reminder) choose
// what opens; they, and the marks links leave (?welcome=admin after the
// admin's first sign-in, ?action=, ?source=), are then dropped from the
// address, so a bookmark or a reload does not carry them along.
const LINK_PARAMS = ['family', 'subject', 'action', 'source', 'welcome'];
function takeLinkParams() {
  const q = new URLSearchParams(location.search);
  const fam = q.get('family');
  const subj = q.get('subject');
  if (fam)
    savePrefs({ familyId: fam, subjectId: subj || (fam === state.prefs.familyId ? state.prefs.subjectId : null) });
  if (LINK_PARAMS.some((k) => q.has(k))) {
    for (const k of LINK_PARAMS) q.delete(k);
    const rest = q.toString();
    history.replaceState(null, '', `/${rest ? `?${rest}` : ''}${location.hash}`);
  }
}

// /admin (and /admin/...) is the console's address; lighttpd sends it to
// /#/admin, and an app already open on it takes it here too.
function takeAdminPath() {
  const m = location.pathname.match(/^\/admin(\/.*)?$/);
  if (m) history.replaceState(null, '', `/${location.search}#/admin${m[1] || ''}`);
}

// ---- boot ----
async function boot() {
  applyTheme();
  takeAdminPath();
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
  // The session check and the messages load side by side.
  takeLinkParams();
  const early = get('/auth/me', { quiet401: true });
  early.catch(() => {});
  preloadLang(state.prefs.lang || browserLang());
  // The home screen's modules (preloaded) evaluate while those load.
  if (['home', 'log', 'start'].includes(current().name)) VIEWS.home().catch(() => {});
  const cached = await store.getMeta('me').catch(() => undefined);
  if (cached) state.me = cached;
  await setLang(effectiveLang());
  watchInstall();
  sync.installTriggers();
  whenUnauthorized(() => {
    if (state.me) signedOut(false);
  });
  on('pending', renderStatus);
  on('online', renderStatus);
  on('presence', renderTopbar);
  on('unread', renderTopbar);
  on('subject', renderTopbar);
  on('subjects', renderTopbar);
  on('signed-out', () => refreshSession());
  on('stale', () => toast(t('stale_shown')));
  on('invalid', (r) => toast(t('not_saved', { why: r.error?.message || '' })));
  if (cached) {
    await adoptSession(cached, { fromCache: true });
    // The lists shown from the cache are fetched again once the screen is
    // up; at once when someone else is signed in now (a shared device: the
    // previous person's outbox and lists are not theirs).
    refreshSession(early).then((ok) => {
      const reopen = () => {
        if (ok && state.family) openFamily(state.families.find((f) => f.id === state.family.id) || state.family);
      };
      if (ok && state.me?.user?.id !== cached.user?.id) reopen();
      else afterFirstScreen(reopen);
    });
  } else {
    await refreshSession(early);
  }
  onRoute(route);
  const first = await route();
  document.documentElement.dataset.ready = '1';
  // The home screen says itself when it shows the person's log.
  if (first !== 'home') firstScreenShown();
  setTimeout(firstScreenShown, 3000);
  // Installing the service worker downloads the whole shell: only once the
  // first screen is up, so it does not slow the first load.
  afterFirstScreen(registerServiceWorker);
}

boot();

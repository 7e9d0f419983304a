// state.js — what the app knows right now (session, family, person, config,
// presence, pending count, preferences) and a tiny event bus the views
// subscribe to. Preferences live on the device (localStorage); the language
// is also saved to the account.
export const state = {
  me: null, // {user, families, csrf_token}
  families: [],
  family: null, // {id, name, timezone, role, ...}
  subjects: [],
  subject: null,
  members: [],
  config: null,
  presence: [],
  joined: null, // a family just joined by link: the welcome screen shows it
  pending: 0,
  online: navigator.onLine,
  streamUp: false,
  unread: 0, // unread inbox items (notices.js)
  prefs: loadPrefs(),
};

function loadPrefs() {
  let p = {};
  try {
    p = JSON.parse(localStorage.getItem('carelog.prefs') || '{}');
  } catch {
    p = {};
  }
  return {
    lang: p.lang || null,
    units: p.units || 'metric',
    theme: p.theme || 'system',
    familyId: p.familyId || null,
    subjectId: p.subjectId || null,
  };
}

export function savePrefs(changes) {
  Object.assign(state.prefs, changes);
  localStorage.setItem('carelog.prefs', JSON.stringify(state.prefs));
}

const listeners = new Map();
// on('entries', fn) or on(['entries', 'subject'], fn): fn runs on each of
// the events; the function returned stops that.
export function on(events, fn) {
  const names = Array.isArray(events) ? events : [events];
  for (const evt of names) {
    if (!listeners.has(evt)) listeners.set(evt, new Set());
    listeners.get(evt).add(fn);
  }
  return () => {
    for (const evt of names) listeners.get(evt).delete(fn);
  };
}
export function emit(evt, data) {
  for (const fn of listeners.get(evt) || []) {
    try {
      fn(data);
    } catch (err) {
      console.error(err);
    }
  }
}

// Work that can wait until the first screen is up (home shows the log,
// another screen mounted, or 3 s passed: app.js).
let firstShown = false;
const afterFirst = [];
export function afterFirstScreen(fn) {
  if (firstShown) fn();
  else afterFirst.push(fn);
}
export function firstScreenShown() {
  firstShown = true;
  for (const fn of afterFirst.splice(0)) fn();
}

export const tz = () => state.family?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
export const canWrite = () => !!state.family && state.family.role !== 'viewer';
export const isOwner = () => !!state.family && state.family.role === 'owner';

export function applyTheme() {
  const theme = state.prefs.theme;
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.content = dark ? '#14161f' : '#3d5a80';
}

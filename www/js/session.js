// session.js — who is signed in and what they look at: the session (from
// the server or this device's cache), sign-out, the language to show, and
// the family and person chosen. Views and app.js call it; it moves between
// screens only through router.js.
import { state, emit, savePrefs, afterFirstScreen } from './state.js';
import { setLang, getLang, browserLang, unitsOf } from './i18n.js';
import { get, patch, setCsrf, familyPath, ApiError } from './api.js';
import * as store from './store.js';
import * as sync from './sync.js';
import { go, current } from './router.js';
import { DEFAULT_CONFIG, useFamilyTypes } from './entries.js';

// ---- session ----
export async function adoptSession(me, { fromCache = false } = {}) {
  state.me = me;
  // The units the account chose are this member's on every device.
  const units = Object.entries(me.user?.units || {}).filter(([, v]) => v);
  if (units.length) savePrefs({ units: { ...unitsOf(state.prefs.units), ...Object.fromEntries(units) } });
  state.families = (me.families || []).filter((f) => !f.archived);
  setCsrf(me.csrf_token, me.user?.id);
  if (!fromCache) {
    await store.switchOwner(me.user.id);
    await Promise.all([store.setMeta('me', me), store.setMeta('csrf', me.csrf_token)]);
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
  try {
    known = JSON.parse(localStorage.getItem('carelog.knownFamilies') || 'null');
  } catch {
    known = null;
  }
  const ids = state.families.map((f) => f.id);
  localStorage.setItem('carelog.knownFamilies', JSON.stringify([...new Set([...(known || []), ...ids])]));
  if (!known) return state.me.user?.guest ? state.families[0] || null : null;
  return state.families.find((f) => !known.includes(f.id) && f.role !== 'owner') || null;
}

// Ask the server who we are (`early`: a request already under way). False
// when signed out; offline keeps the cached session.
export async function refreshSession(early = null) {
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
  // A reset link's screen is for the signed-out too: stay on it.
  if (current().name !== 'reset') go('signin');
}

// Saves the person's own name (a guest device names itself too).
export async function rename(name) {
  const res = await patch('/auth/me', { name });
  state.me = { ...state.me, user: { ...state.me.user, ...res.user } };
  await store.setMeta('me', state.me);
  emit('session', state.me);
}

// The language: this device's own choice, else the one the account chose
// (the server says null when it never chose), else the browser's.
export function effectiveLang() {
  const account = state.me?.user?.locale; // null: never chosen
  return state.prefs.lang || account || browserLang();
}

// ---- family and person ----
// A list shown from the cache is fetched again once the first screen is up.
async function cachedThenFresh(key, path, apply, waitForNetwork) {
  const cached = await store.getMeta(key);
  if (cached !== undefined) apply(cached);
  const fetchFresh = () =>
    get(path)
      .then(async (data) => {
        await store.setMeta(key, data);
        apply(data);
      })
      .catch(() => {});
  if (cached === undefined || waitForNetwork) await fetchFresh();
  else afterFirstScreen(fetchFresh);
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
    useFamilyTypes([]); // the previous family's own types are not this one's
  }
  const fid = fam.id;
  // Sync starts alongside the lists: a first load pulls the log meanwhile.
  // Also when someone else is signed in now (the app opened on the cached
  // session of the previous person): their outbox is not this person's.
  const syncing =
    !same || !state.streamUp || !sync.runningFor(fid, state.me.user.id) ? sync.start(fid) : Promise.resolve();
  await Promise.all([
    syncing,
    cachedThenFresh(
      `subjects:${fid}`,
      familyPath(fid, '/subjects'),
      (d) => {
        state.subjects = d.subjects || [];
        pickSubject();
        emit('subjects');
      },
      fresh,
    ),
    cachedThenFresh(
      `config:${fid}`,
      familyPath(fid, '/config'),
      (d) => {
        state.config = d?.groups?.length ? d : DEFAULT_CONFIG;
        emit('config');
      },
      fresh,
    ),
    cachedThenFresh(
      `acttypes:${fid}`,
      familyPath(fid, '/activity-types'),
      (d) => {
        useFamilyTypes(d?.activity_types);
        emit('acttypes');
      },
      fresh,
    ),
    cachedThenFresh(
      `members:${fid}`,
      familyPath(fid, '/members'),
      (d) => {
        state.members = d.members || [];
        emit('members');
      },
      fresh,
    ),
  ]);
  if (!state.config) state.config = DEFAULT_CONFIG;
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

// The family to open without asking: the last one, or the only one.
export function rememberedFamily() {
  return (
    state.families.find((f) => f.id === state.prefs.familyId) ||
    (state.families.length === 1 ? state.families[0] : null)
  );
}

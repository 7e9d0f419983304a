// care.js — the care records beside the log: each person's profile (what
// the emergency card shows). Read from this device's copy first, so the
// card opens with no network; fetched fresh whenever the server answers,
// and kept current by the live stream's profile events (sync.js).
import { get, put, familyPath } from './api.js';
import * as store from './store.js';
import { state, emit } from './state.js';

const profileKey = (sid) => `profile:${sid}`;

// The profile as this device last had it (undefined: never seen).
export function cachedProfile(sid) {
  return store.getMeta(profileKey(sid));
}

// Keep a profile (from an answer or a stream event) and tell the views.
export async function keepProfile(profile) {
  if (!profile?.subject_id) return;
  const old = await store.getMeta(profileKey(profile.subject_id));
  if (old && old.version > profile.version) return; // an older event arriving late
  await store.setMeta(profileKey(profile.subject_id), profile);
  emit('profile', profile);
}

// The server's copy (kept for offline); the cached one when offline.
export async function loadProfile(sid) {
  try {
    const p = await get(familyPath(state.family.id, `/people/${encodeURIComponent(sid)}/profile`));
    await keepProfile(p);
    return { profile: p, offline: false };
  } catch (err) {
    const cached = await cachedProfile(sid);
    if (cached) return { profile: cached, offline: true };
    throw err;
  }
}

// Every person's profile of the open family, so each emergency card is on
// this device before it is needed offline.
export async function prefetchProfiles() {
  for (const s of state.subjects) {
    try {
      await loadProfile(s.id);
    } catch {
      return; // offline: the copies already here stay
    }
  }
}

export async function saveProfile(sid, body) {
  const p = await put(familyPath(state.family.id, `/people/${encodeURIComponent(sid)}/profile`), body);
  await keepProfile(p);
  return p;
}

// A phone number as a tel: link: digits and a leading +.
export function telHref(phone) {
  const s = String(phone || '').trim();
  return `tel:${s.startsWith('+') ? '+' : ''}${s.replace(/[^\d]/g, '')}`;
}

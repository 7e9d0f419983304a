// notices.js — the small part of the inbox and the emergency alert that is
// always loaded: the unread count in the top bar (kept live by the stream's
// inbox events, and on this device for offline), and what an alert event
// does (the full-screen alert, views/alert.js, loaded only then). Alerts
// still open when the app (re)connects are shown too, and an alert raised
// offline is retried from this device's outbox.
import { get, familyPath } from './api.js';
import * as store from './store.js';
import { state, emit } from './state.js';

const UNREAD = 'inbox-unread';
const alertView = () => import('./views/alert.js');

export async function keepUnread(n, item) {
  if (typeof n !== 'number') return;
  state.unread = n;
  emit('unread', n);
  if (item) emit('inbox', item);
  await store.setMeta(UNREAD, n).catch(() => {});
}

// The count from the server; this device's last copy when offline.
export async function refreshUnread() {
  try {
    const r = await get('/inbox?limit=1');
    await keepUnread(r.unread);
  } catch {
    const n = await store.getMeta(UNREAD).catch(() => undefined);
    if (typeof n === 'number' && n !== state.unread) {
      state.unread = n;
      emit('unread', n);
    }
  }
}

export function alertArrived(a) {
  if (!a?.id) return;
  emit('alert', a);
  alertView().then((m) => m.showAlert(a));
}

// On every (re)connect: alerts still open, and alerts waiting to be sent.
export async function checkAlerts(fid) {
  if ((await store.getMeta('alert-outbox').catch(() => null))?.length) alertView().then((m) => m.retryOutbox());
  try {
    const r = await get(familyPath(fid, '/alerts?limit=5'));
    for (const a of r.alerts || []) if (!a.resolved_at) alertArrived(a);
  } catch {
    // offline: the next connect asks again
  }
}

// push.js — reminders on this device: Web Push subscription with the
// server's VAPID key (GET /push/key), registered with the push program, and
// a test message. The service worker shows the messages (sw.js).
import { get, post, del } from './api.js';

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function keyBytes(b64url) {
  const b64 = b64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(b64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function currentSubscription() {
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

export async function pushEnabled() {
  if (!pushSupported() || Notification.permission !== 'granted') return false;
  return !!(await currentSubscription());
}

// Returns 'on', 'denied' or throws.
export async function enablePush() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  const { key } = await get('/push/key');
  const reg = await navigator.serviceWorker.ready;
  const sub =
    (await reg.pushManager.getSubscription()) ||
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
  const json = sub.toJSON();
  await post('/push/subscriptions', {
    endpoint: json.endpoint,
    keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
  });
  return 'on';
}

export async function disablePush() {
  const sub = await currentSubscription();
  if (!sub) return;
  const { subscriptions = [] } = await get('/push/subscriptions').catch(() => ({}));
  for (const s of subscriptions)
    if (s.endpoint === sub.endpoint) await del(`/push/subscriptions/${encodeURIComponent(s.id)}`).catch(() => {});
  await sub.unsubscribe();
}

export function sendTestPush() {
  return post('/push/test', {});
}

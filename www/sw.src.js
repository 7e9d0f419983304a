// sw.src.js — the source of carelog's service worker (an ES module), served
// as /sw.js: tools/precache.mjs writes www/sw.js as this file under a line
// naming the shell version, because browsers look for updates by comparing
// the service worker script itself (Chromium does not start a new version
// whose only change is an imported module). A versioned precache of the app
// shell (list and version in the generated precache.js), cache-first for the shell, app navigations answered by
// the cached shell (offline.html when even that is missing), API requests
// left to the network untouched (never cached: the app keeps its own
// IndexedDB copy), an "update available" hand-over, and Background Sync of
// the outbox. "Share → carelog" (the manifest's share_target) posts the
// shared file here: it is kept in a cache of its own and the documents
// screen opens with it.
import { PRECACHE } from './precache.js';
import { flushAllFamilies } from './js/bgsync.js';
import { SHARE_CACHE, SHARE_KEY, SHARE_PATH } from './js/share.js';

const CACHE = `carelog-shell-${PRECACHE.version}`;
const SHELL = '/index.html';
const OFFLINE = '/offline.html';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE.files.map((f) => new Request(f, { cache: 'reload' })));
      // Where the browser can (Chromium's static routing), the shell's
      // files come straight from this cache without waking this worker's
      // script for each one: a warm start asks for some forty modules.
      // Anything not in the cache goes to the network as before.
      if (event.addRoutes) {
        await event
          .addRoutes(
            ['/js/*', '/vendor/*', '/css/*', '/i18n/*', '/icons/*'].map((pathname) => ({
              condition: { urlPattern: { pathname }, requestMethod: 'GET' },
              source: { cacheName: CACHE },
            })),
          )
          .catch(() => {});
      }
      // The first install takes over at once; updates wait for the page to say so.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('carelog-shell-') && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

// Paths the server must answer itself: the API, the event stream, and the
// pages of invite/access links and the admin's sign-in link.
function serverOnly(url) {
  const p = url.pathname;
  return p.startsWith('/api/') || p.startsWith('/join/') || p.startsWith('/signin/') || p === '/health';
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method === 'POST' && url.origin === self.location.origin && url.pathname === SHARE_PATH) {
    event.respondWith(takeShare(req));
    return;
  }
  if (req.method !== 'GET' || url.origin !== self.location.origin || serverOnly(url)) return;
  if (req.mode === 'navigate') {
    event.respondWith(navigation(req));
    return;
  }
  event.respondWith(shellAsset(req));
});

// The first file of a share (multipart/form-data: title, text, file),
// kept for the documents screen, which the answer then opens.
async function takeShare(req) {
  try {
    const form = await req.formData();
    const file = form.getAll('file').find((f) => typeof f === 'object' && f.size > 0);
    if (file) {
      const cache = await caches.open(SHARE_CACHE);
      await cache.put(
        SHARE_KEY,
        new Response(file, {
          headers: {
            'Content-Type': file.type || 'application/octet-stream',
            'X-File-Name': encodeURIComponent(file.name || ''),
            'X-Title': encodeURIComponent(String(form.get('title') || '').slice(0, 120)),
          },
        }),
      );
    }
  } catch {
    // nothing kept: the screen opens without a file
  }
  return Response.redirect('/#/documents/share', 303);
}

// The shell's cache, opened once per start of the worker.
let shellCache = null;
const openShell = () => {
  shellCache ||= caches.open(CACHE);
  return shellCache;
};

async function navigation(req) {
  const cache = await openShell();
  const url = new URL(req.url);
  if (url.pathname === '/' || url.pathname === SHELL) {
    const hit = await cache.match(SHELL);
    if (hit) return hit;
  }
  try {
    return await fetch(req);
  } catch {
    return (
      (await cache.match(url.pathname === '/' ? SHELL : OFFLINE)) || (await cache.match(OFFLINE)) || Response.error()
    );
  }
}

// The exact address first (a lookup by key); one with a query string
// (?v=…) then by path, which makes the cache compare every entry.
async function shellAsset(req) {
  const cache = await openShell();
  const hit = (await cache.match(req)) || (new URL(req.url).search && (await cache.match(req, { ignoreSearch: true })));
  if (hit) return hit;
  try {
    return await fetch(req);
  } catch {
    return new Response('', { status: 504, statusText: 'offline' });
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window' });
      if (windows.length) {
        for (const w of windows) w.postMessage({ type: 'flush' });
        return;
      }
      await flushAllFamilies();
    })(),
  );
});

// Web Push notifications: {title, body, url, tag, actions, data} from the
// push program (cgi-bin/lib/pushpass.c); an emergency alert (data.kind
// "alert", cgi-bin/alerts.c) also asks for requireInteraction and renotify:
// it stays on screen until someone acts on it, and vibrates.
self.addEventListener('push', (event) => {
  let msg = {};
  try {
    msg = event.data ? event.data.json() : {};
  } catch {
    msg = { title: 'carelog', body: event.data ? event.data.text() : '' };
  }
  const data = { ...(msg.data || {}), url: msg.url || '/' };
  event.waitUntil(
    self.registration.showNotification(msg.title || 'carelog', {
      body: msg.body || '',
      tag: msg.tag,
      data,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      actions: Array.isArray(msg.actions) ? msg.actions.slice(0, 2) : [],
      requireInteraction: msg.requireInteraction === true,
      renotify: msg.renotify === true && !!msg.tag,
      ...(data.kind === 'alert' ? { vibrate: [600, 200, 600, 200, 1200] } : {}),
    }),
  );
});

// Where a tap on a notification (or one of its buttons) leads.
function notificationTarget(action, data = {}) {
  const base = data.url || '/';
  if (action === 'log-feed') return `${base}#/log/feed`;
  if (action === 'log-diaper') return `${base}#/log/diaper`;
  return base;
}

self.addEventListener('notificationclick', (event) => {
  const { action } = event;
  const data = event.notification.data || {};
  event.notification.close();
  event.waitUntil(
    (async () => {
      if (action === 'snooze') {
        // The token in the payload is the authority: no session or CSRF here.
        await fetch('/api/v1/push/snooze', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token: data.snooze_token }),
        }).catch(() => {});
        return;
      }
      const target = new URL(notificationTarget(action, data), self.location.origin).href;
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open && 'navigate' in open) {
        await open.focus();
        await open.navigate(target);
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});

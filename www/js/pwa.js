// pwa.js — the installable-app parts on the page side: registering the
// service worker, the "update available — reload" prompt, the install button
// (beforeinstallprompt) and the Add to Home Screen instructions for iOS.
import { t } from './i18n.js';
import { toast } from './ui.js';
import { emit } from './state.js';

let deferredPrompt = null;
let reloading = false;

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { type: 'module', scope: '/' })
    .then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const worker = reg.installing;
        if (!worker) return;
        worker.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      });
      // Look for a new version whenever the app comes back to the front.
      document.addEventListener('visibilitychange', () => {
        if (!document.hidden) reg.update().catch(() => {});
      });
    })
    .catch((err) => console.warn('service worker', err));
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
  });
}

function offerUpdate(worker) {
  toast(t('update_available'), {
    action: t('reload'),
    ms: 600000,
    onAction: () => {
      reloading = true;
      worker.postMessage({ type: 'skip-waiting' });
    },
  });
}

export function watchInstall() {
  addEventListener('beforeinstallprompt', (ev) => {
    ev.preventDefault();
    deferredPrompt = ev;
    emit('installable', true);
  });
  addEventListener('appinstalled', () => {
    deferredPrompt = null;
    emit('installable', false);
  });
}

export function canInstall() {
  return !!deferredPrompt;
}

export async function install() {
  if (!deferredPrompt) return false;
  deferredPrompt.prompt();
  const choice = await deferredPrompt.userChoice.catch(() => null);
  deferredPrompt = null;
  emit('installable', false);
  return !!choice && choice.outcome === 'accepted';
}

export function isStandalone() {
  return matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
}

// iOS Safari has no install prompt: people add the app by hand.
export function needsIosInstructions() {
  const ios =
    /iphone|ipad|ipod/i.test(navigator.userAgent) ||
    (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  return ios && !isStandalone();
}

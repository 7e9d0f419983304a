// router.js — the hash router: `#/name/param/…` names the screen. Views
// call go() to move; app.js registers the one handler that shows a route.
// Importing nothing, it sits below every view and app.js alike.
let handler = null;

// The current route: {name, params}; an empty hash is home.
export function current() {
  const [name = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: name || 'home', params: rest.map(decodeURIComponent) };
}

// Show `path` ("home", "day/2026-06-01"): a new hash, or the same one again.
export function go(path) {
  const target = `#/${path}`;
  if (location.hash === target) {
    if (handler) handler();
  } else {
    location.hash = target;
  }
}

// Rewrite the address without showing anything new (no history entry).
export function replace(path) {
  history.replaceState(null, '', `#/${path}`);
}

// app.js: call `fn` on every route change from now on.
export function onRoute(fn) {
  handler = fn;
  addEventListener('hashchange', () => fn());
}

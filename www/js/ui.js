// ui.js — small DOM helpers shared by the views: element building (no
// innerHTML with data, so no injection), toasts with an action, bottom
// sheets on <dialog>, confirmation, and the long press on quick buttons.
import { t } from './i18n.js';

// h('button', {class: 'x', onclick: fn, 'aria-label': '…'}, 'text', child, …)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// Replace an element's children; null/false are skipped, arrays flattened.
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// Wraps an async redraw so calls never overlap and a call made during a run
// makes exactly one more run afterwards: the screen always ends up showing
// the latest data, however fast the events come.
export function latest(fn) {
  let running = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })().finally(() => { running = null; });
    return running;
  };
  return run;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Line icons drawn with currentColor; `mirror` ones flip in right-to-left.
const ICONS = {
  home: 'M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  gear: 'M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z',
  mic: 'M12 2a3 3 0 00-3 3v7a3 3 0 006 0V5a3 3 0 00-3-3zM19 10v2a7 7 0 01-14 0v-2M12 19v3',
  plus: 'M12 5v14M5 12h14',
  back: 'M15 18l-6-6 6-6',
  next: 'M9 18l6-6-6-6',
  close: 'M18 6L6 18M6 6l12 12',
  swap: 'M7 16V4M7 4L3 8M7 4l4 4M17 8v12M17 20l4-4M17 20l-4-4',
  stop: 'M6 6h12v12H6z',
  cloud: 'M18 10h-1.3A8 8 0 109 20h9a5 5 0 000-10z',
  user: 'M20 21v-2a4 4 0 00-4-4H8a4 4 0 00-4 4v2M12 11a4 4 0 100-8 4 4 0 000 8z',
  share: 'M4 12v8a2 2 0 002 2h12a2 2 0 002-2v-8M16 6l-4-4-4 4M12 2v13',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  trash: 'M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6',
  download: 'M21 15v4a2 2 0 01-2 2H5a2 2 0 01-2-2v-4M7 10l5 5 5-5M12 15V3',
};
const MIRRORED = new Set(['back', 'next']);

export function icon(name, cls = '') {
  return s('svg', { class: `icon ${MIRRORED.has(name) ? 'mirror' : ''} ${cls}`, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] || '' }));
}

// ---- toasts ----
let toastTimer = null;
export function toast(message, { action = null, onAction = null, ms = 5000 } = {}) {
  const box = document.getElementById('toast');
  clear(box);
  box.append(h('span', {}, message));
  if (action) {
    box.append(h('button', { class: 'link', type: 'button', onclick: () => { hideToast(); onAction(); } }, action));
  }
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, ms);
}
export function hideToast() {
  const box = document.getElementById('toast');
  if (box) box.hidden = true;
}

// ---- sheets (modal dialogs sliding up from the bottom) ----
export function sheet(title, body, { onClose = () => {}, wide = false } = {}) {
  const titleId = `sheet-${Math.random().toString(36).slice(2)}`;
  const dlg = h('dialog', { class: `sheet ${wide ? 'wide' : ''}`, 'aria-labelledby': titleId },
    h('header', { class: 'sheet-head' },
      h('h2', { id: titleId }, title),
      h('button', { class: 'icon-btn', type: 'button', 'aria-label': t('close'), onclick: () => close() }, icon('close'))),
    body);
  function close() {
    if (dlg.open) dlg.close();
  }
  dlg.addEventListener('close', () => { dlg.remove(); onClose(); });
  dlg.addEventListener('click', (ev) => { if (ev.target === dlg) close(); });
  document.body.append(dlg);
  dlg.showModal();
  return { el: dlg, close };
}

export function confirmSheet(message, okLabel, { danger = false } = {}) {
  return new Promise((resolve) => {
    let answered = false;
    const body = h('div', { class: 'sheet-body' },
      h('p', {}, message),
      h('div', { class: 'row end' },
        h('button', { type: 'button', class: 'btn', onclick: () => { answered = false; sh.close(); } }, t('cancel')),
        h('button', { type: 'button', class: `btn ${danger ? 'danger' : 'primary'}`, onclick: () => { answered = true; sh.close(); } }, okLabel)));
    const sh = sheet(t('confirm'), body, { onClose: () => resolve(answered) });
  });
}

// Long press (touch and mouse) or the context-menu key opens `onLong`;
// a plain tap or Enter does `onTap`.
export function pressable(el, onTap, onLong, ms = 550) {
  let timer = null;
  let longFired = false;
  const cancel = () => { clearTimeout(timer); timer = null; };
  el.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    longFired = false;
    cancel();
    timer = setTimeout(() => { longFired = true; timer = null; if (navigator.vibrate) navigator.vibrate(15); onLong(); }, ms);
  });
  for (const evName of ['pointerup', 'pointerleave', 'pointercancel']) el.addEventListener(evName, cancel);
  el.addEventListener('contextmenu', (ev) => { ev.preventDefault(); cancel(); if (!longFired) { longFired = true; onLong(); } });
  el.addEventListener('click', (ev) => {
    if (longFired) { ev.preventDefault(); longFired = false; return; }
    onTap();
  });
}

export function field(labelText, input, { error = '', hint = '' } = {}) {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  const errId = `${id}-err`;
  if (error) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', errId); }
  return h('div', { class: 'field' },
    h('label', { for: id }, labelText),
    input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    error ? h('small', { class: 'error', id: errId, role: 'alert' }, error) : null);
}

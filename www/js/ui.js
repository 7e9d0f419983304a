// ui.js — what the views share: lit-html's templates (html, svg, paint) and
// repeat directive; directives of our own (press: tap and long press; css:
// style properties through the CSSOM, as the CSP forbids style attributes;
// live and keyed); labelled fields, icons, toasts with an action, bottom
// sheets on <dialog>, confirmation.
// Templates escape every value, so data never becomes markup.
import { html, svg, nothing, noChange, render as paint } from '../vendor/lit-html/lit-html.js';
import { Directive, directive } from '../vendor/lit-html/directive.js';
import { repeat } from '../vendor/lit-html/directives/repeat.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';

export { html, svg, nothing, paint, repeat };

// .checked=${live(x)}: set whenever the element's own value differs (lit
// compares with what it set last; a person may have changed it since).
class Live extends Directive {
  render(v) {
    return v;
  }
  update(part, [v]) {
    if (part.element[part.name] !== v) part.element[part.name] = v;
    return noChange;
  }
}
export const live = directive(Live);
// keyed(key, template): new elements whenever the key changes.
export const keyed = (key, v) => repeat([key], String, () => v);

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
    })().finally(() => {
      running = null;
    });
    return running;
  };
  return run;
}

// ---- directives ----
// <button ${press(onTap, onLong)}>: a tap (or Enter) calls onTap; a long
// press (touch and mouse) or the context-menu key calls onLong.
class Press extends Directive {
  render() {
    return nothing;
  }
  update(part, [onTap, onLong]) {
    this.onTap = onTap;
    this.onLong = onLong;
    if (!this.element) {
      this.element = part.element;
      pressable(
        this.element,
        () => this.onTap(),
        () => this.onLong(),
      );
    }
    return nothing;
  }
}
export const press = directive(Press);

function pressable(el, onTap, onLong, ms = 550) {
  let timer = null;
  let longFired = false;
  const cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  el.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    longFired = false;
    cancel();
    timer = setTimeout(() => {
      longFired = true;
      timer = null;
      if (navigator.vibrate) navigator.vibrate(15);
      onLong();
    }, ms);
  });
  for (const evName of ['pointerup', 'pointerleave', 'pointercancel']) el.addEventListener(evName, cancel);
  el.addEventListener('contextmenu', (ev) => {
    ev.preventDefault();
    cancel();
    if (!longFired) {
      longFired = true;
      onLong();
    }
  });
  el.addEventListener('click', (ev) => {
    if (longFired) {
      ev.preventDefault();
      longFired = false;
      return;
    }
    onTap();
  });
}

// <div ${css({'inline-size': '50%'})}>: style properties set through the
// CSSOM (allowed by the CSP, unlike a style attribute); null removes one.
class Css extends Directive {
  render() {
    return nothing;
  }
  update(part, [props]) {
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined) part.element.style.removeProperty(name);
      else part.element.style.setProperty(name, value);
    }
    return nothing;
  }
}
export const css = directive(Css);

// ---- building blocks ----
// A labelled control: `control` is a template whose element has id=${id}
// (its hint has id `${id}-hint`, its error `${id}-err`, for aria-describedby).
export function field(label, id, control, { hint = '', error = '' } = {}) {
  return html`<div class="field"><label for=${id}>${label}</label>${control}${
    hint ? html`<small class="hint" id="${id}-hint">${hint}</small>` : nothing
  }${error ? html`<small class="error" id="${id}-err" role="alert">${error}</small>` : nothing}</div>`;
}

// A form's error line: <p class="error" role="alert" hidden></p> in the
// template (no bindings inside), filled when a submit fails.
export function showError(form, message) {
  const p = form.querySelector('.error[role=alert]');
  p.textContent = message;
  p.hidden = !message;
}

// Line icons drawn with currentColor; `mirror` ones flip in right-to-left.
const ICONS = {
  home: 'M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  gear: 'M12 15a3 3 0 100-6 3 3 0 000 6zM12 2v3M12 19v3M4.9 4.9L7 7M17 17l2.1 2.1M2 12h3M19 12h3M4.9 19.1L7 17M17 7l2.1-2.1',
  mic: 'M12 2a3 3 0 00-3 3v7a3 3 0 006 0V5a3 3 0 00-3-3zM19 10v2a7 7 0 01-14 0v-2M12 19v3',
  plus: 'M12 5v14M5 12h14',
  back: 'M15 18l-6-6 6-6',
  next: 'M9 18l6-6-6-6',
  close: 'M18 6L6 18M6 6l12 12',
  swap: 'M7 16V4M7 4L3 8M7 4l4 4M17 8v12M17 20l4-4M17 20l-4-4',
  stop: 'M6 6h12v12H6z',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 5l12 7-12 7z',
  cloud: 'M18 10h-1.3A8 8 0 109 20h9a5 5 0 000-10z',
  user: 'M20 21v-2a4 4 0 00-4-4H8a4 4 0 00-4 4v2M12 11a4 4 0 100-8 4 4 0 000 8z',
  share: 'M4 12v8a2 2 0 002 2h12a2 2 0 002-2v-8M16 6l-4-4-4 4M12 2v13',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  trash: 'M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6',
  download: 'M21 15v4a2 2 0 01-2 2H5a2 2 0 01-2-2v-4M7 10l5 5 5-5M12 15V3',
  bell: 'M18 8a6 6 0 00-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 01-3.4 0',
  grid: 'M3 3h7v7H3zM14 3h7v7h-7zM14 14h7v7h-7zM3 14h7v7H3z',
  globe: 'M12 22a10 10 0 100-20 10 10 0 000 20zM2 12h20M12 2a15 15 0 010 20M12 2a15 15 0 000 20',
  card: 'M3 5h18v14H3zM12 8.5v7M8.5 12h7',
  phone:
    'M22 16.9v3a2 2 0 01-2.2 2 19.8 19.8 0 01-8.6-3.1 19.5 19.5 0 01-6-6A19.8 19.8 0 012.1 4.2 2 2 0 014.1 2h3a2 2 0 012 1.7c.1.9.4 1.8.7 2.7a2 2 0 01-.5 2.1L8 9.8a16 16 0 006 6l1.3-1.3a2 2 0 012.1-.4c.9.3 1.8.6 2.7.7a2 2 0 011.7 2z',
  print: 'M6 9V2h12v7M6 18H4a2 2 0 01-2-2v-5a2 2 0 012-2h16a2 2 0 012 2v5a2 2 0 01-2 2h-2M6 14h12v8H6z',
  pill: 'M10.5 20.5l10-10a4.95 4.95 0 00-7-7l-10 10a4.95 4.95 0 007 7zM8.5 8.5l7 7',
  calendar: 'M3 4h18v18H3zM16 2v4M8 2v4M3 10h18',
};
const MIRRORED = new Set(['back', 'next']);

export function icon(name) {
  return html`<svg class="icon ${MIRRORED.has(name) ? 'mirror' : ''}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${ICONS[name] || ''}></path></svg>`;
}

// A heading with a back arrow to the settings (the screens under Settings).
export function backTo(href, title) {
  return html`<div class="row"><a class="icon-btn" href=${href} aria-label=${t('back')}>${icon('back')}</a><h1>${title}</h1></div>`;
}

// ---- toasts ----
let toastTimer = null;
export function toast(message, { action = null, onAction = null, ms = 5000 } = {}) {
  const box = document.getElementById('toast');
  const act = () => {
    hideToast();
    onAction();
  };
  paint(
    html`<span>${message}</span>${action ? html`<button class="link" type="button" @click=${act}>${action}</button>` : nothing}`,
    box,
  );
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, ms);
}
export function hideToast() {
  const box = document.getElementById('toast');
  if (box) box.hidden = true;
}

// ---- sheets (modal dialogs sliding up from the bottom) ----
// `body` is a template, or a function giving one; redraw() paints it again.
export function sheet(title, body, { onClose = () => {}, wide = false } = {}) {
  const titleId = `sheet-${Math.random().toString(36).slice(2)}`;
  const dlg = document.createElement('dialog');
  dlg.className = `sheet ${wide ? 'wide' : ''}`;
  dlg.setAttribute('aria-labelledby', titleId);
  const close = () => {
    if (dlg.open) dlg.close();
  };
  const redraw = () =>
    paint(
      html`<header class="sheet-head"><h2 id=${titleId}>${title}</h2><button class="icon-btn" type="button" aria-label=${t('close')} @click=${close}>${icon('close')}</button></header>${typeof body === 'function' ? body() : body}`,
      dlg,
    );
  dlg.addEventListener('close', () => {
    dlg.remove();
    onClose();
  });
  dlg.addEventListener('click', (ev) => {
    if (ev.target === dlg) close();
  });
  redraw();
  document.body.append(dlg);
  dlg.showModal();
  return { el: dlg, close, redraw };
}

export function confirmSheet(message, okLabel, { danger = false } = {}) {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (yes) => {
      answered = yes;
      sh.close();
    };
    const sh = sheet(
      t('confirm'),
      html`<div class="sheet-body"><p>${message}</p><div class="row end">
      <button type="button" class="btn" @click=${() => answer(false)}>${t('cancel')}</button>
      <button type="button" class="btn ${danger ? 'danger' : 'primary'}" @click=${() => answer(true)}>${okLabel}</button></div></div>`,
      { onClose: () => resolve(answered) },
    );
  });
}

// A row of toggle buttons, one pressed.
export function seg(labelKey, values, current, onPick, nameOf) {
  const id = `seg-${labelKey}`;
  return html`<div class="field"><span class="label" id=${id}>${t(labelKey)}</span>
    <div class="seg" role="group" aria-labelledby=${id}>${values.map(
      (o) => html`<button type="button" aria-pressed=${String(current === o)}
      lang=${labelKey === 'language' ? o : nothing} @click=${() => onPick(o)}>${nameOf(o)}</button>`,
    )}</div></div>`;
}

// What a failed call says in a form or a toast: offline, the first field
// error ("name: is required"), or the server's message.
export function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  const [k, v] = Object.entries(err.fields || {})[0] || [];
  return k ? `${k}: ${v}` : err.message;
}

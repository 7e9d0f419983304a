// views/inbox.js — every notification the server sent me (#/inbox): newest
// first, unread marked, worded here in my language from each item's kind and
// fields; a tap marks it read and opens what it is about; "mark all read";
// and (#/inbox/prefs, also reached from settings) which kinds also come as
// push. The last list synced is kept on this device, so it opens offline.
import { t, fmtDateTime } from '../i18n.js';
import { html, nothing, paint, icon, toast, latest, backTo } from '../ui.js';
import { state, on, tz } from '../state.js';
import { get, post, put, ApiError } from '../api.js';
import { go } from '../router.js';
import * as store from '../store.js';
import { keepUnread } from '../notices.js';

const CACHE = 'inbox-items';

// The words of one item, from its kind and fields.
export function itemText(it) {
  const d = it.data || {};
  const when = (ms) => (ms ? fmtDateTime(ms, tz()) : '');
  const params = {
    person: d.subject_name || '',
    what: d.label || d.name || d.title || '',
    when: when(d.due || d.scheduled_at || d.start),
    family: d.family_name || it.family_name || '',
    role: d.role ? t(`role.${d.role}`) : '',
    name: d.sender_name || '',
    type: d.type ? t(`alert_type.${d.type}`) : '',
    left: d.left ?? '',
    unit: d.unit || '',
  };
  return t(`inbox_text.${it.kind}`, params);
}

// Where a tap leads.
function target(it) {
  switch (it.about) {
    case 'alert':
      return `alert/${it.about_id}`;
    case 'medication':
      return 'meds';
    case 'appointment':
      return 'calendar';
    case 'reminder':
      return 'reminders';
    case 'shift':
      return 'shifts';
    default:
      return 'home';
  }
}

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

export function mount(root, { params = [] } = {}) {
  const prefsOnly = params[0] === 'prefs';
  let items = [];
  let prefs = null;
  let offline = false;
  let loaded = false;

  const open = async (it) => {
    if (!it.read_at) {
      try {
        const r = await post(`/inbox/${it.id}/read`);
        await keepUnread(r.unread);
      } catch {
        // read later: the item stays unread
      }
    }
    if (it.family_id && state.family && it.family_id !== state.family.id) {
      location.href = `/?family=${encodeURIComponent(it.family_id)}#/${target(it)}`;
      return;
    }
    go(target(it));
  };

  const readAll = async () => {
    try {
      const r = await post('/inbox/read-all');
      await keepUnread(r.unread);
      refresh();
    } catch (e) {
      toast(errText(e));
    }
  };

  const setPref = async (kind, on) => {
    try {
      prefs = (await put('/inbox/prefs', { [kind]: on })).prefs;
    } catch (e) {
      toast(errText(e));
    }
    draw();
  };

  const list = () =>
    items.length
      ? html`<ul class="inbox plain" id="inbox-list">${items.map(
          (it) => html`<li class=${it.read_at ? 'read' : 'unread'} data-kind=${it.kind}>
            <button type="button" class="inbox-item" @click=${() => open(it)}>
              ${icon('bell')}
              <span><span class="inbox-text">${itemText(it)}</span>
              <small class="muted">${it.family_name} · ${fmtDateTime(it.created_at, tz())}</small></span>
              ${it.read_at ? nothing : html`<span class="visually-hidden">${t('unread')}</span>`}
            </button></li>`,
        )}</ul>`
      : html`<p class="empty">${t('inbox_empty')}</p>`;

  const prefsBlock = () =>
    prefs
      ? html`<section class="card-block" id="inbox-prefs"><h2>${t('inbox_push_prefs')}</h2>
        <p class="muted">${t('inbox_push_help')}</p>
        ${prefs.map(
          (p) => html`<label class="check"><input type="checkbox" name=${p.kind} .checked=${p.push}
            ?disabled=${!p.switchable} @change=${(e) => setPref(p.kind, e.target.checked)}>
            ${t(`notif_kind.${p.kind}`)}</label>`,
        )}</section>`
      : nothing;

  function draw() {
    paint(
      html`${backTo(prefsOnly ? '#/settings' : '#/home', t('inbox'))}<div class="stack">
      ${
        prefsOnly
          ? nothing
          : html`<div class="row"><span class="muted" id="inbox-count">${t('inbox_unread', { n: state.unread })}</span>
        <span class="spacer"></span>
        ${state.unread ? html`<button class="btn" type="button" id="read-all" @click=${readAll}>${t('mark_all_read')}</button>` : nothing}</div>
        ${offline ? html`<p class="muted small">${t('offline_copy')}</p>` : nothing}
        ${loaded ? list() : nothing}`
      }
      ${prefsBlock()}
      ${prefsOnly ? nothing : html`<a class="btn" id="inbox-prefs-link" href="#/inbox/prefs">${t('inbox_push_prefs')}</a>`}</div>`,
      root,
    );
  }

  const refresh = latest(async () => {
    if (!prefsOnly) {
      if (!loaded) {
        const cached = await store.getMeta(CACHE).catch(() => null);
        if (cached) {
          items = cached;
          loaded = true;
          draw();
        }
      }
      try {
        const r = await get('/inbox?limit=50');
        items = r.items || [];
        offline = false;
        await keepUnread(r.unread);
        await store.setMeta(CACHE, items).catch(() => {});
      } catch {
        offline = loaded;
      }
      loaded = true;
    } else {
      try {
        prefs = (await get('/inbox/prefs')).prefs;
      } catch (e) {
        toast(errText(e));
      }
    }
    draw();
  });

  draw();
  refresh();
  return on(['inbox', 'online'], () => refresh());
}

// views/console.js — the consultant console (#/admin, also /admin), for the
// instance admin and consultants: the dashboard of client families (search,
// archived, last activity, today's sleep, feeds, wet and dirty, a mark when
// nothing was logged for 12 hours, add a client), a client's page (name and
// notes, access links with copy and a QR code, the day as an hourly grid
// with sleep drawn as one continuous band, the day's totals, recent
// activity, 7 or 30 days of trends, export, print as a one-page report), and
// the consultants (the admin's). Everything is the server's: the console
// reads /api/v1/admin/ and keeps no local copy. Live: the dashboard listens
// to the console stream (which client changed) and a client's page to that
// family's stream, and both read again when something changes.
import {
  t,
  fmtDuration,
  fmtNumber,
  fmtRelative,
  fmtDate,
  fmtDateTime,
  fmtTime,
  fmtWeekday,
  fmtShortDay,
  fmtHours,
  fmtUnit,
} from '../i18n.js';
import { html, nothing, paint, field, icon, toast, confirmSheet, sheet, showError, latest, css } from '../ui.js';
import { state } from '../state.js';
import { get, post, patch, del, ApiError } from '../api.js';
import { go } from '../router.js';
import { openStream } from '../stream.js';
import { title, typeIcon } from '../describe.js';
import { PERSON_KINDS } from '../entries.js';
import { barChart } from '../charts.js';
import { addDays } from '../time.js';
import { todayKey } from '../summary.js';
import { qrCode } from '../qr.js';

const HOUR = 3600000;
const QUIET_MS = 12 * HOUR; // "nothing logged for 12 h" marks a client
const LINK_DAYS = [14, 7, 30, 90, 0]; // 14 is offered first; 0 is "never"
const isAdmin = () => !!state.me?.user?.is_admin;
export const isStaff = () => !!(state.me?.user?.is_admin || state.me?.user?.is_consultant);

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

const stat = (name, value, label) => html`<div data-stat=${name}><b>${value}</b><small>${label}</small></div>`;

// An EventSource that comes back after the server ends it (a restart), with
// a pause, and reports each (re)open so the caller can read again. Closed
// for good on close().
function consoleStream(onChange) {
  let es = null;
  let closed = false;
  let retry = null;
  const connect = () => {
    es = new EventSource('/api/v1/admin/stream');
    es.addEventListener('open', onChange);
    es.addEventListener('client', (ev) => {
      try {
        onChange(JSON.parse(ev.data));
      } catch {
        /* a broken event: the next one reads again anyway */
      }
    });
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED && !closed) retry = setTimeout(connect, 5000);
    });
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(retry);
    es.close();
  };
}

// A copy button and a QR code for a link the server shows once.
function linkReady(url, labelText) {
  const absolute = new URL(url, location.origin).href;
  async function copy(ev) {
    try {
      await navigator.clipboard.writeText(absolute);
      toast(t('copied'));
    } catch {
      ev.target.closest('.made').querySelector('input').select();
      toast(t('copy_manually'));
    }
  }
  return html`<div class="made card"><p>${labelText}</p>
    <input type="text" readonly .value=${absolute} aria-label=${t('link')}>
    <div class="row"><button class="btn" type="button" @click=${copy}>${icon('copy')}${t('copy')}</button></div>
    <figure class="qr-box">${qrCode(absolute, t('console.qr_of', { label: labelText }))}<figcaption class="muted">${t('console.qr_help')}</figcaption></figure>
  </div>`;
}

const head = (titleText, back = null) => html`<header class="console-head no-print">
  ${back ? html`<a class="icon-btn" href=${back} aria-label=${t('back')}>${icon('back')}</a>` : nothing}
  <h1>${titleText}</h1>
</header>`;

// ---------------------------------------------------------------- dashboard

function dashboard(root) {
  let q = '';
  let archived = false;
  let list = null; // null: not loaded yet
  let failed = '';
  let now = Date.now();

  const row = (c) => {
    const quiet = !c.archived && (c.last_activity === null || now - c.last_activity > QUIET_MS);
    const d = c.today;
    return html`<li class="client" data-id=${c.id} data-quiet=${quiet ? '1' : nothing}>
      <a class="client-link" href="#/admin/client/${encodeURIComponent(c.id)}">
        <span class="grow"><strong>${c.name}</strong>${
          c.person ? html`<small class="muted"> · ${c.person.name}</small>` : nothing
        }
        <span class="last ${quiet ? 'quiet' : ''}" data-last=${c.last_activity ?? ''}>${
          quiet ? html`<span class="mark" role="img" aria-label=${t('console.quiet')}>!</span>` : nothing
        }${c.last_activity === null ? t('console.never_logged') : t('console.last', { when: fmtRelative(now - c.last_activity) })}</span>
        ${isAdmin() && c.consultants.length ? html`<small class="muted">${c.consultants.map((x) => x.name).join(', ')}</small>` : nothing}</span>
        ${icon('next')}
      </a>
      ${
        d
          ? html`<div class="today">
        ${stat('sleep', fmtDuration(d.sleep_ms), t('sleep_total'))}
        ${stat('feeds', fmtNumber(d.feeds), t('feeds'))}
        ${stat('wet', fmtNumber(d.wet), t('console.wet'))}
        ${stat('dirty', fmtNumber(d.dirty), t('console.dirty'))}
      </div>`
          : html`<p class="muted">${t('console.no_person')}</p>`
      }
    </li>`;
  };

  const view = () => html`${head(t('console.title'))}
    <nav class="row console-nav no-print" aria-label=${t('console.title')}>
      <button class="btn primary" type="button" id="add-client" @click=${addClient}>${icon('plus')}${t('console.add_client')}</button>
      ${isAdmin() ? html`<a class="btn" href="#/admin/consultants">${icon('user')}${t('console.consultants')}</a>` : nothing}
      ${state.families.length ? html`<a class="btn" href="#/pick">${t('console.my_families')}</a>` : nothing}
      <a class="btn" href="#/account">${t('account')}</a>
    </nav>
    <div class="card search no-print">
      ${field(
        t('console.search'),
        'client-q',
        html`<input id="client-q" type="search" .value=${q} autocomplete="off" @input=${(ev) => {
          q = ev.target.value;
          load();
        }}>`,
      )}
      <label class="check"><input type="checkbox" .checked=${archived} @change=${(ev) => {
        archived = ev.target.checked;
        load();
      }}>${t('console.show_archived')}</label>
    </div>
    ${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}
    ${
      list === null
        ? nothing
        : list.length
          ? html`<ul class="clients list" aria-live="polite">${list.map(row)}</ul>`
          : html`<p class="empty">${q ? t('console.none_found') : archived ? t('console.none_archived') : t('console.no_clients')}</p>`
    }`;

  const draw = () => paint(view(), root);
  const load = latest(async () => {
    try {
      const params = new URLSearchParams({ archived: archived ? '1' : '0' });
      if (q.trim()) params.set('q', q.trim());
      const r = await get(`/admin/clients?${params}`);
      list = r.clients;
      now = r.now || Date.now();
      failed = '';
    } catch (e) {
      failed = errText(e);
    }
    draw();
  });

  function addClient() {
    const id = (k) => `new-client-${k}`;
    const sh = sheet(
      t('console.add_client'),
      html`<form class="sheet-body" @submit=${async (ev) => {
        ev.preventDefault();
        const f = Object.fromEntries(new FormData(ev.target));
        const body = { name: f.name.trim(), timezone: f.timezone.trim(), notes: f.notes || '' };
        if (f.person.trim()) body.person = { name: f.person.trim(), kind: f.kind, birth_date: f.birth_date || null };
        try {
          const c = await post('/admin/clients', body);
          sh.close();
          go(`admin/client/${c.id}`);
        } catch (e) {
          showError(ev.target, errText(e));
        }
      }}>
        ${field(t('console.client_name'), id('name'), html`<input id=${id('name')} name="name" type="text" required autocomplete="off">`)}
        ${field(t('timezone'), id('zone'), html`<input id=${id('zone')} name="timezone" type="text" required value=${Intl.DateTimeFormat().resolvedOptions().timeZone}>`)}
        ${field(t('console.person_name'), id('person'), html`<input id=${id('person')} name="person" type="text" autocomplete="off">`)}
        ${field(t('kind'), id('kind'), html`<select id=${id('kind')} name="kind">${PERSON_KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}</select>`)}
        ${field(t('birth_date'), id('birth'), html`<input id=${id('birth')} name="birth_date" type="date">`)}
        ${field(t('console.notes'), id('notes'), html`<textarea id=${id('notes')} name="notes"></textarea>`)}
        <p class="error" role="alert" hidden></p>
        <div class="sheet-actions"><button class="btn primary" type="submit">${t('create')}</button></div>
      </form>`,
    );
  }

  draw();
  load();
  // Many families logging at once make one read a second at most.
  let soon = null;
  const stop = consoleStream(() => {
    if (!soon)
      soon = setTimeout(() => {
        soon = null;
        load();
      }, 1000);
  });
  // "2 h ago" moves on by itself.
  const tick = setInterval(() => {
    now += 60000;
    draw();
  }, 60000);
  return () => {
    stop();
    clearInterval(tick);
    clearTimeout(soon);
  };
}

// ---------------------------------------------------------------- a client

function clientPage(root, fid, dateParam) {
  let client = null;
  let failed = '';
  let day = null; // GET .../summary
  let period = null; // GET .../trends
  let days = 7;
  let links = [];
  let made = null;
  let consultants = null; // the admin's choice of who is assigned
  let subjectId = null;
  const zone = () => client?.timezone || 'UTC';
  let key = /^\d{4}-\d{2}-\d{2}$/.test(dateParam || '') ? dateParam : null;
  const base = `/admin/clients/${encodeURIComponent(fid)}`;

  const load = latest(async () => {
    try {
      client = await get(base);
      if (!key) key = todayKey(zone());
      if (!client.subjects.some((s) => s.id === subjectId)) subjectId = client.subjects[0]?.id || null;
      const who = subjectId ? `&subject=${encodeURIComponent(subjectId)}` : '';
      [day, period, links] = await Promise.all([
        subjectId ? get(`${base}/summary?date=${key}${who}`) : null,
        subjectId ? get(`${base}/trends?days=${days}&end=${key}${who}`) : null,
        get(`${base}/links`).then((r) => r.links),
      ]);
      if (isAdmin() && consultants === null) consultants = (await get('/admin/consultants')).consultants;
      failed = '';
    } catch (e) {
      failed = errText(e);
      if (e instanceof ApiError && e.status === 404) client = null;
    }
    draw();
  });

  async function save(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    try {
      client = await patch(base, { name: f.name.trim(), notes: f.notes });
      toast(t('saved'));
      draw();
    } catch (e) {
      showError(ev.target, errText(e));
    }
  }

  async function setArchived(on) {
    try {
      client = await patch(base, { archived: on });
      draw();
    } catch (e) {
      toast(errText(e));
    }
  }

  async function assign(ev) {
    ev.preventDefault();
    const ids = [...ev.target.querySelectorAll('input[name=consultant]:checked')].map((i) => i.value);
    try {
      client = await patch(base, { consultants: ids });
      toast(t('saved'));
      draw();
    } catch (e) {
      showError(ev.target, errText(e));
    }
  }

  async function createLink(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    const n = Number(f.days);
    const body = {
      label: f.label.trim() || t('console.link_default'),
      role: f.role,
      expires_at: n ? Date.now() + n * 86400000 : null,
    };
    try {
      made = await post(`${base}/links`, body);
      ev.target.reset();
      links = (await get(`${base}/links`)).links;
      draw();
    } catch (e) {
      showError(ev.target, errText(e));
    }
  }

  async function revoke(l) {
    if (!(await confirmSheet(t('console.revoke_confirm', { label: l.label }), t('revoke'), { danger: true }))) return;
    try {
      await del(`${base}/links/${encodeURIComponent(l.id)}`);
      if (made?.id === l.id) made = null;
      links = (await get(`${base}/links`)).links;
      draw();
    } catch (e) {
      toast(errText(e));
    }
  }

  const pickDate = (k) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(k || '')) return;
    go(`admin/client/${fid}/${k}`);
  };

  // ---- parts ----
  const detailsCard = () => html`<form class="card no-print" @submit=${save}>
    <h2>${t('console.client')}</h2>
    ${field(t('console.client_name'), 'client-name', html`<input id="client-name" name="name" type="text" required .value=${client.name}>`)}
    ${field(t('console.notes'), 'client-notes', html`<textarea id="client-notes" name="notes" .value=${client.notes}></textarea>`)}
    <p class="muted">${[client.timezone, client.members.length ? client.members.map((m) => `${m.name} (${t(`role.${m.role}`)})`).join(', ') : t('console.no_members')].join(' · ')}</p>
    <p class="error" role="alert" hidden></p>
    <div class="row">
      <button class="btn primary" type="submit">${t('save_changes')}</button>
      <button class="btn" type="button" @click=${() => setArchived(!client.archived)}>${client.archived ? t('console.unarchive') : t('console.archive')}</button>
    </div>
  </form>`;

  const assignCard = () =>
    isAdmin() && consultants?.length
      ? html`<form class="card no-print" @submit=${assign}><h2>${t('console.consultants')}</h2>
      ${consultants.map(
        (c) =>
          html`<label class="check"><input type="checkbox" name="consultant" value=${c.id} .checked=${client.consultants.some((x) => x.id === c.id)}>${c.name}</label>`,
      )}
      <p class="error" role="alert" hidden></p>
      <button class="btn" type="submit">${t('save_changes')}</button></form>`
      : nothing;

  const linkRow = (l) => html`<li data-link=${l.id}>
    <span class="grow"><strong>${l.label}</strong><div class="muted">${[
      t(`role.${l.role}`),
      l.revoked ? t('console.revoked') : l.active ? t('console.active') : t('console.expired'),
      l.expires_at ? t('expires_at', { when: fmtDate(l.expires_at, zone()) }) : t('no_expiry'),
      l.last_used_at
        ? t('console.last_used', { when: fmtRelative(Date.now() - l.last_used_at) })
        : t('console.never_used'),
    ].join(' · ')}</div></span>
    ${l.revoked ? nothing : html`<button class="btn danger" type="button" aria-label="${t('revoke')} ${l.label}" @click=${() => revoke(l)}>${t('revoke')}</button>`}
  </li>`;

  const linksCard = () => html`<section class="card no-print"><h2>${t('links')}</h2>
    <p class="muted">${t('console.links_help')}</p>
    <form @submit=${createLink}>
      ${field(t('link_label'), 'clink-label', html`<input id="clink-label" name="label" type="text" placeholder=${t('link_label_ph')}>`)}
      ${field(t('role'), 'clink-role', html`<select id="clink-role" name="role">${['caregiver', 'owner', 'viewer'].map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select>`)}
      ${field(t('expires'), 'clink-days', html`<select id="clink-days" name="days">${LINK_DAYS.map((d) => html`<option value=${d}>${d ? t('days_n', { n: d }) : t('never')}</option>`)}</select>`)}
      <p class="error" role="alert" hidden></p>
      <button class="btn primary block" type="submit" ?disabled=${client.archived}>${icon('plus')}${t('create_link')}</button>
    </form>
    ${made ? linkReady(made.url, made.label) : nothing}
    <ul class="list links">${links.map(linkRow)}</ul>
  </section>`;

  const datePicker = () => html`<div class="daynav no-print">
    <button class="icon-btn" type="button" aria-label=${t('previous_day')} @click=${() => pickDate(addDays(key, -1))}>${icon('back')}</button>
    <input type="date" aria-label=${t('console.date')} .value=${key} @change=${(ev) => pickDate(ev.target.value)}>
    <button class="icon-btn" type="button" aria-label=${t('next_day')} @click=${() => pickDate(addDays(key, 1))}>${icon('next')}</button>
  </div>`;

  const personPicker = () =>
    client.subjects.length > 1
      ? html`<div class="seg no-print" role="group" aria-label=${t('console.person')}>${client.subjects.map(
          (s) =>
            html`<button type="button" aria-pressed=${String(s.id === subjectId)} @click=${() => {
              subjectId = s.id;
              load();
            }}>${s.name}</button>`,
        )}</div>`
      : nothing;

  // Sleep as one band down the grid: each hour's row draws the part of
  // every sleep that falls in it, at its place in the hour, so the rows'
  // pieces meet into one band however many hours a sleep spans (23 or 25
  // rows on the days the clocks change).
  const sleeps = () => {
    const last = period?.days?.[period.days.length - 1];
    if (!last || !day) return [];
    return last.rhythm.sleeps.map(([a, b]) => [last.day_start + a * 60000, last.day_start + b * 60000]);
  };
  const hourRow = (hr, spans) => {
    const len = hr.end - hr.start;
    const pieces = spans
      .map(([a, b]) => [Math.max(a, hr.start), Math.min(b, hr.end)])
      .filter(([a, b]) => b > a)
      .map(
        ([a, b]) =>
          html`<i ${css({ 'inset-block-start': `${((a - hr.start) / len) * 100}%`, 'block-size': `${((b - a) / len) * 100}%` })}></i>`,
      );
    const figures = [
      hr.feeds ? `${t('feeds')} ${fmtNumber(hr.feeds)}` : '',
      hr.bottle_ml ? fmtUnit(hr.bottle_ml, 'ml', state.prefs.units) : '',
      hr.breast_ms ? fmtDuration(hr.breast_ms) : '',
      hr.wet ? `${t('console.wet')} ${fmtNumber(hr.wet)}` : '',
      hr.dirty ? `${t('console.dirty')} ${fmtNumber(hr.dirty)}` : '',
    ].filter(Boolean);
    const byId = new Map((client.recent || []).map((e) => [e.id, e]));
    return html`<li data-start=${hr.start}>
      <span class="h">${fmtTime(hr.start, zone())}</span>
      <span class="band" title=${hr.sleep_ms ? t('asleep_min', { n: Math.round(hr.sleep_ms / 60000) }) : nothing}>${pieces}</span>
      <div class="what">${hr.events.map((ev) => {
        const full = byId.get(ev.id);
        return html`<span class="pill">${typeIcon(ev.type)} ${full ? title(full) : t(`type.${ev.type}`)} <small>${fmtTime(ev.ts, zone())}</small></span>`;
      })}${figures.length ? html`<small class="muted figures">${figures.join(' · ')}</small>` : nothing}</div>
    </li>`;
  };

  const totalsCard = () => {
    const tt = day.totals;
    const u = state.prefs.units;
    return html`<section class="card totals-card"><h2>${t('totals')}</h2><div class="totals">
      ${stat('sleep', fmtDuration(tt.sleep_ms), t('sleep_total'))}
      ${stat('naps', `${fmtNumber(tt.naps)} · ${fmtDuration(tt.nap_ms)}`, t('naps'))}
      ${stat('night', fmtDuration(tt.night_ms), t('console.night'))}
      ${stat('longest', fmtDuration(tt.longest_sleep_ms), t('console.longest'))}
      ${stat('feeds', fmtNumber(tt.feeds), t('feeds'))}
      ${stat('bottle_ml', fmtUnit(tt.bottle_ml, 'ml', u), t('bottles'))}
      ${stat('breast_left', fmtDuration(tt.breast_left_ms), t('feed.breast_left'))}
      ${stat('breast_right', fmtDuration(tt.breast_right_ms), t('feed.breast_right'))}
      ${tt.breast_both_ms ? stat('breast_both', fmtDuration(tt.breast_both_ms), t('feed.breast_both')) : nothing}
      ${stat('wet', fmtNumber(tt.wet), t('console.wet'))}
      ${stat('dirty', fmtNumber(tt.dirty), t('console.dirty'))}
    </div></section>`;
  };

  const gridCard = () => {
    const spans = sleeps();
    return html`<section class="card grid-card"><h2>${t('hour_grid')}${day.hours_in_day !== 24 ? html` <small class="muted">(${t('console.hours_n', { n: day.hours_in_day })})</small>` : nothing}</h2>
      <ol class="hours console-hours">${day.hours.map((hr) => hourRow(hr, spans))}</ol></section>`;
  };

  const recentCard = () => html`<section class="card no-print"><h2>${t('console.recent')}</h2>
    ${
      client.recent.length
        ? html`<ul class="list recent">${client.recent.map(
            (
              e,
            ) => html`<li><span aria-hidden="true">${typeIcon(e.type)}</span><span class="grow"><strong>${title(e)}</strong>
            <div class="muted">${fmtDateTime(e.ts, zone())}${e.author_name ? ` · ${e.author_name}` : ''}</div></span></li>`,
          )}</ul>`
        : html`<p class="muted">${t('console.never_logged')}</p>`
    }</section>`;

  const trendCard = () => {
    if (!period) return nothing;
    const labels = period.days.map((d) => fmtShortDay(d.day_start + 12 * HOUR, zone()));
    return html`<section class="card no-print"><h2>${t('console.trend')}</h2>
      <div class="seg" role="group" aria-label=${t('period')}>${[7, 30].map(
        (n) =>
          html`<button type="button" aria-pressed=${String(days === n)} @click=${() => {
            days = n;
            load();
          }}>${t('last_n_days', { n })}</button>`,
      )}</div>
      <h3>${t('chart.sleep')}</h3>${barChart(
        period.days.map((d) => d.sleep_ms / HOUR),
        { labels, cls: 'sleep', format: fmtHours, ariaLabel: t('chart.sleep') },
      )}
      <h3>${t('feeds')}</h3>${barChart(
        period.days.map((d) => d.feeds),
        { labels, cls: 'feed', integer: true, ariaLabel: t('feeds') },
      )}
      <h3>${t('diapers')}</h3>${barChart(
        period.days.map((d) => d.diapers),
        { labels, cls: 'diaper', integer: true, ariaLabel: t('diapers') },
      )}</section>`;
  };

  const exportCard = () => html`<section class="card no-print"><h2>${t('export')}</h2><div class="row">
    <button class="btn primary" type="button" id="print" @click=${() => window.print()}>${t('console.print')}</button>
    <a class="btn" download href="/api/v1/families/${encodeURIComponent(fid)}/export?format=csv">CSV</a>
    <a class="btn" download href="/api/v1/families/${encodeURIComponent(fid)}/export?format=json">JSON</a>
  </div></section>`;

  const view = () => {
    if (!client)
      return html`${head(t('console.client'), '#/admin')}${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}`;
    const person = client.subjects.find((s) => s.id === subjectId);
    return html`${head(client.name, '#/admin')}
      <div class="print-only report-head"><strong>${client.name}</strong>${person ? ` · ${person.name}` : ''}
        <span>${day ? fmtWeekday(day.day_start + 12 * HOUR, zone()) : key} · ${client.timezone}</span></div>
      ${client.archived ? html`<p class="pill warn no-print">${t('console.archived')}</p>` : nothing}
      ${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}
      ${detailsCard()}
      ${linksCard()}
      ${assignCard()}
      <section class="day-section">
        <h2 class="no-print">${day ? fmtWeekday(day.day_start + 12 * HOUR, zone()) : t('console.day')}${person ? html` · ${person.name}` : nothing}</h2>
        ${datePicker()}
        ${personPicker()}
        ${day ? html`${totalsCard()}${gridCard()}` : html`<p class="muted">${t('console.no_person')}</p>`}
      </section>
      ${recentCard()}
      ${trendCard()}
      ${exportCard()}`;
  };

  const draw = () => paint(view(), root);
  draw();
  load();
  // The family's own stream: the console subscribes as staff (audited).
  const live = openStream(fid, {
    onOpen: () => load(),
    onEntry: () => load(),
    onConfig: () => {},
    onPresence: () => {},
    onDown: () => {},
  });
  return () => live.close();
}

// ---------------------------------------------------------------- consultants

function consultantsPage(root) {
  let list = null;
  let made = null;
  let failed = '';

  const load = latest(async () => {
    try {
      list = (await get('/admin/consultants')).consultants;
      failed = '';
    } catch (e) {
      failed = errText(e);
    }
    draw();
  });

  async function invite(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    try {
      made = await post('/admin/consultants', { name: f.name.trim(), email: f.email.trim() });
      if (!made.url) toast(t('console.made_consultant'));
      ev.target.reset();
      load();
    } catch (e) {
      showError(ev.target, errText(e));
    }
  }

  async function remove(c) {
    if (!(await confirmSheet(t('console.remove_confirm', { name: c.name }), t('remove'), { danger: true }))) return;
    try {
      await del(`/admin/consultants/${encodeURIComponent(c.id)}`);
      load();
    } catch (e) {
      toast(errText(e));
    }
  }

  const row = (c) => html`<li>
    <span class="grow"><strong>${c.name}</strong><div class="muted">${[
      c.email,
      t('console.clients_n', { n: c.clients }),
      c.has_password ? t('console.active') : c.invite_pending ? t('console.invited') : t('console.invite_expired'),
    ].join(' · ')}</div></span>
    <button class="btn danger" type="button" aria-label="${t('remove')} ${c.name}" @click=${() => remove(c)}>${t('remove')}</button>
  </li>`;

  const view = () => html`${head(t('console.consultants'), '#/admin')}
    ${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}
    <form class="card" @submit=${invite}><h2>${t('console.invite')}</h2>
      <p class="muted">${t('console.invite_help')}</p>
      ${field(t('name'), 'cons-name', html`<input id="cons-name" name="name" type="text" required autocomplete="off">`)}
      ${field(t('email'), 'cons-email', html`<input id="cons-email" name="email" type="email" required autocomplete="off">`)}
      <p class="error" role="alert" hidden></p>
      <button class="btn primary block" type="submit">${icon('plus')}${t('console.invite')}</button>
    </form>
    ${made?.url ? linkReady(made.url, made.name) : nothing}
    ${
      list === null
        ? nothing
        : list.length
          ? html`<section class="card"><ul class="list consultants">${list.map(row)}</ul></section>`
          : html`<p class="empty">${t('console.no_consultants')}</p>`
    }`;

  const draw = () => paint(view(), root);
  draw();
  load();
  return undefined;
}

// ---------------------------------------------------------------- the route

export function mount(root, { params }) {
  document.body.classList.add('console');
  root.classList.add('console-view');
  let stop;
  if (!isStaff()) {
    paint(html`${head(t('console.title'))}<p class="muted">${t('console.staff_only')}</p>`, root);
  } else if (params[0] === 'client' && params[1]) {
    stop = clientPage(root, params[1], params[2]);
  } else if (params[0] === 'consultants' && isAdmin()) {
    stop = consultantsPage(root);
  } else {
    stop = dashboard(root);
  }
  return () => {
    document.body.classList.remove('console');
    if (stop) stop();
  };
}

// views/connect.js — two settings sections about data coming and going:
// "Connected apps", the member's personal API tokens for the Baby
// Buddy-compatible API (Home Assistant, Baby Buddy apps: made with a name,
// the key shown once with copy, last use, revoke), and "Import", Baby Buddy's
// CSV exports or a carelog export: pick files → a dry-run preview (counts per
// type, warnings with file and line, how each model maps) → import. The
// server does all the reading and checking (POST .../import); this only
// sends the files' text (or the zip as it is) and shows its answers, with
// a bar moved by the progress lines the server sends as it reads.
import { t, fmtRelative, fmtNumber } from '../i18n.js';
import { html, nothing, field, icon, toast, confirmSheet, seg } from '../ui.js';
import { state, isOwner } from '../state.js';
import { get, post, del, familyPath, ApiError } from '../api.js';

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields || {})[0] || err.message;
}

// ---- Connected apps: API tokens ----

export function tokensSection(fid, redraw) {
  let tokens = [];
  let made = null; // {name, token}: the key just made, shown this once
  let error = '';

  async function load() {
    try {
      tokens = (await get(familyPath(fid, '/tokens'))).tokens || [];
      error = '';
    } catch (e) {
      error = errText(e);
    }
    redraw();
  }

  async function create(ev) {
    ev.preventDefault();
    const form = ev.target;
    const name = form.elements.name.value.trim();
    try {
      const res = await post(familyPath(fid, '/tokens'), { name });
      made = { name: res.name, token: res.token };
      form.reset();
      await load();
    } catch (e) {
      toast(errText(e));
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(made.token);
      toast(t('copied'));
    } catch {
      toast(t('copy_manually'));
    }
  }

  async function revoke(tk) {
    if (!(await confirmSheet(t('token_revoke_q', { name: tk.name }), t('revoke'), { danger: true }))) return;
    try {
      await del(familyPath(fid, `/tokens/${encodeURIComponent(tk.id)}`));
      if (made && made.name === tk.name) made = null;
      await load();
    } catch (e) {
      toast(errText(e));
    }
  }

  const row = (tk) => html`<li>
    <span class="grow"><strong dir="auto">${tk.name}</strong><div class="muted">${[
      isOwner() && tk.member_name ? tk.member_name : '',
      t(`role.${tk.role}`),
      tk.last_used_at ? t('token_used', { when: fmtRelative(Date.now() - tk.last_used_at) }) : t('token_unused'),
    ]
      .filter(Boolean)
      .join(' · ')}</div></span>
    <button class="btn danger" type="button" aria-label="${t('revoke')} ${tk.name}" @click=${() => revoke(tk)}>${t('revoke')}</button>
  </li>`;

  const view = () => html`<section class="card"><p class="muted">${t('tokens_intro', { url: location.origin })}</p>
    <form @submit=${create}>
      ${field(t('token_name'), 'token-name', html`<input id="token-name" name="name" type="text" required maxlength="60" placeholder="Home Assistant">`)}
      <button class="btn primary block" type="submit">${icon('plus')}${t('token_create')}</button>
    </form>
    ${
      made
        ? html`<div class="card"><p>${t('token_ready')}</p><input type="text" readonly .value=${made.token} aria-label=${t('token_key')}>
      <div class="row"><button class="btn" type="button" @click=${copy}>${icon('copy')}${t('copy')}</button></div></div>`
        : nothing
    }
    ${error ? html`<p class="muted">${error}</p>` : nothing}
    <ul class="list tokens">${tokens.map(row)}</ul>
  </section>`;

  return { view, load };
}

// ---- Import ----

export function importSection(fid, redraw) {
  const s = { source: 'babybuddy', units: 'metric', person: '', files: [], busy: false, preview: null, error: '' };

  async function pick(ev) {
    s.preview = null;
    s.error = '';
    // A zip goes to the server whole (it reads the files in it); the
    // others as text in one JSON object.
    s.files = await Promise.all(
      [...ev.target.files].map(async (f) =>
        /\.zip$/i.test(f.name) ? { name: f.name, zip: f } : { name: f.name, text: await f.text() },
      ),
    );
    redraw();
  }

  async function run(dry) {
    if (!s.files.length) return;
    s.busy = true;
    s.error = '';
    redraw();
    const q = new URLSearchParams({ source: s.source, dry_run: dry ? '1' : '0', units: s.units });
    if (s.person) q.set('subject_id', s.person);
    try {
      const zip = s.files.find((f) => f.zip);
      const files = Object.fromEntries(s.files.map((f) => [f.name, f.text]));
      // The server says how far it has read as it goes.
      s.progress = 0;
      const onLine = (p) => {
        s.progress = p.total ? p.done / p.total : 0;
        redraw();
      };
      const res = await post(
        familyPath(fid, `/import?${q}`),
        zip ? new Blob([zip.zip], { type: 'application/zip' }) : { files },
        { onLine },
      );
      if (dry) {
        s.preview = res;
      } else {
        s.preview = null;
        s.files = [];
        toast(t('import_done', { n: res.imported }));
      }
    } catch (e) {
      s.error = errText(e);
    }
    s.busy = false;
    redraw();
  }

  const counts = (p) =>
    Object.entries(p.by_type || {})
      .map(([type, n]) => `${t(`type.${type}`)}: ${n}`)
      .join(' · ');

  const previewCard = (p) => html`<div class="card import-preview">
    <p><strong>${t('import_counts', { imported: p.imported, duplicates: p.duplicates, invalid: p.invalid })}</strong></p>
    ${p.imported ? html`<p class="muted">${counts(p)}</p>` : nothing}
    ${p.mapping?.length ? html`<h3>${t('import_mapping')}</h3><ul class="list">${p.mapping.map((m) => html`<li dir="auto">${m}</li>`)}</ul>` : nothing}
    ${
      p.warnings?.length
        ? html`<h3>${t('import_warnings')}</h3><ul class="list warnings">${p.warnings
            .slice(0, 50)
            .map(
              (w) =>
                html`<li><strong>${t('import_where', { file: w.file, line: w.line })}</strong> <span dir="auto">${w.message}</span></li>`,
            )}</ul>`
        : nothing
    }
    <button class="btn primary block" type="button" ?disabled=${s.busy || !p.imported} @click=${() => run(false)}>${t('import_do')}</button>
  </div>`;

  const view = () => html`<section class="card"><p class="muted">${t('import_help_long')}</p>
    ${seg(
      'import_source',
      ['babybuddy', 'carelog'],
      s.source,
      (v) => {
        s.source = v;
        s.preview = null;
        redraw();
      },
      (v) => t(`import_src.${v}`),
    )}
    ${
      s.source === 'babybuddy'
        ? seg(
            'units',
            ['metric', 'imperial'],
            s.units,
            (v) => {
              s.units = v;
              s.preview = null;
              redraw();
            },
            (v) => t(`units.${v}`),
          )
        : nothing
    }
    ${field(
      t('import_person'),
      'import-person',
      html`<select id="import-person" @change=${(e) => {
        s.person = e.target.value;
        s.preview = null;
      }}><option value="">${t('import_person_none')}</option>${(state.subjects || []).map(
        (p) => html`<option value=${p.id} ?selected=${p.id === s.person}>${p.name}</option>`,
      )}</select>`,
    )}
    ${field(
      t('import_files'),
      'import-files',
      html`<input id="import-files" type="file" multiple accept=".csv,.json,.zip,text/csv,application/json,application/zip" @change=${pick}>`,
      { hint: t('import_files_hint') },
    )}
    <button class="btn block" type="button" ?disabled=${s.busy || !s.files.length} @click=${() => run(true)}>${t('import_preview')}</button>
    ${s.busy ? html`<p role="status"><progress aria-label=${t('importing')} max="1" .value=${s.progress || 0}></progress> ${t('importing')} ${s.progress ? fmtNumber(s.progress, { style: 'percent' }) : ''}</p>` : nothing}
    ${s.error ? html`<p class="error" role="alert">${s.error}</p>` : nothing}
    ${s.preview ? previewCard(s.preview) : nothing}
  </section>`;

  return { view, load: () => {} };
}

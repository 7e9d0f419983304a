// views/documents.js — the family's papers (#/documents, and
// #/documents/share after "Share → carelog"): prescriptions, insurance
// cards, discharge and lab reports, per person or the whole family's, with a
// category filter; upload a photo or PDF (a "take photo" control opens the
// camera) with title, category, date, person and who may see it; open or
// download each one. Images get a small preview drawn here (the server has
// no image library): a canvas, about 320 px, JPEG; a PDF, or a HEIC this
// browser cannot draw, shows a type icon instead.
import { t, fmtDate } from '../i18n.js';
import { html, nothing, paint, icon, latest, toast, confirmSheet, field, showError } from '../ui.js';
import { state, on, canWrite, isOwner } from '../state.js';
import { get, post, put, del, familyPath, ApiError } from '../api.js';
import { SHARE_CACHE, SHARE_KEY } from '../share.js';

export const CATEGORIES = ['prescription', 'insurance', 'discharge', 'lab', 'imaging', 'report', 'id', 'other'];
const MAX_BYTES = 20 * 1000 * 1000;
const PREVIEW_PX = 320;

// A preview of an image file: a JPEG about PREVIEW_PX on its longer side,
// or null when this browser cannot draw it (HEIC on most) or it is no image.
export async function makePreview(file) {
  if (!file.type.startsWith('image/')) return null;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, PREVIEW_PX / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bmp.width * scale));
    canvas.height = Math.max(1, Math.round(bmp.height * scale));
    canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  } catch {
    return null;
  }
}

// The file the service worker kept from a share, taken (once) as a File.
async function takeShared() {
  try {
    const cache = await caches.open(SHARE_CACHE);
    const res = await cache.match(SHARE_KEY);
    if (!res) return null;
    await cache.delete(SHARE_KEY);
    const blob = await res.blob();
    const name = decodeURIComponent(res.headers.get('X-File-Name') || '') || 'shared';
    return {
      file: new File([blob], name, { type: blob.type }),
      title: decodeURIComponent(res.headers.get('X-Title') || ''),
    };
  } catch {
    return null;
  }
}

const kindIcon = (type) => (type === 'application/pdf' ? 'list' : 'card');
const titleOf = (name) => name.replace(/\.[^.]+$/, '').slice(0, 120);

export function mount(root, { params = [] } = {}) {
  const fid = state.family?.id;
  const base = (rest = '') => `/api/v1${familyPath(fid, `/documents${rest}`)}`;
  let docs = null;
  let failed = false;
  let subject = '';
  let category = '';
  let picked = null; // the File chosen or shared, waiting for its details
  let pickedTitle = '';
  let busy = false;

  const personName = (sid) => state.subjects.find((s) => s.id === sid)?.name || '';
  const pick = (file, title = '') => {
    picked = file;
    pickedTitle = title || titleOf(file.name || '');
    show();
    root.querySelector('#doc-title')?.focus();
  };
  const onFile = (ev) => {
    const file = ev.target.files?.[0];
    ev.target.value = '';
    if (file) pick(file);
  };

  const submit = async (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    if (!picked || busy) return;
    if (picked.size > MAX_BYTES) {
      showError(form, t('doc_too_large'));
      return;
    }
    const f = new FormData(form);
    const q = new URLSearchParams({ title: f.get('title') || '', category: f.get('category') || 'other' });
    if (f.get('date')) q.set('date', f.get('date'));
    if (f.get('subject_id')) q.set('subject_id', f.get('subject_id'));
    if (f.get('owners')) q.set('visibility', 'owners');
    busy = true;
    show();
    try {
      const doc = await post(familyPath(fid, `/documents?${q}`), picked);
      const preview = await makePreview(picked);
      if (preview) await put(familyPath(fid, `/documents/${doc.id}/preview`), preview).catch(() => {});
      picked = null;
      toast(t('doc_uploaded'));
      refresh();
    } catch (err) {
      const code = err instanceof ApiError ? err.status : 0;
      showError(
        form,
        code === 413
          ? t('doc_too_large')
          : code === 415
            ? t('doc_bad_type')
            : err.offline
              ? t('doc_offline')
              : Object.values(err.fields || {})[0] || err.message,
      );
    } finally {
      busy = false;
      show();
    }
  };

  const remove = async (d) => {
    if (!(await confirmSheet(t('doc_delete_q', { title: d.title }), t('delete'), { danger: true }))) return;
    try {
      await del(familyPath(fid, `/documents/${d.id}`));
      refresh();
    } catch (err) {
      toast(err.message);
    }
  };

  const uploadForm = () =>
    picked
      ? html`<form class="card doc-form" id="doc-form" @submit=${submit}>
      <p class="muted" id="doc-picked">${picked.name || t('doc_file')} · ${Math.max(1, Math.round(picked.size / 1024))} KB</p>
      ${field(
        t('doc_title'),
        'doc-title',
        html`<input id="doc-title" type="text" name="title" required maxlength="120" .value=${pickedTitle} @input=${(
          ev,
        ) => {
          pickedTitle = ev.target.value;
        }}>`,
      )}
      ${field(
        t('doc_category'),
        'doc-category',
        html`<select id="doc-category" name="category">${CATEGORIES.map((c) => html`<option value=${c}>${t(`doc_cat.${c}`)}</option>`)}</select>`,
      )}
      ${field(t('doc_date'), 'doc-date', html`<input id="doc-date" name="date" type="date">`)}
      ${field(
        t('doc_person'),
        'doc-person',
        html`<select id="doc-person" name="subject_id"><option value="">${t('doc_whole_family')}</option>${state.subjects.map(
          (s) => html`<option value=${s.id} ?selected=${s.id === subject}>${s.name}</option>`,
        )}</select>`,
      )}
      ${isOwner() ? html`<label class="check"><input type="checkbox" name="owners" id="doc-owners"> ${t('doc_owners_only')}</label>` : nothing}
      <p class="error" role="alert" hidden></p>
      <div class="row end">
        <button class="btn" type="button" @click=${() => {
          picked = null;
          show();
        }}>${t('cancel')}</button>
        <button class="btn primary" type="submit" id="doc-save" ?disabled=${busy}>${busy ? t('doc_uploading') : t('doc_upload')}</button>
      </div></form>`
      : html`<div class="row wrap doc-pickers">
      <label class="btn primary" for="doc-file">${icon('plus')}${t('doc_add')}</label>
      <input class="visually-hidden" type="file" id="doc-file" accept="image/*,application/pdf" @change=${onFile}>
      <label class="btn" for="doc-camera">${icon('card')}${t('doc_take_photo')}</label>
      <input class="visually-hidden" type="file" id="doc-camera" accept="image/*" capture="environment" @change=${onFile}>
    </div>`;

  const item = (d) => html`<li class="doc" data-id=${d.id}>
    <a class="doc-thumb" href=${base(`/${d.id}/content`)} download=${d.filename} aria-label="${t('doc_open')}: ${d.title}">${
      d.preview_type
        ? html`<img src=${base(`/${d.id}/preview`)} alt="" width="64" height="64" loading="lazy">`
        : html`<span class="doc-type">${icon(kindIcon(d.content_type))}<small>${d.filename.split('.').pop().toUpperCase()}</small></span>`
    }</a>
    <div class="doc-text">
      <strong class="doc-title">${d.title}</strong>
      <small class="muted">${[
        t(`doc_cat.${d.category}`),
        d.date ? fmtDate(Date.parse(`${d.date}T12:00:00Z`), 'UTC') : '',
        d.subject_id ? personName(d.subject_id) : t('doc_whole_family'),
      ]
        .filter(Boolean)
        .join(
          ' · ',
        )}${d.visibility === 'owners' ? html` · <span class="badge">${t('doc_owners_only')}</span>` : nothing}</small>
    </div>
    <a class="icon-btn" href=${base(`/${d.id}/content`)} download=${d.filename} aria-label="${t('doc_download')}: ${d.title}">${icon('download')}</a>
    ${canWrite() ? html`<button class="icon-btn" type="button" aria-label="${t('delete')}: ${d.title}" @click=${() => remove(d)}>${icon('trash')}</button>` : nothing}
  </li>`;

  const show = () => {
    if (!fid) return;
    paint(
      html`<section class="documents" aria-labelledby="docs-h">
      <h1 id="docs-h">${t('documents')}</h1>
      ${canWrite() ? uploadForm() : nothing}
      <div class="row wrap doc-filters">
        ${field(
          t('doc_person'),
          'doc-filter-person',
          html`<select id="doc-filter-person" @change=${(ev) => {
            subject = ev.target.value;
            refresh();
          }}><option value="">${t('doc_everyone')}</option><option value="none" ?selected=${subject === 'none'}>${t('doc_whole_family')}</option>${state.subjects.map(
            (s) => html`<option value=${s.id} ?selected=${s.id === subject}>${s.name}</option>`,
          )}</select>`,
        )}
        ${field(
          t('doc_category'),
          'doc-filter-category',
          html`<select id="doc-filter-category" @change=${(ev) => {
            category = ev.target.value;
            refresh();
          }}><option value="">${t('doc_all_categories')}</option>${CATEGORIES.map(
            (c) => html`<option value=${c} ?selected=${c === category}>${t(`doc_cat.${c}`)}</option>`,
          )}</select>`,
        )}
      </div>
      ${
        docs === null
          ? html`<p class="muted">${failed ? t('doc_unavailable') : t('loading')}</p>`
          : docs.length
            ? html`<ul class="plain doc-list" id="doc-list">${docs.map(item)}</ul>`
            : html`<p class="empty" id="doc-empty">${t('doc_none')}</p>`
      }
    </section>`,
      root,
    );
  };

  const refresh = latest(async () => {
    if (!fid) return;
    const q = new URLSearchParams();
    if (subject) q.set('subject', subject);
    if (category) q.set('category', category);
    try {
      docs = (await get(familyPath(fid, `/documents${q.size ? `?${q}` : ''}`))).documents;
      failed = false;
    } catch {
      failed = true;
    }
    show();
  });

  show();
  refresh();
  if (params[0] === 'share' && canWrite())
    takeShared().then((s) => {
      if (s) pick(s.file, s.title);
    });
  // Another member filed, changed or deleted one (the live stream).
  return on(['documents', 'subjects'], () => refresh());
}

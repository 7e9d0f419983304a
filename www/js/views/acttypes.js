// views/acttypes.js — the family's own activity types (issue 18): a bath,
// potty, vitamin D drops. Owners define them (a name in the language shown,
// an emoji, a colour, fields of the catalogue's custom kinds), change them
// (fields are added, relabelled or hidden, never removed: what was logged
// stays valid) and archive or delete them; everyone else sees the list.
// The server checks each definition (GET/POST/PATCH/DELETE .../activity-types)
// and the app then uses the type everywhere (entries.js useFamilyTypes).
import { t, getLang } from '../i18n.js';
import { html, nothing, paint, field, toast, latest, backTo, showError, css } from '../ui.js';
import { state, isOwner, emit } from '../state.js';
import { get, post, patch, del, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { CATALOGUE, PERSON_COLOURS, useFamilyTypes } from '../entries.js';
import { typeName } from '../describe.js';

const KINDS = Object.keys(CATALOGUE.custom_fields);
const UNITS = Object.keys(CATALOGUE.custom_fields.amount?.units || {});

// A key (a-z, 0-9, _) from a label, unique among `taken`; a label in
// another script gives `fallback` and a number.
function keyOf(text, taken, fallback) {
  const base =
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^[^a-z]+|_+$/g, '')
      .slice(0, 24) || fallback;
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  return key;
}

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  const fields = Object.entries(err.fields || {});
  return fields.length ? fields.map(([k, v]) => `${k}: ${v}`).join('; ') : err.message;
}

export function mount(root) {
  const fid = state.family.id;
  let list = null;
  let failed = '';
  let editing = null; // {id?, name, icon, colour, fields: [{key?, kind, label, unit, options, archived, stored}]}

  const load = async () => {
    const d = await get(familyPath(fid, '/activity-types'));
    list = d.activity_types || [];
    await store.setMeta(`acttypes:${fid}`, d);
    useFamilyTypes(list);
    emit('acttypes');
  };

  const blank = () => ({ name: '', icon: '⭐', colour: PERSON_COLOURS[0], fields: [] });
  const fromDef = (d) => ({
    id: d.id,
    key: d.key,
    names: d.names,
    name: d.names[getLang()] || d.names.en || Object.values(d.names)[0] || '',
    icon: d.icon,
    colour: d.colour,
    subject_ids: d.subject_ids,
    fields: d.fields.map((f) => ({
      ...f,
      label: f.label || '',
      options: f.options ? f.options.map((o) => o.label || o.key).join(', ') : '',
      stored: f.options || [],
      kept: true,
    })),
  });

  // The definition the server wants from what the form holds. Stored
  // fields keep their keys, kinds, units and options (new options are added).
  function body(form) {
    const keys = new Set(editing.fields.filter((f) => f.kept).map((f) => f.key));
    const fields = editing.fields.map((f, i) => {
      const label = form.querySelector(`[name=label-${i}]`)?.value.trim() || '';
      const out = { key: f.key, kind: f.kind };
      if (!f.kept) {
        out.kind = form.querySelector(`[name=kind-${i}]`).value;
        out.key = keyOf(label, keys, out.kind);
        keys.add(out.key);
      }
      if (label) out.label = label;
      if (out.kind === 'amount') out.unit = f.kept ? f.unit : form.querySelector(`[name=unit-${i}]`).value;
      if (out.kind === 'choice') {
        const labels = (form.querySelector(`[name=options-${i}]`)?.value || '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const opts = [...f.stored];
        const taken = new Set(opts.map((o) => o.key));
        labels.forEach((l, n) => {
          if (n < opts.length) opts[n] = { key: opts[n].key, label: l };
          else {
            const key = keyOf(l, taken, `o${n + 1}`);
            taken.add(key);
            opts.push({ key, label: l });
          }
        });
        out.options = opts;
      }
      if (form.querySelector(`[name=archived-${i}]`)?.checked) out.archived = true;
      return out;
    });
    const name = form.querySelector('[name=name]').value.trim();
    const def = {
      names: { ...(editing.names || {}), [getLang()]: name },
      icon: form.querySelector('[name=icon]').value.trim(),
      colour: form.querySelector('[name=colour]').value,
      fields,
    };
    if (!editing.id) {
      const taken = new Set((list || []).map((d) => d.key));
      def.key = keyOf(name, taken, 'activity');
    }
    return def;
  }

  async function save(ev) {
    ev.preventDefault();
    const form = ev.target;
    try {
      const def = body(form);
      if (editing.id) await patch(familyPath(fid, `/activity-types/${editing.id}`), def);
      else await post(familyPath(fid, '/activity-types'), def);
      editing = null;
      toast(t('saved'));
      await load();
    } catch (e) {
      showError(form, errText(e));
      return;
    }
    draw();
  }

  const act = (fn) => async () => {
    try {
      await fn();
      await load();
    } catch (e) {
      toast(errText(e));
    }
    draw();
  };
  const archive = (d, on) => act(() => patch(familyPath(fid, `/activity-types/${d.id}`), { archived: on }));
  const remove = (d) => act(() => del(familyPath(fid, `/activity-types/${d.id}`)));

  const fieldRow = (f, i) => html`<fieldset class="card" data-field=${i}>
    ${
      f.kept
        ? html`<p><strong>${t(`acttype.kind.${f.kind}`)}</strong>${f.unit ? ` (${f.unit})` : ''}</p>`
        : field(
            t('acttype.kind'),
            `kind-${i}`,
            html`<select id="kind-${i}" name="kind-${i}" @change=${(ev) => {
              f.kind = ev.target.value;
              draw();
            }}>${KINDS.map((k) => html`<option value=${k} ?selected=${k === f.kind}>${t(`acttype.kind.${k}`)}</option>`)}</select>`,
          )
    }
    ${field(t('acttype.label'), `label-${i}`, html`<input id="label-${i}" name="label-${i}" maxlength="60" .value=${f.label}>`)}
    ${
      f.kind === 'amount' && !f.kept
        ? field(
            t('acttype.unit'),
            `unit-${i}`,
            html`<select id="unit-${i}" name="unit-${i}">${UNITS.map((u) => html`<option value=${u}>${u}</option>`)}</select>`,
          )
        : nothing
    }
    ${
      f.kind === 'choice'
        ? field(
            t('acttype.options'),
            `options-${i}`,
            html`<input id="options-${i}" name="options-${i}" .value=${f.options || ''}>`,
          )
        : nothing
    }
    ${
      f.kept
        ? html`<label class="check"><input type="checkbox" name="archived-${i}" ?checked=${!!f.archived}>${t('acttype.field_archived')}</label>`
        : html`<button class="btn" type="button" @click=${() => {
            editing.fields.splice(i, 1);
            draw();
          }}>${t('acttype.remove_field')}</button>`
    }
  </fieldset>`;

  const editor = () => html`<form class="card" id="acttype-form" @submit=${save}>
    <h2>${editing.id ? t('acttype.edit') : t('acttype.new')}</h2>
    ${field(t('acttype.name'), 'at-name', html`<input id="at-name" name="name" required maxlength="60" .value=${editing.name}>`)}
    ${field(t('acttype.icon'), 'at-icon', html`<input id="at-icon" name="icon" maxlength="16" .value=${editing.icon}>`)}
    ${field(t('acttype.colour'), 'at-colour', html`<input id="at-colour" name="colour" type="color" .value=${editing.colour}>`)}
    <h3>${t('acttype.fields')}</h3>
    <p class="muted">${t('acttype.fixed')}</p>
    ${editing.fields.map(fieldRow)}
    <button class="btn" type="button" id="acttype-add-field" @click=${() => {
      editing.fields.push({ kind: KINDS[0], label: '', options: '', stored: [], kept: false });
      draw();
    }}>${t('acttype.add_field')}</button>
    <p class="error" role="alert" hidden></p>
    <div class="row"><button class="btn primary" type="submit">${t('save')}</button>
    <button class="btn" type="button" @click=${() => {
      editing = null;
      draw();
    }}>${t('cancel')}</button></div>
  </form>`;

  const row = (d) => html`<li data-acttype=${d.type}>
    <span class="swatch" ${css({ background: d.colour })}></span><span class="emoji" aria-hidden="true">${d.icon}</span>
    <span class="grow"><strong>${typeName(d.type)}</strong>${d.archived ? html` <span class="badge">${t('acttype.archived')}</span>` : nothing}
      <div class="muted">${d.fields.map((f) => f.label || t(`acttype.kind.${f.kind}`)).join(' · ')}</div></span>
    ${
      isOwner()
        ? html`<div class="actions"><button class="btn" type="button" @click=${() => {
            editing = fromDef(d);
            draw();
          }}>${t('acttype.edit')}</button>
          <button class="btn" type="button" @click=${archive(d, !d.archived)}>${d.archived ? t('acttype.restore') : t('acttype.archive')}</button>
          <button class="btn danger" type="button" @click=${remove(d)}>${t('acttype.delete')}</button></div>`
        : nothing
    }
  </li>`;

  const view = () => html`${backTo('#/settings', t('acttypes'))}
    ${failed ? html`<p class="error" role="alert">${failed}</p>` : nothing}
    ${
      list === null
        ? nothing
        : list.length
          ? html`<ul class="list card acttypes">${list.map(row)}</ul>`
          : html`<p class="empty">${t('acttype.none')}</p>`
    }
    ${
      isOwner()
        ? editing
          ? editor()
          : html`<button class="btn primary block" type="button" id="acttype-new" @click=${() => {
              editing = blank();
              draw();
            }}>${t('acttype.new')}</button>`
        : html`<p class="muted">${t('acttype.owners')}</p>`
    }`;

  const draw = latest(async () => paint(view(), root));
  load()
    .catch((e) => {
      failed = errText(e);
      list = [];
    })
    .then(draw);
  draw();
  return () => {};
}

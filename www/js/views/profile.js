// views/profile.js — a person's profile (#/profile/<sid>), the data of the
// emergency card: date of birth, blood type, allergies, conditions, doctor
// and hospital, insurance number, emergency contacts (up to 8), notes.
// Caregivers and owners edit it; viewers read it. Saving sends the version
// it read, so another caregiver's newer edit is never overwritten unseen.
import { t } from '../i18n.js';
import { html, nothing, paint, field, icon, showError, backTo, toast } from '../ui.js';
import { state, on, canWrite } from '../state.js';
import { ApiError } from '../api.js';
import { loadProfile, cachedProfile, saveProfile } from '../care.js';
import { go } from '../router.js';

const BLOOD = ['', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'];
const MAX_CONTACTS = 8;

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  const [k, v] = Object.entries(err.fields)[0] || [];
  return k ? `${k}: ${v}` : err.message;
}

export function mount(root, { params = [] } = {}) {
  const sid = params[0] || state.subject?.id;
  let profile = null;
  let contacts = [];
  const person = () => state.subjects.find((s) => s.id === sid) || null;
  const writable = canWrite();

  const input = (name, label, value, { type = 'text', max = 100, long = false, dir = '' } = {}) => {
    const id = `pf-${name.replace(/\W/g, '-')}`;
    return field(
      label,
      id,
      long
        ? html`<textarea id=${id} name=${name} maxlength=${max} ?readonly=${!writable} .value=${value || ''}></textarea>`
        : html`<input id=${id} name=${name} type=${type} maxlength=${max} dir=${dir || nothing} .value=${value || ''} ?readonly=${!writable}>`,
    );
  };

  const place = (key, p) => html`<fieldset class="card"><legend>${t(key)}</legend>
    ${input(`${key}.name`, t('name'), p?.name)}
    ${input(`${key}.address`, t('address'), p?.address, { long: true, max: 300 })}
    ${input(`${key}.phone`, t('phone'), p?.phone, { type: 'tel', max: 40, dir: 'ltr' })}</fieldset>`;

  const contactRow = (c, i) => html`<fieldset class="card contact"><legend>${t('contact_n', { n: i + 1 })}</legend>
    ${input(`contact.${i}.name`, t('name'), c.name)}
    ${input(`contact.${i}.relation`, t('relation'), c.relation, { max: 60 })}
    ${input(`contact.${i}.phone`, t('phone'), c.phone, { type: 'tel', max: 40, dir: 'ltr' })}
    ${writable ? html`<button class="btn" type="button" @click=${() => removeContact(i)}>${icon('trash')}${t('remove')}</button>` : nothing}</fieldset>`;

  // The form's current values, so adding or removing a contact keeps what was typed.
  function read(form) {
    const f = new FormData(form);
    const get = (k) => String(f.get(k) ?? '').trim();
    const placeOf = (k) => ({ name: get(`${k}.name`), address: get(`${k}.address`), phone: get(`${k}.phone`) });
    return {
      birth_date: get('birth_date') || null,
      blood_type: get('blood_type') || null,
      allergies: get('allergies'),
      conditions: get('conditions'),
      gp: placeOf('gp'),
      hospital: placeOf('hospital'),
      insurance_number: get('insurance_number'),
      emergency_contacts: contacts.map((_, i) => ({
        name: get(`contact.${i}.name`),
        relation: get(`contact.${i}.relation`),
        phone: get(`contact.${i}.phone`),
      })),
      notes: get('notes'),
    };
  }

  function keepTyped() {
    const form = root.querySelector('form');
    if (form) {
      const v = read(form);
      profile = { ...profile, ...v };
      contacts = v.emergency_contacts;
    }
  }
  function addContact() {
    keepTyped();
    contacts = [...contacts, { name: '', relation: '', phone: '' }];
    show();
  }
  function removeContact(i) {
    keepTyped();
    contacts = contacts.filter((_, k) => k !== i);
    show();
  }

  async function submit(ev) {
    ev.preventDefault();
    const body = read(ev.target);
    body.emergency_contacts = body.emergency_contacts.filter((c) => c.name || c.phone);
    body.version = profile?.version ?? 0;
    try {
      profile = await saveProfile(sid, body);
      contacts = profile.emergency_contacts.map((c) => ({ ...c }));
      toast(t('saved'));
      go(`card/${sid}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        ({ profile } = await loadProfile(sid));
        contacts = profile.emergency_contacts.map((c) => ({ ...c }));
        show();
        showError(root.querySelector('form'), t('profile_conflict'));
        return;
      }
      showError(ev.target, errText(e));
    }
  }

  const show = () => {
    const s = person();
    if (!s) {
      paint(html`<p class="empty">${t('no_people_yet')}</p>`, root);
      return;
    }
    const p = profile || {};
    paint(
      html`${backTo(`#/card/${sid}`, `${t('profile')}: ${s.name}`)}
      ${
        profile
          ? html`<form class="stack profile-form" @submit=${submit}>
        <section class="card">
          ${input('birth_date', t('birth_date'), p.birth_date ?? s.birth_date, { type: 'date', max: 10 })}
          ${field(
            t('blood_type'),
            'pf-blood',
            html`<select id="pf-blood" name="blood_type" ?disabled=${!writable}>${BLOOD.map(
              (b) => html`<option value=${b} ?selected=${(p.blood_type || '') === b}>${b || '—'}</option>`,
            )}</select>`,
          )}
          ${input('allergies', t('allergies'), p.allergies, { long: true, max: 2000 })}
          ${input('conditions', t('conditions'), p.conditions, { long: true, max: 2000 })}
          ${input('insurance_number', t('insurance_number'), p.insurance_number, { max: 60, dir: 'ltr' })}
        </section>
        ${place('gp', p.gp)}
        ${place('hospital', p.hospital)}
        <h2>${t('emergency_contacts')}</h2>
        ${contacts.map(contactRow)}
        ${writable && contacts.length < MAX_CONTACTS ? html`<button class="btn" type="button" id="add-contact" @click=${addContact}>${icon('plus')}${t('add_contact')}</button>` : nothing}
        <section class="card">${input('notes', t('field.notes'), p.notes, { long: true, max: 4000 })}</section>
        <p class="error" role="alert" hidden></p>
        ${writable ? html`<button class="btn primary block" type="submit">${t('save_changes')}</button>` : nothing}
      </form>`
          : html`<p class="muted">${t('loading')}</p>`
      }`,
      root,
    );
  };

  (async () => {
    profile = (await cachedProfile(sid)) || null;
    if (profile) contacts = profile.emergency_contacts.map((c) => ({ ...c }));
    show();
    try {
      ({ profile } = await loadProfile(sid));
      contacts = profile.emergency_contacts.map((c) => ({ ...c }));
    } catch {
      /* offline: the copy shown stays */
    }
    show();
  })();
  return on('subjects', show);
}

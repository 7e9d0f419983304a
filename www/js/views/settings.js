// views/settings.js — the settings as sections a person finds in one tap
// (#/settings lists them): people (the family, the people cared for),
// sharing (members and roles, invite/access links with copy and Web Share,
// the audit log), units and language (and the theme), data export, import
// and connected apps (views/connect.js); and the
// ways to reminders, quick buttons and the account, which are screens of
// their own. Non-owners see the lists without the controls.
import {
  t,
  fmtDateTime,
  fmtDate,
  fmtRelative,
  setLang,
  getLang,
  LANGS,
  unitsOf,
  unitSymbol,
  METRIC,
  IMPERIAL,
} from '../i18n.js';
import {
  html,
  nothing,
  paint,
  field,
  icon,
  toast,
  hideToast,
  confirmSheet,
  sheet,
  showError,
  backTo,
  seg,
} from '../ui.js';
import { state, on, isOwner, canWrite, tz, savePrefs, applyTheme } from '../state.js';
import { api, get, post, patch, del, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { openFamily, adoptSession } from '../session.js';
import { go } from '../router.js';
import { PERSON_COLOURS as COLOURS } from '../entries.js';
import { tokensSection, importSection } from './connect.js';
import { zonePicker } from '../zones.js';

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

// "Which people" next to the role (access per person): everyone, or the
// people ticked. The form's value is null (everyone) or their ids.
const peoplePicker = (id, chosen) => html`<fieldset class="people-pick" id=${id}>
  <legend>${t('people_access')}</legend>
  <label class="check"><input type="radio" name="people_all" value="all" ?checked=${!chosen}>${t('people_everyone')}</label>
  <label class="check"><input type="radio" name="people_all" value="some" ?checked=${!!chosen}>${t('people_only')}</label>
  ${state.subjects.map(
    (s) =>
      html`<label class="check"><input type="checkbox" name="people" value=${s.id} ?checked=${!!chosen?.includes(s.id)}>${s.name}</label>`,
  )}
</fieldset>`;

function peopleChosen(form) {
  const data = new FormData(form);
  if (data.get('people_all') !== 'some') return null;
  return data.getAll('people'); // none ticked: the server says to pick one
}

const peopleNames = (ids) =>
  t('people_only_names', {
    names: ids.map((id) => state.subjects.find((s) => s.id === id)?.name || '?').join(', '),
  });

const options = (values, current, label) =>
  values.map((v) => html`<option value=${v} ?selected=${v === current}>${label(v)}</option>`);

// The colours a person may get: the catalogue's, and the person's own when
// it is not one of them (given before the palette changed, or by another
// app), so saving the form never recolours anyone.
function colourChoices(current) {
  const c = typeof current === 'string' ? current.toLowerCase() : '';
  return c && !COLOURS.includes(c) ? [...COLOURS, c] : COLOURS;
}
const colourName = (c) => (COLOURS.includes(c) ? t('colour_n', { n: COLOURS.indexOf(c) + 1 }) : t('colour_current'));

// Add or edit a person cared for (owner); `done` runs after the save. Used
// by the picker too.
export function subjectForm(subject, done) {
  const id = (k) => `subj-${subject ? subject.id : 'new'}-${k}`;
  const colour = subject?.colour ? subject.colour.toLowerCase() : COLOURS[0];
  async function submit(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    const body = {
      name: f.name.trim(),
      kind: f.kind,
      birth_date: f.birth_date || null,
      sex: f.sex || null,
      colour: f.colour,
    };
    try {
      if (subject) await patch(familyPath(state.family.id, `/subjects/${subject.id}`), body);
      else await post(familyPath(state.family.id, '/subjects'), body);
      await done();
    } catch (e) {
      showError(ev.target, errText(e));
    }
  }
  return html`<form class="card" @submit=${submit}>
    <h3>${subject ? t('edit_person') : t('add_person')}</h3>
    ${field(t('name'), id('name'), html`<input id=${id('name')} name="name" type="text" required value=${subject ? subject.name : ''}>`)}
    ${field(t('kind'), id('kind'), html`<select id=${id('kind')} name="kind">${options(['baby', 'child', 'adult'], subject ? subject.kind : 'baby', (k) => t(`kind.${k}`))}</select>`)}
    ${field(t('birth_date'), id('birth'), html`<input id=${id('birth')} name="birth_date" type="date" value=${subject?.birth_date || ''}>`)}
    ${field(t('sex'), id('sex'), html`<select id=${id('sex')} name="sex">${options(['', 'female', 'male'], subject?.sex || '', (k) => (k ? t(`sex.${k}`) : '—'))}</select>`)}
    ${field(t('colour'), id('colour'), html`<select id=${id('colour')} name="colour">${options(colourChoices(colour), colour, colourName)}</select>`)}
    <p class="error" role="alert" hidden></p>
    <button class="btn primary block" type="submit">${subject ? t('save_changes') : t('add_person')}</button>
  </form>`;
}

// A language by its own name ("Français", "Español").
const langName = (l) => {
  const n = new Intl.DisplayNames([l], { type: 'language' }).of(l);
  return n[0].toLocaleUpperCase(l) + n.slice(1);
};

// The sections: [route, icon, title, what it holds, who sees it]. Reminders,
// quick buttons and the account are screens of their own.
const SECTIONS = [
  ['settings/people', 'user', 'family_people', 'people_help'],
  ['settings/sharing', 'share', 'sharing', 'sharing_help'],
  ['reminders', 'bell', 'reminders', 'reminders_help'],
  ['inbox/prefs', 'bell', 'inbox', 'inbox_help'],
  ['buttons', 'grid', 'quick_buttons', 'quick_buttons_help', canWrite],
  ['acttypes', 'plus', 'acttypes', 'acttypes_help'],
  ['settings/units', 'globe', 'units_language', 'units_language_help'],
  ['settings/export', 'download', 'export', 'export_help'],
  ['settings/import', 'cloud', 'import', 'import_help', canWrite],
  ['settings/apps', 'share', 'api_tokens', 'api_tokens_help'],
  ['account', 'gear', 'account', 'account_help'],
  [
    'admin',
    'grid',
    'console.title',
    'console.menu_help',
    () => state.me?.user?.is_admin || state.me?.user?.is_consultant,
  ],
];

const menu = () => html`<h1>${t('tab_settings')}</h1>
  <nav aria-label=${t('tab_settings')}><ul class="list card menu">${SECTIONS.filter(
    ([, , , , shown]) => !shown || shown(),
  ).map(
    ([path, ic, title, help]) =>
      html`<li><a href="#/${path}">${icon(ic)}<span class="grow"><strong>${t(title)}</strong><small>${t(help)}</small></span>${icon('next')}</a></li>`,
  )}</ul></nav>
  <a class="btn block" href="#/pick">${t('switch_family')}</a>`;

// How a unit choice reads: as Intl writes the unit in the language.
const UNIT_NAMES = {
  ml: 'milliliter',
  fl_oz: 'fluid-ounce',
  kg: 'kilogram',
  lb: 'pound',
  cm: 'centimeter',
  in: 'inch',
  c: 'celsius',
  f: 'fahrenheit',
};

// Language and units (saved to the account too), and the theme (this device).
function unitsSection(redraw) {
  const units = unitsOf(state.prefs.units);
  const setUnits = (ch) => {
    savePrefs({ units: { ...units, ...ch } });
    if (!state.me.user.guest) patch('/auth/me', { units: ch }).catch(() => {});
    redraw();
  };
  const same = (a) => Object.keys(a).every((k) => a[k] === units[k]);
  async function pickLang(l) {
    savePrefs({ lang: l });
    await setLang(l);
    hideToast(); // a message still showing is in the old language
    if (!state.me.user.guest) patch('/auth/me', { locale: l }).catch(() => {});
    go('settings/units'); // the whole screen and its chrome, in the new language
  }
  return html`<section class="card">
    ${seg('language', LANGS, getLang(), pickLang, langName)}
    ${seg(
      'units',
      ['metric', 'imperial'],
      same(METRIC) ? 'metric' : same(IMPERIAL) ? 'imperial' : '',
      (u) => setUnits(u === 'metric' ? METRIC : IMPERIAL),
      (u) => t(`units.${u}`),
    )}
    ${Object.keys(METRIC).map((d) =>
      seg(
        `unit_${d}`,
        [METRIC[d], IMPERIAL[d]],
        units[d],
        (v) => setUnits({ [d]: v }),
        (v) => (v === 'lb' ? `${unitSymbol('pound')} + ${unitSymbol('ounce')}` : unitSymbol(UNIT_NAMES[v])),
      ),
    )}
    ${seg(
      'theme',
      ['system', 'light', 'dark'],
      state.prefs.theme,
      (th) => {
        savePrefs({ theme: th });
        applyTheme();
        redraw();
      },
      (th) => t(`theme.${th}`),
    )}
  </section>`;
}

export function mount(root, { params = [] } = {}) {
  const section = params[0] || '';
  if (!['people', 'sharing', 'units', 'export', 'import', 'apps'].includes(section)) {
    const showMenu = () => paint(menu(), root);
    showMenu();
    return on('family', showMenu);
  }
  const fid = state.family.id;
  let members = state.members;
  let links = [];
  let made = null; // the link just created: {url, label}
  let resetMade = null; // a member's reset link just made: {url, name}
  let editing; // the person whose form is open; null: a new one
  const audit = { events: [], before: '', more: false, error: '' };
  const zone = section === 'people' && isOwner() ? zonePicker(state.family.timezone, () => show()) : null;

  async function reloadFamily() {
    editing = undefined;
    await openFamily(state.family, { fresh: true });
    show();
  }

  async function loadMembers() {
    try {
      members = (await get(familyPath(fid, '/members'))).members || [];
      state.members = members;
      await store.setMeta(`members:${fid}`, { members });
    } catch {
      /* offline: the cached list */
    }
    show();
  }

  async function loadLinks() {
    try {
      links = ((await get(familyPath(fid, '/links'))).links || []).filter((l) => !l.revoked);
      show();
    } catch {
      /* keep the list shown */
    }
  }

  // The audit log, a page at a time; `again` starts over (a newer page
  // arriving late for an older start is dropped).
  let auditRun = 0;
  async function loadAudit(again = false) {
    if (again) {
      auditRun += 1;
      Object.assign(audit, { events: [], before: '', more: false, error: '' });
    }
    const run = auditRun;
    try {
      const res = await get(
        familyPath(fid, `/audit?limit=30${audit.before ? `&before=${encodeURIComponent(audit.before)}` : ''}`),
      );
      if (run !== auditRun) return;
      const events = res.events || [];
      audit.events.push(...events);
      audit.before = res.next_before ?? (events.length ? events[events.length - 1].id : '');
      audit.more = !!res.next_before;
    } catch (e) {
      audit.error = errText(e);
    }
    show();
  }

  async function saveFamily(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    try {
      const fam = await patch(familyPath(fid, ''), {
        name: f.name.trim(),
        timezone: f.timezone.trim(),
        sleep_guidance: f.sleep_guidance === 'on',
      });
      state.family = { ...state.family, ...fam };
      await adoptSession(await get('/auth/me'));
      toast(t('saved'));
    } catch (e) {
      toast(errText(e));
    }
  }

  // Deleting the family: everything in it, for everyone, with no undo, so
  // the owner types its name (the server checks it too).
  function deleteFamily() {
    const name = state.family.name;
    let typed = '';
    let error = '';
    const sh = sheet(
      t('delete_family'),
      () => html`<form class="sheet-body" @submit=${async (ev) => {
        ev.preventDefault();
        try {
          await api('DELETE', familyPath(fid, ''), { confirm: typed.trim() });
          sh.close();
          await adoptSession(await get('/auth/me'));
          state.family = null;
          toast(t('family_deleted'));
          go('pick');
        } catch (e) {
          error = errText(e);
          sh.redraw();
        }
      }}><p>${t('delete_family_q', { name })}</p>
      ${field(
        t('family_name'),
        'del-fam-name',
        html`<input id="del-fam-name" type="text" autocomplete="off" @input=${(ev) => {
          typed = ev.target.value;
          sh.redraw();
        }}>`,
      )}
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      <div class="row end"><button type="button" class="btn" @click=${() => sh.close()}>${t('cancel')}</button>
      <button type="submit" class="btn danger" ?disabled=${typed.trim() !== name}>${t('delete_family')}</button></div></form>`,
    );
  }

  async function deletePerson(s) {
    if (!(await confirmSheet(t('delete_person_q', { name: s.name }), t('delete'), { danger: true }))) return;
    try {
      await del(familyPath(fid, `/subjects/${s.id}`));
      await reloadFamily();
    } catch (e) {
      toast(errText(e));
    }
  }

  async function setRole(m, role) {
    try {
      await patch(familyPath(fid, `/members/${m.id}`), { role });
      toast(t('saved'));
      loadMembers();
    } catch (e) {
      toast(errText(e));
      loadMembers();
    }
  }

  // Who a member may see (access per person): everyone (null) or the
  // people ticked; the server checks it and ends their live stream.
  async function setPeople(m, form) {
    try {
      await patch(familyPath(fid, `/members/${m.id}`), { subject_ids: peopleChosen(form) });
      toast(t('saved'));
      loadMembers();
    } catch (e) {
      toast(errText(e));
    }
  }

  async function removeMember(m) {
    const leaving = m.is_me;
    const question = leaving ? t('leave_q') : t('remove_member_q', { name: m.name || t('guest') });
    if (!(await confirmSheet(question, leaving ? t('leave') : t('remove'), { danger: true }))) return;
    try {
      await del(familyPath(fid, `/members/${m.id}`));
      if (leaving) {
        await adoptSession(await get('/auth/me'));
        state.family = null;
        go('pick');
      } else {
        loadMembers();
      }
    } catch (e) {
      toast(errText(e));
    }
  }

  // A one-time link with which a member who cannot get in sets a new
  // password; the owner hands it over themselves.
  async function resetLink(m) {
    try {
      const link = await post(familyPath(fid, `/members/${m.id}/reset-link`), {});
      resetMade = { url: /^https?:/.test(link.url) ? link.url : `${location.origin}${link.url}`, name: m.name };
      show();
      loadAudit(true);
    } catch (e) {
      toast(errText(e));
    }
  }

  async function copyReset(ev) {
    try {
      await navigator.clipboard.writeText(resetMade.url);
      toast(t('copied'));
    } catch {
      ev.target.closest('.card').querySelector('input').select();
      toast(t('copy_manually'));
    }
  }

  async function createLink(ev) {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target));
    const body = { role: f.role, label: f.label.trim() || t(`role.${f.role}`) };
    const people = peopleChosen(ev.target);
    if (people) body.subject_ids = people;
    if (Number(f.days)) body.expires_at = Date.now() + Number(f.days) * 86400000;
    if (f.uses) body.max_uses = Number(f.uses);
    try {
      const link = await post(familyPath(fid, '/links'), body);
      made = {
        url:
          link.url && /^https?:/.test(link.url) ? link.url : `${location.origin}${link.url || `/join/${link.token}`}`,
        label: body.label,
      };
      show();
      loadLinks();
      loadAudit(true);
    } catch (e) {
      toast(errText(e));
    }
  }

  async function revoke(l) {
    try {
      await del(familyPath(fid, `/links/${l.id}`));
      loadLinks();
      loadAudit(true);
    } catch (e) {
      toast(errText(e));
    }
  }

  async function copy(ev) {
    try {
      await navigator.clipboard.writeText(made.url);
      toast(t('copied'));
    } catch {
      ev.target.closest('.card').querySelector('input').select();
      toast(t('copy_manually'));
    }
  }

  const share = () =>
    navigator
      .share({
        title: 'carelog',
        text: t('share_text', { family: state.family.name, label: made.label }),
        url: made.url,
      })
      .catch(() => {});

  const familyCard = (owner) => {
    const f = state.family;
    if (!owner) {
      return html`<section class="card"><h2>${t('family')}</h2><p><strong>${f.name}</strong> · ${f.timezone}</p>
        <p class="muted">${t('your_role', { role: t(`role.${f.role}`) })}</p></section>`;
    }
    return html`<form class="card" @submit=${saveFamily}><h2>${t('family')}</h2>
      ${field(t('family_name'), 'fam-name', html`<input id="fam-name" name="name" type="text" .value=${f.name} required>`)}
      ${zone('fam-zone')}
      <label class="check"><input type="checkbox" name="sleep_guidance" ?checked=${f.sleep_guidance !== false}>${t('guidance_setting')}</label>
      <button class="btn" type="submit">${t('save_changes')}</button>
      <button class="btn danger block" type="button" @click=${deleteFamily}>${t('delete_family')}</button></form>`;
  };

  const personRow = (s, owner) => html`<li>
    <span class="grow"><strong>${s.name}</strong><div class="muted">${[t(`kind.${s.kind}`), s.birth_date ? fmtDate(Date.parse(`${s.birth_date}T12:00:00Z`), 'UTC') : ''].filter(Boolean).join(' · ')}</div></span>
    ${
      owner
        ? html`<button class="btn" type="button" aria-label="${t('edit')} ${s.name}" @click=${() => {
            editing = s;
            show();
          }}>${t('edit')}</button>
      <button class="icon-btn" type="button" aria-label="${t('delete')} ${s.name}" @click=${() => deletePerson(s)}>${icon('trash')}</button>`
        : nothing
    }
  </li>`;

  const peopleCard = (owner) => html`<section class="card"><h2>${t('people')}</h2>
    <ul class="list">${state.subjects.map((s) => personRow(s, owner))}</ul>
    ${
      owner
        ? html`<button class="btn" type="button" @click=${() => {
            editing = null;
            show();
          }}>${icon('plus')}${t('add_person')}</button>
      <div>${editing !== undefined ? subjectForm(editing, reloadFamily) : nothing}</div>`
        : nothing
    }
  </section>`;

  const memberRow = (m, owner) => html`<li>
    <span class="grow"><strong>${m.name || t('guest')}</strong>${m.is_me ? ` (${t('you')})` : ''}<div class="muted">${t(`role.${m.role}`)}${m.kind === 'guest' ? ` · ${t('guest')}` : ''}${m.subject_ids ? ` · ${peopleNames(m.subject_ids)}` : ''}</div></span>
    ${owner && !m.is_me ? html`<select aria-label="${t('role')} ${m.name || ''}" @change=${(ev) => setRole(m, ev.target.value)}>${options(['owner', 'caregiver', 'viewer'], m.role, (r) => t(`role.${r}`))}</select>` : nothing}
    ${owner && !m.is_me && m.kind === 'account' ? html`<button class="btn" type="button" aria-label=${t('reset_link_for', { name: m.name })} @click=${() => resetLink(m)}>${t('reset_link')}</button>` : nothing}
    ${owner !== !!m.is_me ? html`<button class="btn danger" type="button" @click=${() => removeMember(m)}>${m.is_me ? t('leave') : t('remove')}</button>` : nothing}
    ${
      owner && !m.is_me && m.role !== 'owner' && state.subjects.length > 1
        ? html`<details class="member-people"><summary>${t('people_access')}</summary>
        <form @submit=${(ev) => {
          ev.preventDefault();
          setPeople(m, ev.target);
        }}>${peoplePicker(`mp-${m.id}`, m.subject_ids)}<button class="btn" type="submit">${t('save_changes')}</button></form></details>`
        : nothing
    }
  </li>`;

  const resetCard = () =>
    resetMade
      ? html`<div class="card"><p>${t('reset_link_ready', { name: resetMade.name })}</p>
      <input type="text" readonly .value=${resetMade.url} aria-label=${t('reset_link_for', { name: resetMade.name })}>
      <div class="row"><button class="btn" type="button" @click=${copyReset}>${icon('copy')}${t('copy')}</button></div></div>`
      : nothing;

  const linksCard = () => html`<section class="card"><h2>${t('links')}</h2><p class="muted">${t('links_help')}</p>
    <form @submit=${createLink}>
      ${field(t('role'), 'link-role', html`<select id="link-role" name="role">${options(['caregiver', 'viewer'], 'caregiver', (r) => t(`role.${r}`))}</select>`)}
      ${state.subjects.length > 1 ? peoplePicker('link-people', null) : nothing}
      ${field(t('link_label'), 'link-label', html`<input id="link-label" name="label" type="text" placeholder=${t('link_label_ph')}>`)}
      ${field(t('expires'), 'link-days', html`<select id="link-days" name="days">${options([1, 7, 14, 30, 0], 14, (d) => (d ? t('days_n', { n: d }) : t('never')))}</select>`)}
      ${field(t('max_uses'), 'link-uses', html`<input id="link-uses" name="uses" type="number" min="1" max="1000" inputmode="numeric">`)}
      <button class="btn primary block" type="submit">${icon('plus')}${t('create_link')}</button>
    </form>
    ${
      made
        ? html`<div class="card"><p>${t('link_ready')}</p><input type="text" readonly .value=${made.url} aria-label=${t('link')}>
      <div class="row"><button class="btn" type="button" @click=${copy}>${icon('copy')}${t('copy')}</button>
      ${navigator.share ? html`<button class="btn primary" type="button" @click=${share}>${icon('share')}${t('share')}</button>` : nothing}</div></div>`
        : nothing
    }
    <ul class="list links">${links.map(
      (l) => html`<li>
      <span class="grow"><strong>${l.label || t(`role.${l.role}`)}</strong><div class="muted">${[
        t(`role.${l.role}`),
        ...(l.subject_ids ? [peopleNames(l.subject_ids)] : []),
        t('uses_n', { n: l.uses || 0 }) + (l.max_uses ? ` / ${l.max_uses}` : ''),
        l.expires_at ? t('expires_at', { when: fmtDateTime(l.expires_at, tz()) }) : t('no_expiry'),
      ].join(' · ')}</div></span>
      <button class="btn danger" type="button" aria-label="${t('revoke')} ${l.label || ''}" @click=${() => revoke(l)}>${t('revoke')}</button>
    </li>`,
    )}</ul>
  </section>`;

  const auditRow = (e) => {
    const actor = e.actor && typeof e.actor === 'object' ? e.actor.name : e.actor;
    const detail =
      e.detail && typeof e.detail === 'object'
        ? Object.entries(e.detail)
            .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
            .join(', ')
        : e.detail || '';
    return html`<li><strong>${String(e.action).replace(/[._]/g, ' ')}</strong>${actor ? ` · ${actor}` : ''}
      ${detail ? html`<div dir="auto">${detail}</div>` : nothing}
      <div class="muted">${fmtDateTime(e.at, tz())} · ${fmtRelative(Date.now() - e.at)}</div></li>`;
  };

  const auditCard = () => html`<section class="card"><h2>${t('audit')}</h2>
    <ul class="list audit">${audit.events.map(auditRow)}${audit.error ? html`<li class="muted">${audit.error}</li>` : nothing}</ul>
    <button class="btn" type="button" ?hidden=${!audit.more} @click=${() => loadAudit()}>${t('load_more')}</button>
  </section>`;

  // The whole log as a file (the server's export; a plain link, so the
  // browser downloads it with the session cookie): everyone's, or one
  // person's when the family has several.
  let exportWho = '';
  const exportHref = (format) =>
    `/api/v1${familyPath(fid, `/export?format=${format}${exportWho ? `&subject=${encodeURIComponent(exportWho)}` : ''}`)}`;
  const exportWhoPick = () =>
    state.subjects.length > 1
      ? html`<label>${t('people_access')}<select id="export-who" @change=${(e) => {
          exportWho = e.target.value;
          show();
        }}>
          <option value="" ?selected=${!exportWho}>${t('people_everyone')}</option>
          ${options(
            state.subjects.map((p) => p.id),
            exportWho,
            (id) => state.subjects.find((p) => p.id === id)?.name || '',
          )}
        </select></label>`
      : nothing;
  const exportCard =
    () => html`<section class="card"><p class="muted">${t('export_help')}</p><p class="muted">${t('export_units')}</p>
    ${exportWhoPick()}
    <div class="row">
      <a class="btn" href=${exportHref('csv')} download="carelog.csv">${icon('download')}CSV</a>
      <a class="btn" href=${exportHref('json')} download="carelog.json">${icon('download')}JSON</a>
    </div></section>`;

  // Import and connected apps keep their own state (views/connect.js).
  const extra =
    section === 'import'
      ? importSection(fid, () => show())
      : section === 'apps'
        ? tokensSection(fid, () => show())
        : null;
  const sections = {
    people: (owner) => html`${familyCard(owner)}${peopleCard(owner)}`,
    sharing: (owner) =>
      html`<section class="card"><h2>${t('members')}</h2><ul class="list">${members.map((m) => memberRow(m, owner))}</ul>${resetCard()}</section>
      ${owner ? linksCard() : nothing}
      ${owner ? auditCard() : nothing}`,
    units: () => unitsSection(() => show()),
    export: () => exportCard(),
    import: () => extra.view(),
    apps: () => extra.view(),
  };
  const show = () =>
    paint(
      html`${backTo('#/settings', t(SECTIONS.find(([path]) => path === `settings/${section}`)[2]))}
      <div class="stack">${sections[section](isOwner())}</div>`,
      root,
    );

  show();
  if (extra) extra.load();
  if (section === 'sharing') {
    loadMembers();
    if (isOwner()) {
      loadLinks();
      loadAudit();
    }
  }
  return on(['subjects', 'family'], show);
}

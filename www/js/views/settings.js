// views/settings.js — the family: people cared for, members and roles,
// invite/access links (copy, Web Share), the audit log (owner), and the way
// to the account settings. Non-owners see the lists without the controls.
import { t, fmtDateTime, fmtDate, fmtRelative } from '../i18n.js';
import { h, clear, fill, field, icon, toast, confirmSheet } from '../ui.js';
import { state, on, isOwner, canWrite, tz } from '../state.js';
import { get, post, patch, del, familyPath, ApiError } from '../api.js';
import * as store from '../store.js';
import { openFamily, adoptSession, go } from '../app.js';
import { PERSON_COLOURS as COLOURS } from '../entries.js';

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

// Add or edit a person cared for (owner). Used by the picker too.
export function subjectForm(subject, onDone) {
  const name = h('input', { type: 'text', required: true, value: subject ? subject.name : '' });
  const kind = h('select', {}, ['baby', 'child', 'adult'].map((k) => h('option', { value: k, selected: (subject ? subject.kind : 'baby') === k }, t(`kind.${k}`))));
  const birth = h('input', { type: 'date', value: subject && subject.birth_date ? subject.birth_date : '' });
  const sex = h('select', {}, ['', 'female', 'male'].map((k) => h('option', { value: k, selected: (subject && subject.sex || '') === k }, k ? t(`sex.${k}`) : '—')));
  const colour = h('select', {}, COLOURS.map((c, i) => h('option', { value: c, selected: (subject ? subject.colour : COLOURS[0]) === c }, t(`colour_n`, { n: i + 1 }))));
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  return h('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), kind: kind.value, birth_date: birth.value || null, sex: sex.value || null, colour: colour.value };
    try {
      if (subject) await patch(familyPath(state.family.id, `/subjects/${subject.id}`), body);
      else await post(familyPath(state.family.id, '/subjects'), body);
      await onDone();
    } catch (e) { err.hidden = false; err.textContent = errText(e); }
  } },
    h('h3', {}, subject ? t('edit_person') : t('add_person')),
    field(t('name'), name), field(t('kind'), kind), field(t('birth_date'), birth), field(t('sex'), sex), field(t('colour'), colour),
    err, h('button', { class: 'btn primary block', type: 'submit' }, subject ? t('save_changes') : t('add_person')));
}

export function render(main) {
  const box = h('div', { class: 'stack' });
  main.append(h('h1', {}, t('tab_settings')), box);

  async function reloadFamily() {
    await openFamily(state.family, { fresh: true });
    draw();
  }

  async function draw() {
    const owner = isOwner();
    const fid = state.family.id;
    fill(box, 
      h('a', { class: 'btn block', href: '#/account' }, icon('user'), t('account_settings')),
      h('a', { class: 'btn block', href: '#/reminders' }, t('reminders')),
      canWrite() ? h('a', { class: 'btn block', href: '#/buttons' }, t('quick_buttons')) : null,
      familyCard(owner),
      peopleCard(owner),
      await membersCard(owner, fid),
      owner ? await linksCard(fid) : null,
      owner ? await auditCard(fid) : null,
      exportCard(fid),
      h('a', { class: 'btn block', href: '#/pick' }, t('switch_family')),
    );
  }

  let reloadAudit = () => {};

  // The whole log as a file (the server's export; a plain link, so the
  // browser downloads it with the session cookie).
  function exportCard(fid) {
    return h('section', { class: 'card' }, h('h2', {}, t('export')), h('p', { class: 'muted' }, t('export_help')),
      h('div', { class: 'row' },
        h('a', { class: 'btn', href: `/api/v1${familyPath(fid, '/export?format=csv')}`, download: 'carelog.csv' }, icon('download'), 'CSV'),
        h('a', { class: 'btn', href: `/api/v1${familyPath(fid, '/export?format=json')}`, download: 'carelog.json' }, icon('download'), 'JSON')));
  }

  function familyCard(owner) {
    const f = state.family;
    if (!owner) return h('section', { class: 'card' }, h('h2', {}, t('family')), h('p', {}, h('strong', {}, f.name), ' · ', f.timezone), h('p', { class: 'muted' }, t('your_role', { role: t(`role.${f.role}`) })));
    const name = h('input', { type: 'text', value: f.name, required: true });
    const zone = h('input', { type: 'text', value: f.timezone, required: true });
    return h('form', { class: 'card', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const fam = await patch(familyPath(f.id, ''), { name: name.value.trim(), timezone: zone.value.trim() });
        state.family = { ...state.family, ...fam };
        await adoptSession(await get('/auth/me'));
        toast(t('saved'));
      } catch (e) { toast(errText(e)); }
    } }, h('h2', {}, t('family')), field(t('family_name'), name), field(t('timezone'), zone), h('button', { class: 'btn', type: 'submit' }, t('save_changes')));
  }

  function peopleCard(owner) {
    const sec = h('section', { class: 'card' }, h('h2', {}, t('people')));
    const formBox = h('div');
    sec.append(h('ul', { class: 'list' }, state.subjects.map((s) => h('li', {},
      h('span', { class: 'grow' }, h('strong', {}, s.name), h('div', { class: 'muted' }, [t(`kind.${s.kind}`), s.birth_date ? fmtDate(Date.parse(`${s.birth_date}T12:00:00Z`), 'UTC') : ''].filter(Boolean).join(' · '))),
      owner ? h('button', { class: 'btn', type: 'button', 'aria-label': `${t('edit')} ${s.name}`, onclick: () => { formBox.replaceChildren(subjectForm(s, reloadFamily)); } }, t('edit')) : null,
      owner ? h('button', { class: 'icon-btn', type: 'button', 'aria-label': `${t('delete')} ${s.name}`, onclick: async () => {
        if (!(await confirmSheet(t('delete_person_q', { name: s.name }), t('delete'), { danger: true }))) return;
        try { await del(familyPath(state.family.id, `/subjects/${s.id}`)); await reloadFamily(); } catch (e) { toast(errText(e)); }
      } }, icon('trash')) : null))));
    if (owner) sec.append(h('button', { class: 'btn', type: 'button', onclick: () => formBox.replaceChildren(subjectForm(null, reloadFamily)) }, icon('plus'), t('add_person')), formBox);
    return sec;
  }

  async function membersCard(owner, fid) {
    let members = state.members;
    try { members = (await get(familyPath(fid, '/members'))).members || []; state.members = members; await store.setMeta(`members:${fid}`, { members }); } catch { /* offline: cached list */ }
    return h('section', { class: 'card' }, h('h2', {}, t('members')), h('ul', { class: 'list' }, members.map((m) => h('li', {},
      h('span', { class: 'grow' }, h('strong', {}, m.name || t('guest')), m.is_me ? ` (${t('you')})` : '', h('div', { class: 'muted' }, `${t(`role.${m.role}`)}${m.kind === 'guest' ? ` · ${t('guest')}` : ''}`)),
      owner && !m.is_me ? h('select', { 'aria-label': `${t('role')} ${m.name || ''}`, onchange: async (ev) => {
        try { await patch(familyPath(fid, `/members/${m.id}`), { role: ev.target.value }); toast(t('saved')); } catch (e) { toast(errText(e)); draw(); }
      } }, ['owner', 'caregiver', 'viewer'].map((r) => h('option', { value: r, selected: r === m.role }, t(`role.${r}`)))) : null,
      (owner && !m.is_me) || (m.is_me && !owner) ? h('button', { class: 'btn danger', type: 'button', onclick: async () => {
        const leaving = m.is_me;
        if (!(await confirmSheet(leaving ? t('leave_q') : t('remove_member_q', { name: m.name || t('guest') }), leaving ? t('leave') : t('remove'), { danger: true }))) return;
        try {
          await del(familyPath(fid, `/members/${m.id}`));
          if (leaving) { await adoptSession(await get('/auth/me')); state.family = null; go('pick'); } else draw();
        } catch (e) { toast(errText(e)); }
      } }, m.is_me ? t('leave') : t('remove')) : null))));
  }

  async function linksCard(fid) {
    const sec = h('section', { class: 'card' }, h('h2', {}, t('links')), h('p', { class: 'muted' }, t('links_help')));
    const role = h('select', {}, ['caregiver', 'viewer'].map((r) => h('option', { value: r }, t(`role.${r}`))));
    const labelIn = h('input', { type: 'text', placeholder: t('link_label_ph') });
    const days = h('select', {}, [1, 7, 14, 30, 0].map((d) => h('option', { value: d, selected: d === 14 }, d ? t('days_n', { n: d }) : t('never'))));
    const uses = h('input', { type: 'number', min: 1, max: 1000, inputmode: 'numeric' });
    const made = h('div');
    sec.append(h('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { role: role.value, label: labelIn.value.trim() || t(`role.${role.value}`) };
      if (Number(days.value)) body.expires_at = Date.now() + Number(days.value) * 86400000;
      if (uses.value) body.max_uses = Number(uses.value);
      try {
        const link = await post(familyPath(fid, '/links'), body);
        const url = link.url && /^https?:/.test(link.url) ? link.url : `${location.origin}${link.url || `/join/${link.token}`}`;
        made.replaceChildren(linkShare(url, body.label));
        refreshList();
        reloadAudit();
      } catch (e) { toast(errText(e)); }
    } }, field(t('role'), role), field(t('link_label'), labelIn), field(t('expires'), days), field(t('max_uses'), uses),
    h('button', { class: 'btn primary block', type: 'submit' }, icon('plus'), t('create_link'))), made);
    const listBox = h('ul', { class: 'list links' });
    sec.append(listBox);
    async function refreshList() {
      let links = [];
      try { links = (await get(familyPath(fid, '/links'))).links || []; } catch { return; }
      fill(listBox, ...links.filter((l) => !l.revoked).map((l) => h('li', {},
        h('span', { class: 'grow' }, h('strong', {}, l.label || t(`role.${l.role}`)), h('div', { class: 'muted' },
          [t(`role.${l.role}`), t('uses_n', { n: l.uses || 0 }) + (l.max_uses ? ` / ${l.max_uses}` : ''), l.expires_at ? t('expires_at', { when: fmtDateTime(l.expires_at, tz()) }) : t('no_expiry')].join(' · '))),
        h('button', { class: 'btn danger', type: 'button', 'aria-label': `${t('revoke')} ${l.label || ''}`, onclick: async () => {
          try { await del(familyPath(fid, `/links/${l.id}`)); refreshList(); reloadAudit(); } catch (e) { toast(errText(e)); }
        } }, t('revoke')))));
    }
    refreshList();
    return sec;
  }

  function linkShare(url, labelText) {
    const input = h('input', { type: 'text', readonly: true, value: url, 'aria-label': t('link') });
    return h('div', { class: 'card' },
      h('p', {}, t('link_ready')), input,
      h('div', { class: 'row' },
        h('button', { class: 'btn', type: 'button', onclick: async () => {
          try { await navigator.clipboard.writeText(url); toast(t('copied')); } catch { input.select(); toast(t('copy_manually')); }
        } }, icon('copy'), t('copy')),
        navigator.share ? h('button', { class: 'btn primary', type: 'button', onclick: () => navigator.share({ title: 'carelog', text: t('share_text', { family: state.family.name, label: labelText }), url }).catch(() => {}) }, icon('share'), t('share')) : null));
  }

  async function auditCard(fid) {
    const sec = h('section', { class: 'card' }, h('h2', {}, t('audit')));
    reloadAudit = () => { clear(ul); before = ''; load(); };
    const ul = h('ul', { class: 'list audit' });
    const moreBtn = h('button', { class: 'btn', type: 'button', hidden: true }, t('load_more'));
    let before = '';
    async function load() {
      try {
        const res = await get(familyPath(fid, `/audit?limit=30${before ? `&before=${encodeURIComponent(before)}` : ''}`));
        const events = res.events || [];
        ul.append(...events.map((e) => {
          const actor = e.actor && typeof e.actor === 'object' ? e.actor.name : e.actor;
          const detail = e.detail && typeof e.detail === 'object'
            ? Object.entries(e.detail).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')
            : (e.detail || '');
          return h('li', {},
            h('strong', {}, String(e.action).replace(/[._]/g, ' ')), actor ? ` · ${actor}` : '',
            detail ? h('div', { dir: 'auto' }, detail) : null,
            h('div', { class: 'muted' }, `${fmtDateTime(e.at, tz())} · ${fmtRelative(Date.now() - e.at)}`));
        }));
        before = res.next_before ?? (events.length ? events[events.length - 1].id : '');
        moreBtn.hidden = !res.next_before;
      } catch (e) { ul.append(h('li', { class: 'muted' }, errText(e))); }
    }
    moreBtn.addEventListener('click', load);
    sec.append(ul, moreBtn);
    load();
    return sec;
  }

  const offs = ['subjects', 'family'].map((ev) => on(ev, () => {}));
  draw();
  return () => offs.forEach((off) => off());
}

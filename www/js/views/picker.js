// views/picker.js — choose the family and the person cared for (the choice
// is remembered on this device), create a first family, and the landing
// after opening an access link ("welcome").
import { t } from '../i18n.js';
import { h, field, icon } from '../ui.js';
import { state, on } from '../state.js';
import { post, get, ApiError } from '../api.js';
import { openFamily, chooseSubject, adoptSession, go } from '../app.js';
import { subjectForm } from './settings.js';

export function render(main, { name }) {
  const welcome = name === 'welcome';
  const wrap = h('div', { class: 'stack' });
  main.append(wrap);

  const joined = state.joined || (welcome ? state.family || state.families[0] : null);
  if (welcome && joined) {
    wrap.append(h('div', { class: 'card' },
      h('img', { src: '/icons/logo.svg', alt: '', width: 64, height: 64 }),
      h('h1', {}, t('welcome_title')),
      h('p', {}, t('welcome_text', { family: joined.name, role: t(`role.${joined.role}`) })),
      joined.role === 'viewer' ? h('p', { class: 'muted' }, t('welcome_viewer')) : h('p', { class: 'muted' }, t('welcome_caregiver')),
      h('button', { class: 'btn primary block', type: 'button', onclick: async () => {
        state.joined = null;
        await openFamily(joined);
        go(state.subject ? 'home' : 'pick');
      } }, t('continue'))));
    return undefined;
  }

  wrap.append(h('h1', {}, t('choose_family')));
  if (state.families.length) {
    wrap.append(h('ul', { class: 'list card' }, state.families.map((f) => h('li', {},
      h('span', { class: 'grow' }, h('strong', {}, f.name), h('div', { class: 'muted' }, t(`role.${f.role}`))),
      h('button', { class: `btn ${state.family && state.family.id === f.id ? 'primary' : ''}`, type: 'button', 'aria-label': `${t('open')} ${f.name}`,
        onclick: async () => { await openFamily(f); renderSubjects(); } }, t('open'))))));
  } else {
    wrap.append(h('p', { class: 'muted' }, t('no_family_yet')));
  }

  const subjBox = h('div');
  wrap.append(subjBox);
  function renderSubjects() {
    subjBox.replaceChildren();
    if (!state.family) return;
    subjBox.append(h('h2', {}, t('choose_person', { family: state.family.name })));
    if (!state.subjects.length) {
      subjBox.append(h('p', { class: 'muted' }, t('no_people_yet')));
      if (state.family.role === 'owner') subjBox.append(subjectForm(null, async () => { await openFamily(state.family, { fresh: true }); renderSubjects(); }));
      return;
    }
    subjBox.append(h('ul', { class: 'list card' }, state.subjects.map((s) => h('li', {},
      h('span', { class: 'swatch', dataset: { c: s.colour || '' } }),
      h('span', { class: 'grow' }, h('strong', {}, s.name), h('div', { class: 'muted' }, t(`kind.${s.kind}`))),
      h('button', { class: `btn ${state.subject && state.subject.id === s.id ? 'primary' : ''}`, type: 'button', 'aria-label': `${t('choose')} ${s.name}`,
        onclick: () => { chooseSubject(s); go('home'); } }, t('choose'))))));
    for (const sw of subjBox.querySelectorAll('.swatch')) if (/^#[0-9a-f]{6}$/i.test(sw.dataset.c)) sw.style.background = sw.dataset.c;
  }
  renderSubjects();
  const off = on('subjects', renderSubjects);

  if (!state.me.user.guest) {
    const nameIn = h('input', { type: 'text', required: true, autocomplete: 'off' });
    const zone = h('input', { type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone, required: true });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    wrap.append(h('details', { class: 'card', open: state.families.length === 0 },
      h('summary', { class: 'label' }, t('new_family')),
      h('form', { onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const fam = await post('/families', { name: nameIn.value.trim(), timezone: zone.value.trim() });
          await adoptSession(await get('/auth/me'));
          await openFamily(state.families.find((f) => f.id === fam.id) || fam);
          go('pick');
        } catch (e) {
          err.hidden = false;
          err.textContent = e instanceof ApiError ? (Object.values(e.fields)[0] || e.message) : String(e);
        }
      } },
        field(t('family_name'), nameIn),
        field(t('timezone'), zone),
        err,
        h('button', { class: 'btn primary block', type: 'submit' }, icon('plus'), t('create')))));
  }
  return off;
}

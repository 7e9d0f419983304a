// views/reminders.js — the family's reminders: "feed due N hours after the
// last feed", "diaper due", a daily time, or once. Caregivers create, pause
// and delete them; everyone chooses whether they are notified ("notify me"),
// and turns on notifications for this device (push.js).
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { h, fill, field, icon, toast, latest } from '../ui.js';
import { state, canWrite, tz } from '../state.js';
import { get, post, patch, del, put, familyPath, ApiError } from '../api.js';
import { pushSupported, pushEnabled, enablePush } from '../push.js';
import { toLocalInput } from './form.js';

const KINDS = ['feed_due', 'diaper_due', 'daily', 'once'];

function errText(err) {
  if (!(err instanceof ApiError)) return String(err);
  if (err.status === 0) return t('err.offline');
  return Object.values(err.fields)[0] || err.message;
}

export function render(main) {
  const box = h('div', { class: 'stack' });
  main.append(h('div', { class: 'row' }, h('a', { class: 'icon-btn', href: '#/settings', 'aria-label': t('back') }, icon('back')), h('h1', {}, t('reminders'))), box);
  const fid = state.family.id;

  function when(r) {
    if (r.kind === 'feed_due' || r.kind === 'diaper_due') return t(`rem.${r.kind}_n`, { n: fmtNumber(r.interval_min / 60) });
    if (r.kind === 'daily') return t('rem.daily_at', { time: r.time });
    return t('rem.once_at', { when: fmtDateTime(r.at, tz()) });
  }

  const draw = latest(async () => {
    let list = [];
    let failed = '';
    try { list = (await get(familyPath(fid, '/reminders'))).reminders || []; } catch (e) { failed = errText(e); }
    const subjectName = (id) => (state.subjects.find((s) => s.id === id) || {}).name || '—';
    const pushOn = pushSupported() && await pushEnabled();
    fill(box,
      pushSupported() && !pushOn ? h('section', { class: 'card row between' }, h('span', {}, t('push_off')),
        h('button', { class: 'btn primary', type: 'button', onclick: async () => { try { await enablePush(); } catch { toast(t('push_failed')); } draw(); } }, t('push_enable'))) : null,
      failed ? h('p', { class: 'error', role: 'alert' }, failed) : null,
      !failed && !list.length ? h('p', { class: 'empty' }, t('rem.none')) : null,
      list.length ? h('ul', { class: 'list card reminders' }, list.map((r) => h('li', { dataset: { id: r.id } },
        h('span', { class: 'grow' }, h('strong', {}, r.label || t(`rem.kind.${r.kind}`)), ` · ${subjectName(r.subject_id)}`,
          h('div', { class: 'muted' }, when(r), r.enabled ? '' : ` · ${t('rem.paused')}`)),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: r.opted_in, onchange: async (ev) => {
          try {
            if (ev.target.checked) await put(familyPath(fid, `/reminders/${r.id}/optin`));
            else await del(familyPath(fid, `/reminders/${r.id}/optin`));
          } catch (e) { toast(errText(e)); }
          draw();
        } }), t('rem.notify_me')),
        canWrite() ? h('button', { class: 'btn', type: 'button', 'aria-label': `${r.enabled ? t('rem.pause') : t('rem.resume')} ${r.label || t(`rem.kind.${r.kind}`)}`, onclick: async () => {
          try { await patch(familyPath(fid, `/reminders/${r.id}`), { enabled: !r.enabled }); } catch (e) { toast(errText(e)); }
          draw();
        } }, r.enabled ? t('rem.pause') : t('rem.resume')) : null,
        canWrite() ? h('button', { class: 'icon-btn', type: 'button', 'aria-label': `${t('delete')} ${r.label || t(`rem.kind.${r.kind}`)}`, onclick: async () => {
          try { await del(familyPath(fid, `/reminders/${r.id}`)); } catch (e) { toast(errText(e)); }
          draw();
        } }, icon('trash')) : null))) : null,
      canWrite() ? newForm() : null);
  });

  function newForm() {
    const kind = h('select', {}, KINDS.map((k) => h('option', { value: k }, t(`rem.kind.${k}`))));
    const subject = h('select', {}, state.subjects.map((s) => h('option', { value: s.id, selected: state.subject && s.id === state.subject.id }, s.name)));
    const hours = h('input', { type: 'number', inputmode: 'decimal', min: 0.25, max: 48, step: 0.25, value: 3 });
    const time = h('input', { type: 'time', value: '09:00' });
    const at = h('input', { type: 'datetime-local', value: toLocalInput(Date.now() + 3600000) });
    const labelIn = h('input', { type: 'text', maxlength: 60, placeholder: t('rem.label_ph') });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const timing = h('div');
    function refresh() {
      const k = kind.value;
      fill(timing, k === 'daily' ? field(t('rem.time'), time) : k === 'once' ? field(t('rem.at'), at) : field(t('rem.hours'), hours));
    }
    kind.addEventListener('change', refresh);
    refresh();
    return h('form', { class: 'card', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { subject_id: subject.value, kind: kind.value, label: labelIn.value.trim() };
      if (kind.value === 'daily') body.time = time.value;
      else if (kind.value === 'once') body.at = new Date(at.value).getTime();
      else body.interval_min = Math.round(Number(hours.value) * 60);
      try {
        await post(familyPath(fid, '/reminders'), body);
        draw();
      } catch (e) { err.hidden = false; err.textContent = errText(e); }
    } }, h('h2', {}, t('rem.new')), field(t('rem.kind'), kind), field(t('rem.who'), subject), timing, field(t('rem.label'), labelIn), err,
    h('button', { class: 'btn primary block', type: 'submit' }, icon('plus'), t('rem.add')));
  }

  draw();
}

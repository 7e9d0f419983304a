// views/timeline.js — the shared log, newest first, grouped by day in the
// family's zone, loaded from the local copy as you scroll, filtered by type.
// Tap to edit, the bin to delete (with undo); entries still waiting to sync
// are marked.
import { t, fmtTime, fmtWeekday, fmtRelativeDay } from '../i18n.js';
import { h, clear, fill, icon } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { TYPE_NAMES } from '../entries.js';
import { title, detail, typeIcon, typeName } from '../describe.js';
import { openEntryForm } from './form.js';
import { remove } from '../actions.js';
import { dayKey, daysBetween } from '../time.js';

const PAGE = 40;

export function render(main) {
  let filter = null;
  let items = [];
  let exhausted = false;
  let loading = false;
  const list = h('div', { class: 'timeline', 'aria-live': 'polite', 'aria-busy': 'false' });
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
  const chips = h('div', { class: 'filters seg', role: 'group', 'aria-label': t('filter_by_type') });

  function drawChips() {
    fill(chips, ...[null, ...TYPE_NAMES].map((type) => h('button', {
      type: 'button', 'aria-pressed': String(filter === type),
      onclick: () => { filter = type; drawChips(); reload(); },
    }, type ? `${typeIcon(type)} ${typeName(type)}` : t('all'))));
  }

  async function fetchPage(beforeTs, limit) {
    return store.listEntries(state.family.id, { beforeTs, limit, subjectId: state.subject && state.subject.id, types: filter ? [filter] : null });
  }

  let generation = 0;
  async function reload() {
    const gen = ++generation;
    const want = Math.max(PAGE, items.length);
    const page = await fetchPage(Infinity, want);
    if (gen !== generation) return;
    items = page;
    exhausted = items.length < want;
    draw();
    if (!exhausted && sentinel.getBoundingClientRect().top < innerHeight + 400) more();
  }

  async function more() {
    if (loading || exhausted || !state.family || !items.length) return;
    loading = true;
    const gen = generation;
    list.setAttribute('aria-busy', 'true');
    const last = items[items.length - 1];
    // Include the boundary time again and drop what is already shown, so
    // entries sharing one timestamp are never skipped.
    const seen = new Set(items.map((e) => e.id));
    const sameTs = items.filter((e) => e.ts === last.ts).length;
    const page = await fetchPage(last.ts + 1, PAGE + sameTs);
    loading = false;
    if (gen !== generation) { list.setAttribute('aria-busy', 'false'); return; }
    const fresh = page.filter((e) => !seen.has(e.id));
    exhausted = fresh.length === 0;
    items = items.concat(fresh);
    loading = false;
    list.setAttribute('aria-busy', 'false');
    draw();
    // The observer only fires on a change: if the end is still in sight after
    // this page (short pages, tall screens), fetch the next one now.
    if (!exhausted && sentinel.getBoundingClientRect().top < innerHeight + 400) more();
  }

  function dayLabel(key, ts) {
    const diff = daysBetween(dayKey(Date.now(), tz()), key);
    return diff === 0 || diff === -1 ? `${fmtRelativeDay(diff)} · ${fmtWeekday(ts, tz())}` : fmtWeekday(ts, tz());
  }

  function row(e) {
    const who = e.author_name ? t('by', { name: e.author_name }) : '';
    return h('li', { class: 'entry', dataset: { id: e.id, pending: e._pending ? '1' : '0' } },
      h('button', { class: 'open', type: 'button', onclick: () => openEntryForm({ entry: e }) },
        h('span', { class: 'ico', 'aria-hidden': 'true' }, typeIcon(e.type)),
        h('span', { class: 'body' },
          h('span', { class: 'title' }, title(e), e._pending ? h('span', { class: 'badge pending' }, t('waiting_sync')) : null),
          h('span', { class: 'meta', dir: 'auto' }, [detail(e), who].filter(Boolean).join(' · '))),
        h('span', { class: 'time' }, fmtTime(e.ts, tz()))),
      canWrite() ? h('button', { class: 'icon-btn', type: 'button', 'aria-label': `${t('delete')} ${title(e)}`, onclick: () => remove(e) }, icon('trash')) : null);
  }

  function draw() {
    const groups = new Map();
    for (const e of items) {
      const key = dayKey(e.ts, tz());
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(e);
    }
    clear(list);
    if (!items.length) list.append(h('p', { class: 'empty' }, t('nothing_yet')));
    for (const [key, entries] of groups) {
      const headId = `d-${key}`;
      list.append(h('section', { 'aria-labelledby': headId },
        h('h2', { class: 'day-head', id: headId }, dayLabel(key, entries[0].ts)),
        h('ul', { class: 'entries' }, entries.map(row))));
    }
  }

  main.append(h('h1', {}, t('tab_timeline')), chips, list, sentinel);
  drawChips();
  const io = new IntersectionObserver((obs) => { if (obs.some((o) => o.isIntersecting)) more(); }, { rootMargin: '400px' });
  io.observe(sentinel);
  const offs = ['entries', 'subject', 'family'].map((ev) => on(ev, () => reload()));
  reload();
  return () => { io.disconnect(); offs.forEach((off) => off()); };
}

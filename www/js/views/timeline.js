// views/timeline.js — the shared log, newest first, grouped by day in the
// family's zone, loaded from the local copy as you scroll, filtered by type.
// Tap to edit, the bin to delete (with undo); entries still waiting to sync
// are marked.
import { t, fmtTime, fmtWeekday, fmtRelativeDay } from '../i18n.js';
import { html, nothing, paint, repeat, icon } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { TYPE_NAMES } from '../entries.js';
import { title, detail, typeIcon, typeName } from '../describe.js';
import { openEntryForm } from './form.js';
import { remove } from '../actions.js';
import { dayKey, daysBetween } from '../time.js';

const PAGE = 40;

function dayLabel(key, ts) {
  const diff = daysBetween(dayKey(Date.now(), tz()), key);
  return diff === 0 || diff === -1 ? `${fmtRelativeDay(diff)} · ${fmtWeekday(ts, tz())}` : fmtWeekday(ts, tz());
}

// Entries (newest first) as [dayKey, entries] in order.
function byDay(items) {
  const groups = new Map();
  for (const e of items) {
    const key = dayKey(e.ts, tz());
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(e);
  }
  return [...groups];
}

export function mount(root) {
  let filter = null;
  let items = [];
  let exhausted = false;
  let loading = false;
  let generation = 0;

  const row = (e) => html`<li class="entry" data-id=${e.id} data-pending=${e._pending ? '1' : '0'}>
    <button class="open" type="button" @click=${() => openEntryForm({ entry: e })}>
      <span class="ico" aria-hidden="true">${typeIcon(e.type)}</span>
      <span class="body">
        <span class="title">${title(e)}${e._pending ? html`<span class="badge pending">${t('waiting_sync')}</span>` : nothing}</span>
        <span class="meta" dir="auto">${[detail(e), e.author_name ? t('by', { name: e.author_name }) : ''].filter(Boolean).join(' · ')}</span>
      </span>
      <span class="time">${fmtTime(e.ts, tz())}</span>
    </button>
    ${canWrite() ? html`<button class="icon-btn" type="button" aria-label="${t('delete')} ${title(e)}" @click=${() => remove(e)}>${icon('trash')}</button>` : nothing}
  </li>`;

  const chip = (type) =>
    html`<button type="button" aria-pressed=${String(filter === type)} @click=${() => {
      filter = type;
      reload();
    }}>${type ? `${typeIcon(type)} ${typeName(type)}` : t('all')}</button>`;

  const view = () => html`<h1>${t('tab_timeline')}</h1>
    <div class="filters seg" role="group" aria-label=${t('filter_by_type')}>${[null, ...TYPE_NAMES].map(chip)}</div>
    <div class="timeline" aria-live="polite" aria-busy=${String(loading)}>${
      items.length
        ? repeat(
            byDay(items),
            ([key]) => key,
            ([key, entries]) => html`<section aria-labelledby="d-${key}">
          <h2 class="day-head" id="d-${key}">${dayLabel(key, entries[0].ts)}</h2>
          <ul class="entries">${repeat(entries, (e) => e.id, row)}</ul></section>`,
          )
        : html`<p class="empty">${t('nothing_yet')}</p>`
    }</div>
    <div class="sentinel" aria-hidden="true"></div>`;
  const show = () => paint(view(), root);
  show();
  const sentinel = root.querySelector('.sentinel');
  // The end of the list is in sight (or nearly).
  const nearEnd = () => sentinel.getBoundingClientRect().top < innerHeight + 400;

  function fetchPage(beforeTs, limit) {
    return store.listEntries(state.family.id, {
      beforeTs,
      limit,
      subjectId: state.subject?.id,
      types: filter ? [filter] : null,
    });
  }

  async function reload() {
    const gen = ++generation;
    const want = Math.max(PAGE, items.length);
    const page = await fetchPage(Infinity, want);
    if (gen !== generation) return;
    items = page;
    exhausted = items.length < want;
    show();
    if (!exhausted && nearEnd()) more();
  }

  async function more() {
    if (loading || exhausted || !state.family || !items.length) return;
    loading = true;
    show();
    const gen = generation;
    const last = items[items.length - 1];
    // Include the boundary time again and drop what is already shown, so
    // entries sharing one timestamp are never skipped.
    const seen = new Set(items.map((e) => e.id));
    const sameTs = items.filter((e) => e.ts === last.ts).length;
    const page = await fetchPage(last.ts + 1, PAGE + sameTs);
    loading = false;
    if (gen === generation) {
      const fresh = page.filter((e) => !seen.has(e.id));
      exhausted = fresh.length === 0;
      items = items.concat(fresh);
    }
    show();
    // The observer only fires on a change: if the end is still in sight after
    // this page (short pages, tall screens), fetch the next one now.
    if (gen === generation && !exhausted && nearEnd()) more();
  }

  const io = new IntersectionObserver(
    (obs) => {
      if (obs.some((o) => o.isIntersecting)) more();
    },
    { rootMargin: '400px' },
  );
  io.observe(sentinel);
  const off = on(['entries', 'subject', 'family'], () => reload());
  reload();
  return () => {
    io.disconnect();
    off();
  };
}

// views/timeline.js — the shared log, newest first, grouped by day in the
// family's zone, loaded from the local copy as you scroll, filtered by type.
// Tap to edit, the bin to delete (with undo); entries still waiting to sync
// are marked. With several people, the current one's or everyone's
// (views/who.js). Entries logged together for several people (one
// group_id, twins) are one row with a badge naming them all ("👥 Liam,
// Noa"; for one person's log, the others of the group named too), and the
// bin deletes the whole group, with one undo (the form deletes one alone).
import { t, fmtTime, fmtWeekday, fmtRelativeDay, getLang } from '../i18n.js';
import { html, nothing, paint, repeat, icon, toast } from '../ui.js';
import { state, on, canWrite, tz } from '../state.js';
import * as store from '../store.js';
import { TYPE_NAMES } from '../entries.js';
import { title, detail, typeIcon, typeName } from '../describe.js';
import { openEntryForm } from './form.js';
import { remove, save } from '../actions.js';
import { dayKey, daysBetween } from '../time.js';
import { whoChoice, isEveryone, nameOf } from './who.js';

const PAGE = 40;

function dayLabel(key, ts) {
  const diff = daysBetween(dayKey(Date.now(), tz()), key);
  return diff === 0 || diff === -1 ? `${fmtRelativeDay(diff)} · ${fmtWeekday(ts, tz())}` : fmtWeekday(ts, tz());
}

// Entries (newest first) as [dayKey, entries] in order, an entry of a
// group shown once (its first).
function byDay(items) {
  const groups = new Map();
  const shown = new Set();
  for (const e of items) {
    if (e.group_id && shown.has(e.group_id)) continue;
    if (e.group_id) shown.add(e.group_id);
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
  let groups = new Map(); // group_id → its live entries (the local copy's)

  const names = (list) =>
    new Intl.ListFormat(getLang(), { style: 'short', type: 'unit' }).format(list.map((x) => nameOf(x.subject_id)));
  // Deletes a group's entries, with one undo for them all.
  async function removeGroup(list, what) {
    for (const e of list) await remove(e, { quiet: true });
    toast(t('deleted', { what }), {
      action: t('undo'),
      onAction: async () => {
        for (const e of list) await save({ ...((await store.getEntry(e.id)) || e), deleted: false }, { quiet: true });
      },
    });
  }

  const row = (e) => {
    const group = (e.group_id && groups.get(e.group_id)) || [e];
    const together = group.length > 1;
    const who = together ? names(group) : isEveryone() ? nameOf(e.subject_id) : '';
    const what = who ? `${who}: ${title(e)}` : title(e);
    return html`<li class="entry" data-id=${e.id} data-group=${together ? e.group_id : nothing} data-pending=${e._pending ? '1' : '0'}>
    <button class="open" type="button" @click=${() => openEntryForm({ entry: e })}>
      <span class="ico" aria-hidden="true">${typeIcon(e.type)}</span>
      <span class="body">
        <span class="title">${title(e)}${together ? html`<span class="badge group">👥 ${who}</span>` : nothing}${e._pending ? html`<span class="badge pending">${t('waiting_sync')}</span>` : nothing}</span>
        <span class="meta" dir="auto">${[together ? '' : who, detail(e), e.author_name ? t('by', { name: e.author_name }) : ''].filter(Boolean).join(' · ')}</span>
      </span>
      <span class="time">${fmtTime(e.ts, tz())}</span>
    </button>
    ${canWrite() ? html`<button class="icon-btn" type="button" aria-label="${t('delete')} ${what}" @click=${() => (together ? removeGroup(group, what) : remove(e))}>${icon('trash')}</button>` : nothing}
  </li>`;
  };

  // The groups of the entries shown, from the local copy (a group's
  // entries were logged at one time; an edit may move one by a day at most).
  async function loadGroups(list) {
    const ids = new Set(list.filter((e) => e.group_id).map((e) => e.group_id));
    const next = new Map();
    if (ids.size) {
      const from = Math.min(...list.filter((e) => e.group_id).map((e) => e.ts)) - 86400000;
      for (const e of await store.entriesSince(state.family.id, from))
        if (!e.deleted && ids.has(e.group_id)) next.set(e.group_id, [...(next.get(e.group_id) || []), e]);
    }
    groups = next;
  }

  const chip = (type) =>
    html`<button type="button" aria-pressed=${String(filter === type)} @click=${() => {
      filter = type;
      reload();
    }}>${type ? `${typeIcon(type)} ${typeName(type)}` : t('all')}</button>`;

  const view = () => html`<h1>${t('tab_timeline')}</h1>
    ${whoChoice(() => reload())}
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
      subjectId: isEveryone() ? null : state.subject?.id,
      types: filter ? [filter] : null,
    });
  }

  async function reload() {
    const gen = ++generation;
    const want = Math.max(PAGE, items.length);
    const page = await fetchPage(Infinity, want);
    await loadGroups(page);
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
      await loadGroups(items);
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

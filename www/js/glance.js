// glance.js — a stretch of time at a glance (the last 24 hours on the home
// screen, a calendar day in the day view): sleep as bars, feeds and diapers
// as marks, on three lanes under the hours of the family's clock. Right to
// left in Hebrew and Arabic.
import { svg, html } from './ui.js';
import { t, isRtl, fmtHour, fmtDuration } from './i18n.js';
import { isRunning } from './entries.js';
import { minuteOfDay } from './time.js';

const W = 340;
const X0 = 22;
const LANES = [
  ['sleep', '🌙', 24],
  ['feed', '🍼', 42],
  ['diaper', '💧', 58],
];

// One person's entries in [from, to): sleep spans (clipped, a running one
// to `now`), and the moments of feeds (a top-up is the feed before it) and
// diapers.
export function marks(entries, from, to, now = Date.now()) {
  const m = { sleep: [], feed: [], diaper: [] };
  for (const e of entries) {
    if (e.deleted || !m[e.type]) continue;
    if (e.type === 'sleep') {
      const end = isRunning(e) ? now : (e.end_ts ?? e.ts);
      if (e.ts < to && end > from) m.sleep.push([Math.max(e.ts, from), Math.min(end, to)]);
    } else if (e.ts >= from && e.ts < to && !e.value?.top_up) m[e.type].push(e.ts);
  }
  return m;
}

export function glance(entries, from, to, tz, { label = '', now = Date.now() } = {}) {
  const m = marks(entries, from, to, now);
  const x = (ts) => {
    const f = X0 + ((ts - from) / (to - from)) * (W - X0 - 6);
    return (isRtl() ? W - f : f).toFixed(1);
  };
  const ticks = [];
  const mod = minuteOfDay(from, tz) % 360;
  for (let at = from - (from % 60000) + ((360 - mod) % 360) * 60000; at < to; at += 6 * 3600000) ticks.push(at);
  const slept = m.sleep.reduce((n, [a, b]) => n + b - a, 0);
  const sum = t('glance_sum', { sleep: fmtDuration(slept), feeds: m.feed.length, diapers: m.diaper.length });
  return html`<svg class="chart glance" viewBox="0 0 ${W} 66" role="img" aria-label="${label}: ${sum}">
    ${ticks.map((at) => svg`<line class="grid" x1=${x(at)} x2=${x(at)} y1="14" y2="64"></line><text x=${x(at)} y="10" text-anchor="middle">${fmtHour(at, tz)}</text>`)}
    ${LANES.map(([, icon, y]) => svg`<text x=${isRtl() ? W - 9 : 9} y=${y + 4} text-anchor="middle">${icon}</text>`)}
    ${m.sleep.map(([a, b]) => svg`<rect class="bar sleep" x=${Math.min(x(a), x(b))} width=${Math.max(1.5, Math.abs(x(b) - x(a))).toFixed(1)} y="18" height="12" rx="2"></rect>`)}
    ${['feed', 'diaper'].map((k, i) => m[k].map((at) => svg`<circle class="mark ${k}" cx=${x(at)} cy=${LANES[i + 1][2]} r="4"></circle>`))}
  </svg><p class="legend"><span><i class="sleep"></i>${t('type.sleep')}</span><span><i class="feed"></i>${t('feeds')}</span><span><i class="diaper"></i>${t('diapers')}</span></p>`;
}

// charts.js — small SVG charts drawn by hand (a few hundred bytes of code
// beat a charting library here, and mirror cleanly in right-to-left):
// per-day bars on a labelled value axis, the 24-hour rhythm, and growth
// against WHO percentiles; axes tick at nice steps (ticks.js).
// In Hebrew the time axis runs right to left. Each returns a template.
import { html, svg, nothing } from './ui.js';
import { isRtl, fmtNumber } from './i18n.js';
import { niceTicks } from './ticks.js';

const W = 340;

function mirror(x, width) {
  return isRtl() ? width - x : x;
}

const chart = (height, ariaLabel, content) =>
  html`<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label=${ariaLabel}>${content}</svg>`;

// The value axis of a chart: a grid line and a label per tick, the labels
// beside the axis at `edge` (the chart's start side; mirrored in Hebrew,
// where SVG text inherits right-to-left and "end" is the left side).
function valueAxis(ticks, yOf, edge, right, format) {
  const x = isRtl() ? W - edge + 4 : edge - 4;
  return ticks.map(
    (v) =>
      svg`<line class="grid" x1=${mirror(edge, W)} x2=${mirror(right, W)} y1=${yOf(v).toFixed(1)} y2=${yOf(v).toFixed(1)}></line><text class="tick-y" x=${x} y=${(yOf(v) + 4).toFixed(1)} text-anchor="end">${format(v)}</text>`,
  );
}

// Bars for one value per day, on a value axis from 0 with labelled ticks.
// opts: {labels, cls, format (a value with its unit), integer (counts:
// whole ticks), ariaLabel, height}
export function barChart(
  values,
  { labels = [], cls = '', format = (v) => fmtNumber(v), integer = false, ariaLabel = '', height = 168 } = {},
) {
  const pad = { top: 16, bottom: 22, start: 50, end: 6 };
  const axis = niceTicks(0, Math.max(0, ...values), { count: 4, integer });
  const n = values.length;
  const iw = W - pad.start - pad.end;
  const slot = iw / n;
  const bw = Math.max(2, slot * 0.7);
  const ih = height - pad.top - pad.bottom;
  const yOf = (v) => pad.top + ih - (v / (axis.hi || 1)) * ih;
  const every = n > 10 ? Math.ceil(n / 7) : 1;
  const tick = (v) => format(Number(v.toFixed(axis.digits)));
  const bar = (v, i) => {
    const bh = yOf(0) - yOf(v);
    const x0 = pad.start + i * slot + (slot - bw) / 2;
    const x = isRtl() ? W - x0 - bw : x0;
    const mid = (x + bw / 2).toFixed(1);
    return svg`<rect class="bar ${cls}" x=${x.toFixed(1)} y=${yOf(v).toFixed(1)} width=${bw.toFixed(1)} height=${Math.max(0, bh).toFixed(1)} rx="2"><title>${labels[i] || ''}: ${format(v)}</title></rect>${
      n <= 10 && v > 0
        ? svg`<text class="value" x=${mid} y=${(yOf(v) - 3).toFixed(1)} text-anchor="middle">${format(v)}</text>`
        : nothing
    }${
      i % every === 0 || i === n - 1
        ? svg`<text class="tick-x" x=${mid} y=${height - 6} text-anchor="middle">${labels[i] || ''}</text>`
        : nothing
    }`;
  };
  return chart(
    height,
    ariaLabel,
    svg`${valueAxis(axis.ticks, yOf, pad.start, W - pad.end, tick)}<line class="axis" x1=${mirror(pad.start, W)} x2=${mirror(pad.start, W)} y1=${pad.top} y2=${yOf(0)}></line>${values.map(bar)}`,
  );
}

// One row per day: sleep as bars across the 24 hours, feeds as dots.
export function rhythmChart(rows, { labels = [], hourLabel = (h) => String(h), ariaLabel = '' } = {}) {
  const left = 44;
  const rowH = rows.length > 10 ? 9 : 18;
  const top = 18;
  const height = top + rows.length * rowH + 6;
  const iw = W - left - 6;
  const xOf = (f) => (isRtl() ? W - left - f * iw : left + f * iw);
  const hour = (hr) =>
    svg`<line class="grid" x1=${xOf(hr / 24)} x2=${xOf(hr / 24)} y1=${top - 4} y2=${height - 4}></line><text x=${xOf(hr / 24)} y="11" text-anchor="middle">${hourLabel(hr % 24)}</text>`;
  const row = (r, i) => {
    const y = top + i * rowH;
    return svg`${rowH >= 14 || i % 5 === 0 ? svg`<text x=${isRtl() ? W - 4 : 4} y=${y + rowH * 0.7} text-anchor="start">${labels[i] || ''}</text>` : nothing}${r.sleep.map(
      ([a, b]) =>
        svg`<rect class="bar sleep" x=${Math.min(xOf(a), xOf(b)).toFixed(1)} y=${y + 2} width=${Math.max(1, Math.abs(xOf(b) - xOf(a))).toFixed(1)} height=${rowH - 4} rx="2"></rect>`,
    )}${r.feeds.map(
      (f) => svg`<circle class="pt" cx=${xOf(f).toFixed(1)} cy=${y + rowH / 2} r=${Math.min(3.5, rowH / 3)}></circle>`,
    )}`;
  };
  return chart(height, ariaLabel, svg`${[0, 6, 12, 18, 24].map(hour)}${rows.map(row)}`);
}

// Measurements (age in days, value) over the WHO 3rd–97th percentile
// curves. The value axis has nice ticks; the age axis whole weeks (under
// four months) or months. ageLabel(n, 'weeks' | 'months') names a tick.
export function growthChart(curves, points, { ariaLabel = '', ageLabel = (n, unit) => `${n} ${unit}` } = {}) {
  const height = 220;
  const pad = { start: 36, end: 20, t: 10, b: 24 };
  const wanted = Math.max(180, ...points.map((p) => p[0] + 30));
  const unit = wanted < 120 ? 'weeks' : 'months';
  const unitDays = unit === 'weeks' ? 7 : 30.4375;
  const ages = niceTicks(0, wanted / unitDays, { count: 6, integer: true });
  const maxDay = ages.hi * unitDays;
  const idx = curves.days.findIndex((d) => d >= maxDay);
  const end = idx === -1 ? curves.days.length : idx + 1;
  const days = curves.days.slice(0, end);
  const all = [...curves.p3.slice(0, end), ...curves.p97.slice(0, end), ...points.map((p) => p[1])];
  const axis = niceTicks(Math.min(...all), Math.max(...all), { count: 5 });
  const iw = W - pad.start - pad.end;
  const ih = height - pad.t - pad.b;
  const x = (d) => mirror(pad.start + (Math.min(d, maxDay) / maxDay) * iw, W);
  const y = (v) => pad.t + ih - ((v - axis.lo) / (axis.hi - axis.lo)) * ih;
  const path = (vals) => days.map((d, i) => `${i ? 'L' : 'M'}${x(d).toFixed(1)},${y(vals[i]).toFixed(1)}`).join('');
  const band = `${path(curves.p3.slice(0, end))}${[...days]
    .reverse()
    .map((d, i) => `L${x(d).toFixed(1)},${y(curves.p97[end - 1 - i]).toFixed(1)}`)
    .join('')}Z`;
  const label = (v) => fmtNumber(v, { minimumFractionDigits: axis.digits, maximumFractionDigits: axis.digits });
  const ageTicks = ages.ticks.map(
    (n) =>
      svg`<text class="tick-x" x=${x(n * unitDays).toFixed(1)} y=${height - 6} text-anchor="middle">${ageLabel(n, unit)}</text>`,
  );
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const line = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  return chart(
    height,
    ariaLabel,
    svg`${valueAxis(axis.ticks, y, pad.start, W - pad.end, label)}<path class="band" d=${band}></path>${[
      'p3',
      'p15',
      'p50',
      'p85',
      'p97',
    ].map(
      (k) => svg`<path class="curve ${k}" d=${path(curves[k].slice(0, end))}></path>`,
    )}${ageTicks}${sorted.length > 1 ? svg`<path class="line" d=${line}></path>` : nothing}${sorted.map(
      ([d, v]) =>
        svg`<circle class="pt" cx=${x(d).toFixed(1)} cy=${y(v).toFixed(1)} r="4"><title>${fmtNumber(v)}</title></circle>`,
    )}`,
  );
}

// Readings over a period (blood pressure, heart rate, SpO2, glucose,
// temperature, weight): each series a line through its dots, each normal
// band shaded behind them. series: [{cls, points: [[ts, value], ...]}];
// bands: [[low, high]]; opts: {from, to (the period's instants), ticks
// ([{ts, label}] along the time axis), format (a value with its unit),
// ariaLabel}.
export function readingsChart(
  series,
  { from, to, bands = [], ticks = [], format = (v) => fmtNumber(v), ariaLabel = '' } = {},
) {
  const height = 190;
  const pad = { start: 50, end: 8, top: 12, bottom: 22 };
  const values = [...series.flatMap((s) => s.points.map((p) => p[1])), ...bands.flat()];
  const axis = niceTicks(Math.min(...values), Math.max(...values), { count: 5 });
  const iw = W - pad.start - pad.end;
  const ih = height - pad.top - pad.bottom;
  const span = Math.max(1, to - from);
  const x = (ts) => mirror(pad.start + ((Math.min(Math.max(ts, from), to) - from) / span) * iw, W);
  const y = (v) => pad.top + ih - ((v - axis.lo) / (axis.hi - axis.lo || 1)) * ih;
  const band = ([lo, hi]) =>
    svg`<rect class="band normal" x=${Math.min(x(from), x(to)).toFixed(1)} y=${y(hi).toFixed(1)} width=${iw.toFixed(1)} height=${Math.max(1, y(lo) - y(hi)).toFixed(1)}></rect>`;
  const line = (s) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    const d = pts.map(([ts, v], i) => `${i ? 'L' : 'M'}${x(ts).toFixed(1)},${y(v).toFixed(1)}`).join('');
    return svg`${pts.length > 1 ? svg`<path class="line ${s.cls}" d=${d}></path>` : nothing}${pts.map(
      ([ts, v]) =>
        svg`<circle class="pt ${s.cls}" cx=${x(ts).toFixed(1)} cy=${y(v).toFixed(1)} r="3.5"><title>${format(v)}</title></circle>`,
    )}`;
  };
  const label = (v) => format(Number(v.toFixed(axis.digits)));
  return chart(
    height,
    ariaLabel,
    svg`${bands.map(band)}${valueAxis(axis.ticks, y, pad.start, W - pad.end, label)}${ticks.map(
      (tk) =>
        svg`<text class="tick-x" x=${x(tk.ts).toFixed(1)} y=${height - 6} text-anchor="middle">${tk.label}</text>`,
    )}${series.map(line)}`,
  );
}

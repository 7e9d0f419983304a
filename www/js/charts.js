// charts.js — small SVG charts drawn by hand (a few hundred bytes of code
// beat a charting library here, and mirror cleanly in right-to-left):
// per-day bars, the 24-hour rhythm, and growth against WHO percentiles.
// In Hebrew the time axis runs right to left. Each returns a template.
import { html, svg, nothing } from './ui.js';
import { isRtl, fmtNumber } from './i18n.js';

const W = 340;

function mirror(x, width) {
  return isRtl() ? width - x : x;
}

const chart = (height, ariaLabel, content) =>
  html`<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label=${ariaLabel}>${content}</svg>`;

// Bars for one value per day. opts: {labels, cls, format, ariaLabel, height}
export function barChart(
  values,
  { labels = [], cls = '', format = (v) => fmtNumber(v), ariaLabel = '', height = 150 } = {},
) {
  const pad = { top: 16, bottom: 22, side: 6 };
  const max = Math.max(1, ...values);
  const n = values.length;
  const slot = (W - pad.side * 2) / n;
  const bw = Math.max(2, slot * 0.7);
  const ih = height - pad.top - pad.bottom;
  const every = n > 10 ? Math.ceil(n / 7) : 1;
  const bar = (v, i) => {
    const bh = (v / max) * ih;
    const x0 = pad.side + i * slot + (slot - bw) / 2;
    const x = isRtl() ? W - x0 - bw : x0;
    const mid = (x + bw / 2).toFixed(1);
    return svg`<rect class="bar ${cls}" x=${x.toFixed(1)} y=${(pad.top + ih - bh).toFixed(1)} width=${bw.toFixed(1)} height=${Math.max(0, bh).toFixed(1)} rx="2"><title>${labels[i] || ''}: ${format(v)}</title></rect>${
      n <= 10 && v > 0
        ? svg`<text x=${mid} y=${(pad.top + ih - bh - 3).toFixed(1)} text-anchor="middle">${format(v)}</text>`
        : nothing
    }${
      i % every === 0 || i === n - 1
        ? svg`<text x=${mid} y=${height - 6} text-anchor="middle">${labels[i] || ''}</text>`
        : nothing
    }`;
  };
  return chart(
    height,
    ariaLabel,
    svg`<line class="grid" x1="0" x2=${W} y1=${pad.top + ih} y2=${pad.top + ih}></line>${values.map(bar)}`,
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

// Measurements (age in days, value) over the WHO 3rd–97th percentile curves.
export function growthChart(curves, points, { ariaLabel = '', ageLabel = (d) => String(d) } = {}) {
  const height = 220;
  const pad = { l: 34, r: 22, t: 10, b: 24 };
  const maxDay = Math.max(180, ...points.map((p) => p[0] + 30));
  const idx = curves.days.findIndex((d) => d >= maxDay);
  const end = idx === -1 ? curves.days.length : idx + 1;
  const days = curves.days.slice(0, end);
  const all = [...curves.p3.slice(0, end), ...curves.p97.slice(0, end), ...points.map((p) => p[1])];
  const lo = Math.floor(Math.min(...all));
  const hi = Math.ceil(Math.max(...all));
  const iw = W - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const last = days[days.length - 1] || 1;
  const x = (d) => mirror(pad.l + (d / last) * iw, W);
  const y = (v) => pad.t + ih - ((v - lo) / Math.max(1, hi - lo)) * ih;
  const path = (vals) => days.map((d, i) => `${i ? 'L' : 'M'}${x(d).toFixed(1)},${y(vals[i]).toFixed(1)}`).join('');
  const band = `${path(curves.p3.slice(0, end))}${[...days]
    .reverse()
    .map((d, i) => `L${x(d).toFixed(1)},${y(curves.p97[end - 1 - i]).toFixed(1)}`)
    .join('')}Z`;
  const ticks = [0, 1, 2, 3, 4, 5].map((i) => {
    const v = lo + ((hi - lo) * i) / 5;
    const d = (last * i) / 5;
    return svg`<text x=${isRtl() ? W - 2 : 2} y=${y(v) + 4} text-anchor="start">${fmtNumber(v, { maximumFractionDigits: 0 })}</text><text x=${x(d)} y=${height - 6} text-anchor="middle">${ageLabel(d)}</text>`;
  });
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const line = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  return chart(
    height,
    ariaLabel,
    svg`<path class="band" d=${band}></path>${['p3', 'p15', 'p50', 'p85', 'p97'].map(
      (k) => svg`<path class="curve ${k}" d=${path(curves[k].slice(0, end))}></path>`,
    )}${ticks}${sorted.length > 1 ? svg`<path class="line" d=${line}></path>` : nothing}${sorted.map(
      ([d, v]) =>
        svg`<circle class="pt" cx=${x(d).toFixed(1)} cy=${y(v).toFixed(1)} r="4"><title>${fmtNumber(v)}</title></circle>`,
    )}`,
  );
}

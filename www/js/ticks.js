// ticks.js — axis ticks a person reads at a glance: a step of 1, 2, 2.5 or 5
// times a power of ten (1, 2 or 5 for counts), the axis widened to whole
// steps, and labels with exactly the decimals the step has, so each label
// says what its place on the axis means. Pure; charts.js draws with it.

// How many decimals `x` needs (0.25 → 2, 2.5 → 1, 20 → 0).
function decimals(x) {
  let d = 0;
  while (d < 10 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-7) d += 1;
  return d;
}

// Ticks over [min, max], about `count` steps: {lo, hi, step, digits, ticks}.
// `integer`: whole steps only (counts of things).
export function niceTicks(min, max, { count = 5, integer = false } = {}) {
  let a = Number.isFinite(min) ? min : 0;
  let b = Number.isFinite(max) ? max : a + 1;
  if (a > b) [a, b] = [b, a];
  if (b === a) b = a + (integer || a === 0 ? 1 : Math.abs(a) / 2);
  const raw = (b - a) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const factors = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = factors.map((f) => f * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const digits = decimals(step);
  const round = (x) => Number(x.toFixed(digits));
  const lo = round(Math.floor(a / step + 1e-9) * step);
  const hi = round(Math.ceil(b / step - 1e-9) * step);
  const ticks = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(round(lo + i * step));
  return { lo, hi, step, digits, ticks };
}

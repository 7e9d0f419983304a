// qr.js — a QR code of a link as an SVG template, for scanning an access
// link off the consultant's screen at a home visit. The encoding is uqr's
// (npm, copied to www/vendor like lit-html); this only draws its modules,
// as one path (no inline style: the CSP allows none).
import { encode } from '../vendor/uqr.js';
import { html, svg } from './ui.js';

export function qrCode(text, label) {
  const { size, data } = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (data[y][x]) d += `M${x} ${y}h1v1h-1z`;
  }
  return html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label=${label} shape-rendering="crispEdges">${svg`<rect width=${size} height=${size} class="qr-bg"></rect><path d=${d} class="qr-fg"></path>`}</svg>`;
}

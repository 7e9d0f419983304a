// zones.js — a family's time zone, chosen from the server's list (GET
// /timezones: the zones it knows), searched by any part of the name
// ("paris", "new york") and each shown with its time now.
import { html } from './ui.js';
import { get } from './api.js';
import { t, fmtTime } from './i18n.js';

let all = null;
const load = () =>
  (all ||= get('/timezones').then(
    (r) => r.timezones,
    () => {
      all = null;
      return [];
    },
  ));

const name = (z) => {
  let now = '';
  try {
    now = ` · ${fmtTime(Date.now(), z)}`;
  } catch {
    /* a zone this browser does not know */
  }
  return `${z.replace(/_/g, ' ')}${now}`;
};

// A form field (its value in a hidden input named "timezone"); `redraw`
// paints the form again. Returns the template maker, id → template.
export function zonePicker(initial, redraw) {
  const s = { zone: initial, q: '', list: [] };
  load().then((list) => {
    s.list = list;
    redraw();
  });
  const pick = (z) => {
    Object.assign(s, { zone: z, q: '' });
    redraw();
  };
  return (id) => {
    const q = s.q.trim().toLowerCase().replace(/\s+/g, '_');
    const found = q ? s.list.filter((z) => z.toLowerCase().includes(q)).slice(0, 6) : [];
    return html`<div class="field"><label for=${id}>${t('timezone')}</label>
      <input type="hidden" name="timezone" .value=${s.zone}><strong id="${id}-is">${name(s.zone)}</strong>
      <input id=${id} type="search" autocomplete="off" placeholder=${t('zone_search')} aria-describedby="${id}-is" .value=${s.q}
        @input=${(ev) => {
          s.q = ev.target.value;
          redraw();
        }}>
      <ul class="list zones" aria-label=${t('timezone')}>${found.map((z) => html`<li><button class="btn" type="button" @click=${() => pick(z)}>${name(z)}</button></li>`)}</ul></div>`;
  };
}

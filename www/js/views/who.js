// views/who.js — whose figures the day and trends screens show when the
// family has several people: the current person or everyone at once
// (summary.js ALL: the server's ?subject=all, the people's figures added
// up). One choice for both screens while the app is open; with one person
// there is no choice.
import { t } from '../i18n.js';
import { html, nothing } from '../ui.js';
import { state } from '../state.js';
import { ALL } from '../summary.js';

let everyone = false;

const several = () => state.subjects.length > 1;

// The subjectId for summaryFor / trendsFor: a person's id, or ALL.
export const whoId = () => (everyone && several() ? ALL : state.subject?.id);
export const isEveryone = () => whoId() === ALL;
export const subjectIds = () => state.subjects.map((s) => s.id);
export const nameOf = (sid) => state.subjects.find((s) => s.id === sid)?.name || '';

// The choice: the current person's name or "Everyone"; `changed` redraws.
export function whoChoice(changed) {
  if (!several()) return nothing;
  const pick = (all) => () => {
    everyone = all;
    changed();
  };
  return html`<div class="seg who" role="group" aria-label=${t('people_access')}>
    <button type="button" aria-pressed=${String(!isEveryone())} @click=${pick(false)}>${state.subject?.name || ''}</button>
    <button type="button" aria-pressed=${String(isEveryone())} @click=${pick(true)}>${t('people_everyone')}</button>
  </div>`;
}

// views/voicelog.js — the microphone button: listens once with the Web
// Speech API in the UI language, parses the phrase (voice.js) and shows the
// proposed entry for one-tap confirmation. The family's own types (not
// archived, meant for this person) are known by their names.
import { t, getLang } from '../i18n.js';
import { html, nothing, sheet, toast } from '../ui.js';
import { parsePhrase, speechLang, vocabulary, ownTypes } from '../voice.js';
import { log, start, stop, running } from '../actions.js';
import { title, detail, typeName } from '../describe.js';
import { lastBottle } from './form.js';
import { TYPES } from '../entries.js';
import { state } from '../state.js';

// The family's types voice may log for the person shown.
function familyTypes() {
  const sid = state.subject?.id;
  const defs = Object.entries(TYPES)
    .filter(([, v]) => v.custom && !v.custom.archived)
    .filter(([, v]) => !v.custom.subject_ids?.length || !sid || v.custom.subject_ids.includes(sid))
    .map(([type, v]) => ({ type, names: v.custom.names, timed: v.timed }));
  return ownTypes(defs, [...new Set([getLang(), 'en'])]);
}

// A duration said ("bath 10 minutes") ends now.
const span = (p) => (p.minutes ? { ts: Date.now() - p.minutes * 60000, end_ts: Date.now() } : {});

// What a proposal will do, in words.
function describe(p) {
  if (p.action === 'stop') return `${t('stop')}: ${typeName(p.type)}`;
  const e = { type: p.type, value: p.value, end_ts: null, ...span(p) };
  const what = [title(e), detail(e)].filter(Boolean).join(' · ');
  return p.action === 'start' ? `${t('start')}: ${what}` : what;
}

// The words of the UI language, and English's (said in any language).
const file = (l) =>
  fetch(`/i18n/voice/${l}.json`).then(
    (r) => r.json(),
    () => ({}),
  );

export function openVoice() {
  const Rec = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!Rec) return;
  const words = Promise.all([...new Set([getLang(), 'en'])].map(file)).then((f) => vocabulary(...f));
  const rec = new Rec();
  rec.lang = speechLang(getLang());
  rec.interimResults = false;
  rec.maxAlternatives = 3;
  let listening = true;
  let status = t('listening');
  let heard = false; // a phrase came back
  let proposal = null;

  async function confirm() {
    sh.close();
    if (proposal.action === 'log') await log(proposal.type, proposal.value, span(proposal));
    else if (proposal.action === 'start') await start(proposal.type, proposal.value);
    else {
      const timer = (await running()).find((e) => e.type === proposal.type);
      if (timer) await stop(timer, proposal.value);
      else toast(t('nothing_running'));
    }
  }

  const body = () => html`<div class="sheet-body">
    <p class="${listening ? 'listening' : ''}" role="status">${status}</p>
    <p class="muted">${t('voice_examples')}</p>
    ${heard && !proposal ? html`<p class="error">${t('voice_not_understood')}</p>` : nothing}
    ${
      proposal
        ? html`<p class="voice-proposal">${describe(proposal)}</p>
      <button class="btn primary block" type="button" @click=${confirm}>${t('confirm_log')}</button>`
        : nothing
    }
  </div>`;
  const sh = sheet(t('voice_log'), body, {
    onClose: () => {
      try {
        rec.abort();
      } catch {
        /* already stopped */
      }
    },
  });

  rec.addEventListener('result', async (ev) => {
    const alts = Array.from(ev.results[0] || []).map((a) => a.transcript);
    listening = false;
    heard = true;
    status = `“${alts[0] || ''}”`;
    const known = await words;
    const own = familyTypes();
    proposal = alts.map((a) => parsePhrase(a, known, own)).find(Boolean) || null;
    // A bottle said without its milk is the milk of the last one.
    const v = proposal?.value;
    if (v?.method === 'bottle' && !v.milk) v.milk = (await lastBottle()).milk;
    sh.redraw();
    if (proposal) sh.el.querySelector('.voice-proposal + button').focus();
  });
  rec.addEventListener('error', (ev) => {
    listening = false;
    status = ev.error === 'not-allowed' ? t('mic_denied') : t('voice_not_understood');
    sh.redraw();
  });
  rec.addEventListener('end', () => {
    listening = false;
    sh.redraw();
  });
  rec.start();
}

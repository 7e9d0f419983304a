// views/voicelog.js — the microphone button: listens once with the Web
// Speech API in the UI language, parses the phrase (voice.js) and shows the
// proposed entry for one-tap confirmation.
import { t, getLang } from '../i18n.js';
import { h, sheet, toast } from '../ui.js';
import { parsePhrase, speechLang } from '../voice.js';
import { log, start, stop, running } from '../actions.js';
import { title } from '../describe.js';

export function openVoice() {
  const Rec = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!Rec) return;
  const rec = new Rec();
  rec.lang = speechLang(getLang());
  rec.interimResults = false;
  rec.maxAlternatives = 3;
  const status = h('p', { class: 'listening', role: 'status' }, t('listening'));
  const body = h('div', { class: 'sheet-body' }, status, h('p', { class: 'muted' }, t('voice_examples')));
  const sh = sheet(t('voice_log'), body, { onClose: () => { try { rec.abort(); } catch { /* already stopped */ } } });

  rec.addEventListener('result', async (ev) => {
    const alts = Array.from(ev.results[0] || []).map((a) => a.transcript);
    const heard = alts[0] || '';
    const proposal = alts.map(parsePhrase).find(Boolean);
    status.classList.remove('listening');
    status.textContent = `“${heard}”`;
    if (!proposal) {
      body.append(h('p', { class: 'error' }, t('voice_not_understood')));
      return;
    }
    const preview = { type: proposal.type, value: proposal.value, end_ts: null };
    const what = proposal.action === 'stop' ? `${t('stop')}: ${t(`type.${proposal.type}`)}`
      : proposal.action === 'start' ? `${t('start')}: ${title(preview)}` : title(preview);
    const confirmBtn = h('button', { class: 'btn primary block', type: 'button', onclick: async () => {
      sh.close();
      if (proposal.action === 'log') await log(proposal.type, proposal.value);
      else if (proposal.action === 'start') await start(proposal.type, proposal.value);
      else {
        const timer = (await running()).find((e) => e.type === proposal.type);
        if (timer) await stop(timer, proposal.value);
        else toast(t('nothing_running'));
      }
    } }, t('confirm_log'));
    body.append(h('p', { class: 'voice-proposal' }, what), confirmBtn);
    confirmBtn.focus();
  });
  rec.addEventListener('error', (ev) => { status.classList.remove('listening'); status.textContent = ev.error === 'not-allowed' ? t('mic_denied') : t('voice_not_understood'); });
  rec.addEventListener('end', () => status.classList.remove('listening'));
  rec.start();
}

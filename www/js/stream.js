// stream.js — the family's live feed (Server-Sent Events): entry changes,
// config, the care records (profiles, medications, appointments, documents, shifts),
// the family's own activity types, emergency alerts, the member's own inbox
// items and presence. The browser resumes with Last-Event-ID on its own
// reconnects; when it gives up we reopen with backoff, and every (re)open
// asks the caller to catch up through the change feed.
import { backoffDelay } from './outbox.js';

export function openStream(fid, handlers) {
  let es = null;
  let closed = false;
  let attempt = 0;
  let retry = null;

  function connect() {
    es = new EventSource(`/api/v1/families/${encodeURIComponent(fid)}/stream`);
    es.addEventListener('open', () => {
      attempt = 0;
      handlers.onOpen();
    });
    es.addEventListener('entry', (ev) => handle(handlers.onEntry, ev));
    es.addEventListener('config', (ev) => handle(handlers.onConfig, ev));
    es.addEventListener('profile', (ev) => handle(handlers.onProfile, ev));
    es.addEventListener('medication', (ev) => handle(handlers.onMedication, ev));
    es.addEventListener('appointment', (ev) => handle(handlers.onAppointment, ev));
    es.addEventListener('alert', (ev) => handle(handlers.onAlert, ev));
    es.addEventListener('inbox', (ev) => handle(handlers.onInbox, ev));
    es.addEventListener('document', (ev) => handle(handlers.onDocument, ev));
    es.addEventListener('activity_type', (ev) => handle(handlers.onActivityType, ev));
    es.addEventListener('shift', (ev) => handle(handlers.onShift, ev));
    es.addEventListener('shift_visit', (ev) => handle(handlers.onShift, ev));
    es.addEventListener('presence', (ev) => handle(handlers.onPresence, ev));
    es.addEventListener('error', () => {
      handlers.onDown();
      if (es.readyState === EventSource.CLOSED && !closed) {
        attempt += 1;
        retry = setTimeout(connect, backoffDelay(attempt, { base: 1000, max: 60000 }));
      }
    });
  }

  function handle(fn, ev) {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (fn) fn(data, ev.lastEventId);
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      if (es) es.close();
    },
    reconnect() {
      if (closed) return;
      if (es && es.readyState !== EventSource.CLOSED) return;
      clearTimeout(retry);
      connect();
    },
  };
}

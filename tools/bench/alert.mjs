// alert.mjs — figures for the emergency alert (tools/alertbench.sh starts
// the server and the fake push service): a family of MEMBERS members, each
// with one push subscription at the fake service and one open live stream;
// ROUNDS times, a member raises an alert and we measure from the moment the
// POST is sent to (1) each push request reaching the push service (its own
// arrival clock, `wall`) and (2) the alert event arriving on every other
// member's stream, and (3) the POST's answer. Prints figures; never
// pass/fail.
//   node tools/bench/alert.mjs BASE SVC_BASE [MEMBERS] [ROUNDS]
const [base, svc, membersArg = '5', roundsArg = '20'] = process.argv.slice(2);
const MEMBERS = Number(membersArg);
const ROUNDS = Number(roundsArg);

class Client {
  constructor() {
    this.cookies = new Map();
    this.csrf = null;
  }
  headers(extra = {}) {
    const h = { Accept: 'application/json', ...extra };
    if (this.cookies.size) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf) h['X-CSRF-Token'] = this.csrf;
    return h;
  }
  async call(method, path, body, extra = {}) {
    const headers = this.headers(extra);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (data?.csrf_token) this.csrf = data.csrf_token;
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return data;
  }
}

// An open stream: resolves waiters when an alert event with their id arrives.
function openStream(client, fid) {
  const waiters = new Map();
  const ctl = new AbortController();
  (async () => {
    const res = await fetch(`${base}/api/v1/families/${fid}/stream`, { headers: client.headers(), signal: ctl.signal });
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += dec.decode(chunk, { stream: true });
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const ev = buf.slice(0, k);
        buf = buf.slice(k + 2);
        if (!ev.includes('event: alert')) continue;
        const at = performance.now();
        const id = JSON.parse(ev.slice(ev.indexOf('data: ') + 6)).id;
        waiters.get(id)?.(at);
        waiters.delete(id);
      }
    }
  })().catch(() => {});
  return {
    next: (id) => new Promise((resolve) => waiters.set(id, resolve)),
    close: () => ctl.abort(),
  };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs) => `median ${pct(xs, 50).toFixed(1)} ms, p90 ${pct(xs, 90).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

const tag = `${process.pid}.${Date.now()}`;
const clients = [];
for (let i = 0; i < MEMBERS; i++) {
  const c = new Client();
  await c.call('POST', '/api/v1/auth/register', { email: `m${i}.${tag}@example.test`, password: 'correct horse battery', name: `m${i}` });
  clients.push(c);
}
const fam = await clients[0].call('POST', '/api/v1/families', { name: 'Bench', timezone: 'UTC' });
for (const c of clients.slice(1)) {
  const link = await clients[0].call('POST', `/api/v1/families/${fam.id}/links`, { role: 'caregiver', label: 'x' });
  await c.call('POST', `/join/${link.token}`, undefined, { 'Sec-Fetch-Site': 'same-origin' });
  await c.call('GET', '/api/v1/auth/me');
}
for (const [i, c] of clients.entries()) {
  const sub = await (await fetch(`${svc}/subscriptions`, { method: 'POST', body: JSON.stringify({ id: `s${i}` }) })).json();
  await c.call('POST', '/api/v1/push/subscriptions', sub);
}
const streams = clients.map((c) => openStream(c, fam.id));
await new Promise((r) => setTimeout(r, 1000));

const toPush = [];
const toStream = [];
const toAnswer = [];
for (let round = 0; round < ROUNDS; round++) {
  const sender = clients[round % MEMBERS];
  const id = crypto.randomUUID();
  const others = streams.filter((_, i) => i !== round % MEMBERS);
  const seen = others.map((s) => s.next(id));
  const before = (await (await fetch(`${svc}/log`)).json()).requests.length;
  const wall0 = Date.now();
  const t0 = performance.now();
  await sender.call('POST', `/api/v1/families/${fam.id}/alerts`, { id, type: 'fall' });
  toAnswer.push(performance.now() - t0);
  for (const at of await Promise.all(seen)) toStream.push(at - t0);
  const reqs = (await (await fetch(`${svc}/log`)).json()).requests.slice(before);
  for (const r of reqs) toPush.push(r.wall - wall0);
  await sender.call('POST', `/api/v1/families/${fam.id}/alerts/${id}/resolve`, { note: 'bench' });
}
for (const s of streams) s.close();
console.log(`alert bench: ${MEMBERS} members (one subscription and one open stream each), ${ROUNDS} alerts`);
console.log(`  POST sent → push request at the push service (${toPush.length}): ${fmt(toPush)}`);
console.log(`  POST sent → alert event on another member's stream (${toStream.length}): ${fmt(toStream)}`);
console.log(`  POST sent → its answer (pushes already sent): ${fmt(toAnswer)}`);
process.exit(0);

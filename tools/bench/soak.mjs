// soak.mjs — the community-scale soak for tools/bench.sh (node >= 18, built-in
// modules only): F families of M members each (one owner account, the others
// guest devices that joined by access link, so setting up costs no password
// hashing beyond the owners'), every member with an open stream, each logging
// about once every --everyS seconds (randomly spread), with timeline reads and
// sync pulls in between, for --seconds. It measures write and read latency,
// the delay from each write's answer to its event on every other member's
// stream of the family (fan-out), and errors of any kind. Prints one JSON
// line. Memory is sampled by the caller: once everything is open it creates
// DIR/soak-ready, after the first minute DIR/soak-minute, and at the end
// DIR/soak-end. Bounded: it ends by itself within --maxSeconds.
//
//   node tools/bench/soak.mjs --families 200 --members 5 --seconds 180 --dir DIR
//        [--everyS 30] [--maxSeconds 600]
//   env: BENCH_BASE (http://127.0.0.1:PORT)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const opt = { families: 200, members: 5, seconds: 180, everyS: 30, maxSeconds: 600, dir: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  if (!(k in opt) || i + 1 >= argv.length) {
    console.error(`soak: unknown or incomplete argument ${argv[i]}`);
    process.exit(2);
  }
  opt[k] = k === 'dir' ? argv[++i] : Number(argv[++i]);
}
if (!opt.dir || !process.env.BENCH_BASE) {
  console.error('soak: --dir and BENCH_BASE are required');
  process.exit(2);
}
const base = new URL(process.env.BENCH_BASE);
const deadline = setTimeout(() => {
  console.error('soak: out of time');
  process.exit(1);
}, opt.maxSeconds * 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

// One JSON request; resolves {status, body, headers, ms}.
function call(method, p, { cookie, csrf, body, headers = {} } = {}) {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const t = now();
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: p,
        agent,
        headers: {
          ...headers,
          ...(cookie ? { Cookie: cookie } : {}),
          ...(csrf ? { 'X-CSRF-Token': csrf } : {}),
          ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...(data === undefined && method !== 'GET' ? { 'Content-Length': 0 } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode, body: parsed, headers: res.headers, ms: now() - t });
        });
      },
    );
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

const cookieOf = (res) =>
  (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('carelog_session='));

// ---- set-up: families, members, streams ----
async function newFamily(k) {
  const email = `soak.${process.pid}.${k}@example.test`;
  const reg = await call('POST', '/api/v1/auth/register', {
    body: { email, password: 'correct horse battery', name: `Owner ${k}` },
  });
  if (reg.status !== 201 || !cookieOf(reg)) throw new Error(`register: ${reg.status}`);
  const owner = { cookie: cookieOf(reg), csrf: reg.body.csrf_token };
  const fam = await call('POST', '/api/v1/families', { ...owner, body: { name: `Family ${k}`, timezone: 'UTC' } });
  const sub = await call('POST', `/api/v1/families/${fam.body.id}/subjects`, {
    ...owner,
    body: { name: 'Baby', kind: 'baby' },
  });
  const family = { id: fam.body.id, sid: sub.body.id, members: [owner] };
  for (let m = 1; m < opt.members; m++) {
    const link = await call('POST', `/api/v1/families/${family.id}/links`, {
      ...owner,
      body: { role: 'caregiver', label: `Device ${m}` },
    });
    const joined = await call('POST', `/join/${link.body.token}`, { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    const cookie = cookieOf(joined);
    if (!cookie) throw new Error(`join: ${joined.status} (link: ${link.status})`);
    const me = await call('GET', '/api/v1/auth/me', { cookie });
    family.members.push({ cookie, csrf: me.body.csrf_token });
  }
  return family;
}

const arrivals = new Map(); // entry id -> {answered, expect, got}
const fanout = [];
let streamErrors = 0;

function openStream(family, member) {
  return new Promise((resolve, reject) => {
    let open = false;
    const req = http.get(
      {
        host: base.hostname,
        port: base.port,
        path: `/api/v1/families/${family.id}/stream`,
        agent: false,
        headers: { Cookie: member.cookie, Accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`stream: HTTP ${res.statusCode}`));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const t = now();
          buf += chunk;
          if (!open && buf.includes('retry:')) {
            open = true;
            resolve(req);
          }
          let cut = buf.indexOf('\n\n');
          while (cut >= 0) {
            const text = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            cut = buf.indexOf('\n\n');
            if (!text.includes('event: entry')) continue;
            const line = text.split('\n').find((l) => l.startsWith('data: '));
            try {
              const w = arrivals.get(JSON.parse(line.slice(6)).entry.id);
              if (w && w.answered !== null) {
                fanout.push(t - w.answered);
                w.got++;
              } else if (w) w.early++;
            } catch {
              /* not ours */
            }
          }
        });
        res.on('error', () => {
          streamErrors++;
        });
        res.on('close', () => {
          if (!stopping) streamErrors++;
        });
      },
    );
    req.on('error', (e) => {
      if (open) streamErrors++;
      else reject(e);
    });
  });
}

// ---- the load ----
let stopping = false;
const writes = [];
const reads = [];
let errors = 0;

async function member(family, m) {
  const me = family.members[m];
  let cursor = 0;
  // Spread the members over the interval, then each writes every ~everyS.
  await sleep(Math.random() * opt.everyS * 1000);
  while (!stopping) {
    const id = crypto.randomUUID();
    const ts = Date.now();
    const w = { answered: null, expect: family.members.length, got: 0, early: 0 };
    arrivals.set(id, w);
    try {
      const r = await call('PUT', `/api/v1/families/${family.id}/entries/${id}`, {
        ...me,
        body: { subject_id: family.sid, type: 'diaper', ts, updated_at: ts, value: { wet: true } },
      });
      w.answered = now();
      writes.push(r.ms);
      if (r.status !== 201) errors++;
      // A timeline read or a sync pull between writes, as the app does.
      const read =
        Math.random() < 0.5
          ? await call('GET', `/api/v1/families/${family.id}/entries?limit=50`, me)
          : await call('POST', `/api/v1/families/${family.id}/sync`, { ...me, body: { cursor } });
      reads.push(read.ms);
      if (read.status !== 200) errors++;
      else if (read.body?.cursor !== undefined) cursor = read.body.cursor;
    } catch {
      errors++;
    }
    await sleep(opt.everyS * 1000 * (0.5 + Math.random()));
  }
}

function pct(list, p) {
  if (!list.length) return null;
  const s = [...list].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] * 100) / 100;
}

async function main() {
  const t0 = now();
  const families = [];
  for (let k = 0; k < opt.families; k += 10)
    families.push(...(await Promise.all(Array.from({ length: Math.min(10, opt.families - k) }, (_, i) => newFamily(k + i)))));
  const streams = [];
  for (const f of families) for (const m of f.members) streams.push(await openStream(f, m));
  const setupS = (now() - t0) / 1000;
  fs.writeFileSync(path.join(opt.dir, 'soak-ready'), `${streams.length}\n`);
  const runners = families.flatMap((f) => f.members.map((_, m) => member(f, m)));
  setTimeout(() => fs.writeFileSync(path.join(opt.dir, 'soak-minute'), '1\n'), 60000);
  await sleep(opt.seconds * 1000);
  stopping = true;
  await Promise.all(runners);
  await sleep(2000); // the last events
  fs.writeFileSync(path.join(opt.dir, 'soak-end'), '1\n');
  let missing = 0;
  for (const w of arrivals.values()) if (w.answered !== null) missing += Math.max(0, w.expect - w.got - w.early);
  for (const s of streams) s.destroy();
  agent.destroy();
  return {
    families: families.length,
    members: streams.length,
    setup_s: Math.round(setupS),
    seconds: opt.seconds,
    writes: writes.length,
    reads: reads.length,
    errors,
    stream_errors: streamErrors,
    write_ms: { p50: pct(writes, 50), p99: pct(writes, 99) },
    read_ms: { p50: pct(reads, 50), p99: pct(reads, 99) },
    fanout_ms: { p50: pct(fanout, 50), p95: pct(fanout, 95), events: fanout.length, missing },
  };
}

main()
  .then(
    (out) => {
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return 0;
    },
    (e) => {
      console.error(`soak: ${e.message}`);
      return 1;
    },
  )
  .then((code) => {
    clearTimeout(deadline);
    process.exit(code);
  });

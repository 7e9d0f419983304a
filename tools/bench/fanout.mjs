// fanout.mjs — stream fan-out figures for tools/bench.sh (node >= 18, built-in
// modules only). Opens N Server-Sent Event streams of one family (one TCP
// connection each, no keep-alive agent), then PUTs M entries one after the
// other and measures, for every (PUT, stream) pair, the delay from the PUT's
// response to the entry's event arriving on that stream. Each PUT waits at
// most --waitMs (2000) for every stream before the next one is sent; events
// arriving later are counted apart as late (with the largest such delay),
// events that never arrive as missing.
//
//   node tools/bench/fanout.mjs --streams 500 --puts 50 --dir DIR
//        [--waitMs 2000] [--gapMs 20] [--maxSeconds 240]
//   env: BENCH_BASE (http://127.0.0.1:PORT), BENCH_FID, BENCH_SID,
//        BENCH_COOKIE ("name=value"), BENCH_CSRF
//
// Handshake with the caller (so it can measure memory with every stream
// open): once all streams are open it creates DIR/fanout-ready and waits for
// DIR/fanout-go (at most 60 s) before the PUTs. Prints one JSON line of
// figures, closes every stream and exits; it ends by itself within
// --maxSeconds whatever happens.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const opt = { streams: 500, puts: 50, dir: null, maxSeconds: 240, gapMs: 20, waitMs: 2000 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, "");
  if (!(k in opt) || i + 1 >= argv.length) {
    console.error(`fanout: unknown or incomplete argument ${argv[i]}`);
    process.exit(2);
  }
  opt[k] = k === "dir" ? argv[++i] : Number(argv[++i]);
}
const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`fanout: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const base = new URL(env("BENCH_BASE"));
const fid = env("BENCH_FID");
const sid = env("BENCH_SID");
const cookie = env("BENCH_COOKIE");
const csrf = env("BENCH_CSRF");
if (!opt.dir) {
  console.error("fanout: --dir is required");
  process.exit(2);
}
const deadline = setTimeout(() => {
  console.error("fanout: out of time");
  process.exit(1);
}, opt.maxSeconds * 1000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

// ---- the streams ----
// arrivals: entry id -> array of arrival times, one slot per stream.
const arrivals = new Map();
const streams = [];

function openStream(index) {
  return new Promise((resolve, reject) => {
    const s = { index, req: null, buf: "", open: false };
    const req = http.get(
      {
        host: base.hostname,
        port: base.port,
        path: `/api/v1/families/${fid}/stream`,
        agent: false,
        headers: { Cookie: cookie, Accept: "text/event-stream" },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`stream ${index}: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          const t = now();
          s.buf += chunk;
          if (!s.open && s.buf.includes("retry:")) {
            s.open = true;
            resolve(s);
          }
          let cut;
          while ((cut = s.buf.indexOf("\n\n")) >= 0) {
            onEvent(s, s.buf.slice(0, cut), t);
            s.buf = s.buf.slice(cut + 2);
          }
        });
        res.on("error", () => {});
      },
    );
    req.on("error", reject);
    s.req = req;
    streams.push(s);
  });
}

function onEvent(s, text, t) {
  if (!text.includes("event: entry")) return;
  const data = text.split("\n").find((l) => l.startsWith("data: "));
  if (!data) return;
  let id;
  try {
    id = JSON.parse(data.slice(6)).entry.id;
  } catch {
    return;
  }
  const slots = arrivals.get(id);
  if (slots && slots[s.index] === undefined) {
    slots[s.index] = t;
    slots.count++;
  }
}

// Opens every stream, at most `parallel` handshakes at a time.
async function openAll(n, parallel) {
  let next = 0;
  const worker = async () => {
    while (next < n) await openStream(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
}

// ---- the writes ----
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function putEntry(id) {
  const ms = Date.now();
  const body = JSON.stringify({
    subject_id: sid,
    type: "diaper",
    ts: ms,
    value: { wet: true },
    updated_at: ms,
  });
  return new Promise((resolve, reject) => {
    const sent = now();
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: "PUT",
        path: `/api/v1/families/${fid}/entries/${id}`,
        agent,
        headers: {
          Cookie: cookie,
          "X-CSRF-Token": csrf,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 201
            ? resolve({ sent, answered: now() })
            : reject(new Error(`PUT: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}
const round = (v) => (v === null ? null : Math.round(v * 1000) / 1000);

async function waitForFile(file, ms) {
  for (let waited = 0; waited < ms; waited += 50) {
    if (fs.existsSync(file)) return true;
    await sleep(50);
  }
  return false;
}

async function main() {
  const t0 = now();
  await openAll(opt.streams, 50);
  const openMs = now() - t0;
  fs.writeFileSync(path.join(opt.dir, "fanout-ready"), `${streams.length}\n`);
  if (!(await waitForFile(path.join(opt.dir, "fanout-go"), 60000)))
    throw new Error("no go from the caller");
  await sleep(200); // let the last presence events drain

  const fromResponse = [];
  const fromSent = [];
  const puts = [];
  for (let k = 0; k < opt.puts; k++) {
    const id = crypto.randomUUID();
    const slots = new Array(streams.length);
    slots.count = 0;
    arrivals.set(id, slots);
    const { sent, answered } = await putEntry(id);
    puts.push({ slots, sent, answered });
    // Bounded wait for every stream to have it; one still missing then is
    // counted late (and kept: it may come with a later write).
    const until = now() + opt.waitMs;
    while (slots.count < streams.length && now() < until) await sleep(2);
    await sleep(opt.gapMs);
  }
  await sleep(1000); // the last write's stragglers
  let late = 0;
  let missing = 0;
  let lateMax = 0;
  for (const { slots, sent, answered } of puts) {
    for (let i = 0; i < streams.length; i++) {
      if (slots[i] === undefined) missing++;
      else if (slots[i] - answered > opt.waitMs) {
        late++;
        lateMax = Math.max(lateMax, slots[i] - answered);
      } else {
        fromResponse.push(slots[i] - answered);
        fromSent.push(slots[i] - sent);
      }
    }
  }
  fromResponse.sort((a, b) => a - b);
  fromSent.sort((a, b) => a - b);
  const out = {
    streams: streams.length,
    open_ms: round(openMs),
    puts: opt.puts,
    pairs: fromResponse.length,
    late,
    late_max_ms: round(lateMax),
    missing,
    after_response_ms: {
      p50: round(percentile(fromResponse, 50)),
      p95: round(percentile(fromResponse, 95)),
      max: round(fromResponse[fromResponse.length - 1] ?? null),
    },
    after_send_ms: {
      p50: round(percentile(fromSent, 50)),
      p95: round(percentile(fromSent, 95)),
      max: round(fromSent[fromSent.length - 1] ?? null),
    },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main()
  .then(() => 0, (e) => {
    console.error(`fanout: ${e.message}`);
    return 1;
  })
  .then((code) => {
    for (const s of streams) s.req?.destroy();
    agent.destroy();
    clearTimeout(deadline);
    process.exit(code);
  });

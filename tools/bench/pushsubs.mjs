// pushsubs.mjs — push bench set-up for tools/bench.sh (node >= 18, built-in
// modules only): makes N browser subscriptions at the fake push service
// (tests/pushsvc.mjs) and prints SQL that stores them for one account and
// queues one message for each, as the reminder pass would have (a
// reminder-sized payload). Inserting the outbox rows directly is a bench
// shortcut: queuing 10,000 messages through the API would take one
// POST /push/test per account.
//
//   node tools/bench/pushsubs.mjs --service http://127.0.0.1:PORT --count N --user USER_ID > subs.sql
import http from "node:http";

const opt = { service: null, count: 10000, user: null, parallel: 8 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, "");
  if (!(k in opt) || i + 1 >= argv.length) {
    console.error(`pushsubs: unknown or incomplete argument ${argv[i]}`);
    process.exit(2);
  }
  opt[k] = typeof opt[k] === "number" ? Number(argv[++i]) : argv[++i];
}
if (!opt.service || !opt.user || !/^[0-9a-f-]{36}$/.test(opt.user) || !(opt.count > 0)) {
  console.error("usage: pushsubs.mjs --service URL --count N --user USER_ID");
  process.exit(2);
}
const deadline = setTimeout(() => {
  console.error("pushsubs: out of time");
  process.exit(1);
}, 120000);

const service = new URL(opt.service);
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.parallel });

function subscribe(id) {
  const body = JSON.stringify({ id });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: service.hostname,
        port: service.port,
        method: "POST",
        path: "/subscriptions",
        agent,
        headers: { "Content-Type": "application/json", "Content-Length": body.length },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          res.statusCode === 201
            ? resolve(JSON.parse(text))
            : reject(new Error(`subscribe ${id}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

// What a feed-due reminder looks like (pushpass.c reminder_payload), so the
// encrypted body has the production size.
function payload(n) {
  return JSON.stringify({
    title: "Feed due — Noa",
    body: "Last feed 3 h 5 min ago (left side)",
    url: "/?family=00000000-0000-4000-8000-000000000001&subject=00000000-0000-4000-8000-000000000002",
    tag: "reminder-00000000",
    actions: [
      { action: "log-feed", title: "Log feed" },
      { action: "snooze", title: "Snooze 15 min" },
    ],
    data: {
      reminder_id: "00000000-0000-4000-8000-000000000003",
      family_id: "00000000-0000-4000-8000-000000000001",
      subject_id: "00000000-0000-4000-8000-000000000002",
      kind: "feed_due",
      snooze_token: `00000000-0000-4000-8000-000000000003.${Date.now() + 86400000}.${"ab".repeat(32)}`,
      due: Date.now() - n,
    },
  });
}

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function main() {
  const subs = new Array(opt.count);
  let next = 0;
  const worker = async () => {
    while (next < opt.count) {
      const i = next++;
      subs[i] = await subscribe(`b${i}`);
    }
  };
  await Promise.all(Array.from({ length: opt.parallel }, worker));
  const now = Date.now();
  const out = ["BEGIN;"];
  subs.forEach((s, i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    out.push(
      `INSERT INTO push_subscriptions (id, endpoint, p256dh, auth, user_id, device, created_at, ` +
        `updated_at) VALUES (${q(id)}, ${q(s.endpoint)}, ${q(s.keys.p256dh)}, ${q(s.keys.auth)}, ` +
        `${q(opt.user)}, 'bench', ${now}, ${now});`,
      `INSERT INTO push_messages (subscription_id, dedupe, payload, topic, urgency, ttl, ` +
        `next_attempt_at, created_at) VALUES (${q(id)}, 'bench', ${q(payload(i))}, NULL, 'high', ` +
        `3600, ${now}, ${now});`,
    );
  });
  out.push("COMMIT;");
  process.stdout.write(`${out.join("\n")}\n`);
}

main().then(
  () => {
    agent.destroy();
    clearTimeout(deadline);
  },
  (e) => {
    console.error(`pushsubs: ${e.message}`);
    process.exit(1);
  },
);

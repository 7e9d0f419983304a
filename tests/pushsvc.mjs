// pushsvc.mjs — a fake Web Push service for the tests and the push bench,
// playing both the push service and the browsers behind it. Node >= 18,
// built-in modules only.
//
//   node tests/pushsvc.mjs [--max-seconds N] [--tls CERT KEY] [--check full|none]
//
// Listens on 127.0.0.1 on a free port and prints the port as the first line
// on stdout. Exits when stdin closes, or after --max-seconds (default 120).
// With --tls it serves HTTPS with HTTP/2 (and HTTP/1.1) using that
// certificate; otherwise plain HTTP/1.1.
//
//   POST /subscriptions {"id": "a", "script": [{"status": 429,
//        "retryAfter": "2", "times": 1}, {"status": 201}]}
//     Makes a subscription as a browser would (a fresh P-256 key pair and
//     auth secret, kept here) and answers like PushSubscription.toJSON():
//     {"endpoint", "keys": {"p256dh", "auth"}}. The script says how to
//     answer its pushes: each step `times` times (the last step forever).
//   POST /push/<id>
//     A push message. Checked like a strict push service would, and then
//     some: Content-Encoding aes128gcm, TTL, the VAPID Authorization (ES256
//     signature against k, aud = this origin, exp within 24 h, sub), and the
//     body is decrypted with the subscription's private key (RFC 8291).
//     Failed checks answer 400 (format, decryption) or 403 (VAPID); an
//     unknown id 404; a body over 4096 bytes 413; otherwise the script.
//   GET /log[?summary=1]
//     {"connections": <TCP connections accepted>, "requests": [{"sub", "t"
//     (ms since start), "wall" (epoch ms), "conn", "http", "status", "checks", "ttl",
//     "urgency", "topic", "payload", "error"}]}; summary=1 leaves out
//     the requests and counts statuses instead.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';

const args = process.argv.slice(2);
const opt = { maxSeconds: 120, tls: null, check: 'full' };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max-seconds') opt.maxSeconds = Number(args[++i]);
  else if (args[i] === '--tls') opt.tls = { cert: args[++i], key: args[++i] };
  else if (args[i] === '--check') opt.check = args[++i];
  else {
    console.error(`pushsvc: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
if (!(opt.maxSeconds > 0 && opt.maxSeconds <= 3600) || !['full', 'none'].includes(opt.check)) {
  console.error('pushsvc: --max-seconds 1..3600, --check full|none');
  process.exit(2);
}

const started = performance.now();
const subs = new Map(); // id -> { ecdh, pub, auth, script, step, used }
const log = [];
const statusCounts = {};
let connections = 0;
let origin = '';

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const fromB64u = (s) => Buffer.from(s, 'base64url');

function readBody(req, limit) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let over = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), over }));
    req.on('error', () => resolve({ body: Buffer.alloc(0), over: true }));
  });
}

function reply(res, status, obj, headers = {}) {
  const body = obj === undefined ? '' : JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

// RFC 8292: "vapid t=<jwt>, k=<key>", an ES256 JWT for our origin.
function checkVapid(value) {
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), ?k=([A-Za-z0-9_-]+)$/.exec(value || '');
  if (!m) return "authorization is not 'vapid t=..., k=...'";
  const [h, c, s] = m[1].split('.');
  const k = fromB64u(m[2]);
  if (k.length !== 65 || k[0] !== 4) return 'k is not an uncompressed P-256 point';
  let header, claims, key;
  try {
    header = JSON.parse(fromB64u(h).toString('utf8'));
    claims = JSON.parse(fromB64u(c).toString('utf8'));
    key = crypto.createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: b64u(k.subarray(1, 33)), y: b64u(k.subarray(33)) },
      format: 'jwk',
    });
  } catch (e) {
    return `jwt or key unreadable: ${e.message}`;
  }
  if (header.alg !== 'ES256' || header.typ !== 'JWT') return 'jwt header is not ES256 JWT';
  const sig = fromB64u(s);
  if (sig.length !== 64) return 'signature is not 64 bytes (r||s)';
  const good = crypto.verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, sig);
  if (!good) return 'jwt signature does not verify';
  if (claims.aud !== origin) return `aud ${claims.aud} is not ${origin}`;
  const now = Date.now() / 1000;
  if (!Number.isInteger(claims.exp) || claims.exp <= now || claims.exp > now + 86400) return 'exp not within 24 h';
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'sub is not mailto: or https:';
  return null;
}

// RFC 8291 / RFC 8188, the browser's side.
function decrypt(sub, body) {
  if (body.length < 21) throw new Error('body shorter than the header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (rs < 18 || idlen !== 65 || body.length < 21 + idlen + 17) throw new Error('bad header');
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error('more than one record');
  const secret = sub.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), sub.pub, asPublic]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', secret, sub.auth, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([d.update(record.subarray(0, record.length - 16)), d.final()]);
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  if (end === 0 || padded[end - 1] !== 2) throw new Error('no 0x02 padding delimiter');
  return padded.subarray(0, end - 1).toString('utf8');
}

function scripted(sub) {
  const step = sub.script[Math.min(sub.step, sub.script.length - 1)];
  sub.used++;
  if (sub.step < sub.script.length - 1 && sub.used >= (step.times ?? 1)) {
    sub.step++;
    sub.used = 0;
  }
  return step;
}

async function onPush(req, res, id) {
  const { body, over } = await readBody(req, 4096);
  const sub = subs.get(id);
  const entry = {
    sub: id,
    t: Math.round((performance.now() - started) * 1000) / 1000,
    wall: Date.now(),
    conn: req.socket?.connId ?? -1,
    http: req.httpVersion,
    status: 0,
    checks: {},
    ttl: req.headers.ttl ?? null,
    urgency: req.headers.urgency ?? null,
    topic: req.headers.topic ?? null,
    payload: null,
    error: null,
  };
  const fail = (status, error) => {
    // The first failure decides the answer; later checks are still recorded.
    if (entry.status === 0) entry.status = status;
    entry.error ??= error;
  };
  if (!sub) fail(404, 'no such subscription');
  else if (over) fail(413, 'body over 4096 bytes');
  const ch = entry.checks;
  ch.encoding = req.headers['content-encoding'] === 'aes128gcm';
  ch.type = req.headers['content-type'] === 'application/octet-stream';
  ch.ttl = /^[0-9]+$/.test(req.headers.ttl ?? '');
  if (!ch.encoding || !ch.type || !ch.ttl) fail(400, 'content-encoding, content-type or ttl');
  if (opt.check === 'full' && sub && !over) {
    const vapidError = checkVapid(req.headers.authorization);
    ch.vapid = vapidError === null;
    if (vapidError) fail(403, vapidError);
    try {
      entry.payload = decrypt(sub, body);
      ch.decrypt = true;
    } catch (e) {
      ch.decrypt = false;
      fail(400, `decryption: ${e.message}`);
    }
  }
  const headers = {};
  if (entry.status === 0) {
    const step = scripted(sub);
    entry.status = step.status;
    if (step.retryAfter !== undefined) headers['Retry-After'] = String(step.retryAfter);
  }
  if (entry.status === 201) headers.Location = `${origin}/message/${log.length}`;
  log.push(entry);
  statusCounts[entry.status] = (statusCounts[entry.status] ?? 0) + 1;
  res.writeHead(entry.status, headers);
  res.end();
}

async function onSubscribe(req, res) {
  const { body, over } = await readBody(req, 65536);
  let spec;
  try {
    spec = JSON.parse(body.toString('utf8'));
  } catch {
    return reply(res, 400, { error: 'bad JSON' });
  }
  const script = spec.script ?? [{ status: 201 }];
  if (
    over ||
    typeof spec.id !== 'string' ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(spec.id) ||
    !Array.isArray(script) ||
    script.length === 0 ||
    !script.every((s) => Number.isInteger(s.status) && s.status >= 200 && s.status <= 599)
  )
    return reply(res, 400, { error: 'need id and script [{status, retryAfter?, times?}]' });
  if (subs.has(spec.id)) return reply(res, 409, { error: 'id taken' });
  const ecdh = crypto.createECDH('prime256v1');
  const pub = ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  subs.set(spec.id, { ecdh, pub, auth, script, step: 0, used: 0 });
  reply(res, 201, {
    endpoint: `${origin}/push/${spec.id}`,
    keys: { p256dh: b64u(pub), auth: b64u(auth) },
  });
}

function handle(req, res) {
  const url = new URL(req.url, origin);
  const push = /^\/push\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'POST' && push) return onPush(req, res, push[1]);
  if (req.method === 'POST' && url.pathname === '/subscriptions') return onSubscribe(req, res);
  if (req.method === 'GET' && url.pathname === '/log') {
    if (url.searchParams.get('summary'))
      return reply(res, 200, { connections, count: log.length, statuses: statusCounts });
    return reply(res, 200, { connections, requests: log });
  }
  reply(res, 404, { error: 'not found' });
}

const server = opt.tls
  ? http2.createSecureServer(
      {
        cert: fs.readFileSync(opt.tls.cert),
        key: fs.readFileSync(opt.tls.key),
        allowHTTP1: true,
      },
      handle,
    )
  : http.createServer({ keepAliveTimeout: 30000 }, handle);
if (!opt.tls) server.keepAliveTimeout = 30000; // like a push service: keep connections
// TCP connections (TLS ones counted once the handshake is done), so tests
// can see that the sender reuses them.
server.on(opt.tls ? 'secureConnection' : 'connection', (socket) => {
  socket.connId = connections++;
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  origin = `${opt.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  process.stdout.write(`${port}\n`);
});

// Bounded life: stdin closing (the test ended) or the deadline.
const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setTimeout(stop, opt.maxSeconds * 1000);

// burst.mjs — sends many entry PUTs at once, as phones syncing together
// would, and prints one line per request: "ID KIND STATUS ANSWERED_ID SEEN",
// SEEN telling whether a read right after a 2xx answer found the entry.
//   node tests/tools/burst.mjs BASE FID SID COOKIE CSRF CONCURRENCY < PLAN
// PLAN lines are "ID KIND": KIND good (a note), replay (the same note; its id
// appears twice) or bad (an invalid feed). Bounded: each request times out.
import { createInterface } from 'node:readline';

const [base, fid, sid, cookie, csrf, conc = '32'] = process.argv.slice(2);
const now = Date.now();
const lines = [];
for await (const line of createInterface({ input: process.stdin }))
  if (line.trim()) lines.push(line.trim().split(/\s+/));

function body(id, kind) {
  if (kind === 'bad') return { subject_id: sid, type: 'feed', ts: now, updated_at: now, value: { method: 'teleport' } };
  return { subject_id: sid, type: 'note', ts: now, updated_at: now, value: { text: `n ${id}` } };
}

async function one([id, kind]) {
  try {
    const res = await fetch(`${base}/api/v1/families/${fid}/entries/${id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: JSON.stringify(body(id, kind)),
      signal: AbortSignal.timeout(30000),
    });
    const data = await res.json().catch(() => ({}));
    // Read it back at once over another request: an answer may only come
    // once the write is committed, so it must be there to see.
    let seen = '-';
    if (res.status === 201 || res.status === 200) {
      const back = await fetch(`${base}/api/v1/families/${fid}/changes?since=${data.seq - 1}&limit=1`, {
        headers: { Cookie: cookie },
        signal: AbortSignal.timeout(30000),
      });
      const page = await back.json().catch(() => ({}));
      seen = page.changes?.[0]?.id === id ? 'seen' : 'unseen';
    }
    return `${id} ${kind} ${res.status} ${data.id || data.error?.code || '-'} ${seen}`;
  } catch {
    return `${id} ${kind} 0 - -`;
  }
}

const out = [];
let next = 0;
async function worker() {
  while (next < lines.length) out.push(await one(lines[next++]));
}
await Promise.all(Array.from({ length: Number(conc) }, worker));
process.stdout.write(`${out.join('\n')}\n`);

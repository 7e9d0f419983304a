#!/usr/bin/env node
// summary-js.mjs — the app's figures (www/js/summary.js) for a list of
// queries, as JSON, so a shell test can put them beside the server's.
// Reads a job on stdin:
//   {timezone, subject_id, subjects, entries: [...], queries: [
//     {summary: "YYYY-MM-DD", now}, {trends: 7, end: "YYYY-MM-DD", now}, ...]}
// and prints one answer per query, in order, shaped as GET /summary and
// GET /trends answer (each computed at that answer's own `now`); subject_id
// "all" with subjects (the people's ids in the server's order) for the
// figures of everyone.
import { daySummary, trendsReport } from '../../www/js/summary.js';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const opts = (q) => ({ subjectId: job.subject_id, subjects: job.subjects || [], now: q.now });
const out = job.queries.map((q) =>
  q.summary
    ? daySummary(job.entries, q.summary, job.timezone, opts(q))
    : trendsReport(job.entries, q.trends, q.end, job.timezone, opts(q)),
);
process.stdout.write(`${JSON.stringify(out)}\n`);

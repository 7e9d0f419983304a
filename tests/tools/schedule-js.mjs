#!/usr/bin/env node
// schedule-js.mjs — the app's day schedules (www/js/meds.js) for a list of
// days, as JSON, so a shell test can put them beside the server's. Reads a
// job on stdin: {timezone, subject_id, now, medications: [...], entries:
// [...], days: ["YYYY-MM-DD", ...]} and prints one schedule per day, shaped
// as GET /medications/schedule answers, and the supply left of each
// medication ({id: left}).
import { daySchedule, supplyLeft } from '../../www/js/schedule.js';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const schedules = job.days.map((d) =>
  daySchedule(job.medications, job.entries, d, job.timezone, job.now, job.subject_id),
);
const supply = Object.fromEntries(job.medications.map((m) => [m.id, supplyLeft(m, job.entries)]));
process.stdout.write(`${JSON.stringify({ schedules, supply })}\n`);

#!/usr/bin/env node
// who-json.mjs — turns the WHO child growth standard tables
// (../shared/data/who/*.csv, by age in days) into the compact
// www/data/who.json the growth chart loads: the 3rd, 15th, 50th, 85th and
// 97th percentiles, weekly for the first 13 weeks, then every 14 days up to
// five years. Run: node tools/who-json.mjs [WHO_DIR] (output is committed).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2] || join(root, '..', 'shared', 'data', 'who');
const PCTS = ['P3', 'P15', 'P50', 'P85', 'P97'];

function wantDay(day) {
  return day <= 91 ? day % 7 === 0 : day % 14 === 0;
}

function table(file, digits) {
  const [head, ...rows] = readFileSync(join(dir, file), 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  const out = { days: [] };
  for (const p of PCTS) out[p.toLowerCase()] = [];
  let last = null;
  for (const line of rows) {
    const cells = line.split(',');
    const day = Number(cells[0]);
    last = cells;
    if (!wantDay(day)) continue;
    out.days.push(day);
    for (const p of PCTS) out[p.toLowerCase()].push(Number(Number(cells[cols.indexOf(p)]).toFixed(digits)));
  }
  if (last && out.days[out.days.length - 1] !== Number(last[0])) {
    out.days.push(Number(last[0]));
    for (const p of PCTS) out[p.toLowerCase()].push(Number(Number(last[cols.indexOf(p)]).toFixed(digits)));
  }
  return out;
}

const who = {
  source: 'WHO Child Growth Standards (length/height-for-age, weight-for-age), percentiles by age in days',
  weight_kg: { male: table('weight_percentile_boys.csv', 3), female: table('weight_percentile_girls.csv', 3) },
  length_cm: { male: table('height_percentile_boys.csv', 1), female: table('height_percentile_girls.csv', 1) },
};
writeFileSync(join(root, 'www', 'data', 'who.json'), `${JSON.stringify(who)}\n`);
console.log(`who.json: ${who.weight_kg.male.days.length} ages per curve`);

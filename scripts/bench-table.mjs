#!/usr/bin/env node
/**
 * The README's benchmark table from `npm run bench` output: `npm run bench > run1.jsonl; …; node
 * scripts/bench-table.mjs run1.jsonl [run2.jsonl …]` (or one run on standard input) prints a Markdown table, one row
 * per figure, so the README shows what runs printed rather than numbers typed by hand. With several runs the table
 * gives each figure's range and in how many runs it met its target (the project machine's figures vary from run
 * to run). Non-JSON lines (npm's own) are skipped.
 */
import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : [0];
const si = (v) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : String(v));

/** name → the figure of each run, in first-seen order. */
const byName = new Map();
for (const file of files) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let f;
    try {
      f = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof f.name !== 'string') continue;
    if (!byName.has(f.name)) byName.set(f.name, []);
    byName.get(f.name).push(f);
  }
}

const runs = files.length;
const rows = runs > 1
  ? [`| figure | measured (${runs} runs) | target | met |`, '|---|---|---|---|']
  : ['| figure | measured | target | met |', '|---|---|---|---|'];
for (const [name, fs] of byName) {
  const last = fs[fs.length - 1];
  const values = fs.map((f) => f.value).filter((v) => v !== null);
  let value;
  if (values.length === 0) value = `— (${last.note ?? 'not measured'})`;
  else if (values.length === 1) value = `${si(values[0])} ${last.unit}`;
  else value = `${si(Math.min(...values))} – ${si(Math.max(...values))} ${last.unit}`;
  const target = last.target === null ? '—' : `${last.cmp} ${si(last.target)}`;
  const mets = fs.map((f) => f.met).filter((m) => m !== null);
  const yes = mets.filter((m) => m).length;
  const met = mets.length === 0 ? '—' : yes === mets.length ? 'yes' : yes === 0 ? 'no' : `${yes} of ${mets.length} runs`;
  rows.push(`| \`${name}\` | ${value} | ${target} | ${met} |`);
}
process.stdout.write(rows.join('\n') + '\n');

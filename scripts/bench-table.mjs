#!/usr/bin/env node
/**
 * The README's benchmark table from `npm run bench` output: `npm run bench > bench.jsonl; node
 * scripts/bench-table.mjs bench.jsonl` (or on standard input) prints a Markdown table, one row per figure, so the
 * README shows what a run printed rather than numbers typed by hand. Non-JSON lines (npm's own) are skipped.
 */
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const si = (v) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : String(v));
const rows = ['| figure | measured | target | met |', '|---|---|---|---|'];
for (const line of text.split('\n')) {
  if (!line.startsWith('{')) continue;
  let f;
  try {
    f = JSON.parse(line);
  } catch {
    continue;
  }
  if (typeof f.name !== 'string') continue;
  const value = f.value === null ? `— (${f.note ?? 'not measured'})` : `${si(f.value)} ${f.unit}`;
  const target = f.target === null ? '—' : `${f.cmp} ${si(f.target)}`;
  const met = f.met === null ? '—' : f.met ? 'yes' : 'no';
  rows.push(`| \`${f.name}\` | ${value} | ${target} | ${met} |`);
}
process.stdout.write(rows.join('\n') + '\n');

import type { E820Change, StrategyColumn, StrategyComparison } from './compare.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A byte count the way people read it: 0, 8K, 60M, 1G, 64M + 8K, 4M - 8K (exact hex in the JSON). */
export function humanSize(hexValue: string | null): string {
  if (hexValue === null) return '-';
  const n = parseInt(hexValue, 16);
  if (n === 0) return '0';
  if (n % MiB === 0) return n >= 1024 * MiB && n % (1024 * MiB) === 0 ? `${n / (1024 * MiB)}G` : `${n / MiB}M`;
  // 65544K reads better as what it is: the DSM plus a page-rounded OpRegion.
  if (n % KiB === 0) {
    if (n < MiB) return `${n / KiB}K`;
    const rest = n % MiB;
    return rest <= MiB / 2 ? `${(n - rest) / MiB}M + ${rest / KiB}K` : `${(n - rest) / MiB + 1}M - ${(MiB - rest) / KiB}K`;
  }
  return String(n);
}

function e820Lines(changes: readonly E820Change[]): string[] {
  if (changes.length === 0) return ['(none)'];
  return changes.map((c) => `${c.start}-${c.end} ${c.from ?? '-'}→${c.to ?? '-'}`);
}

const count = (n: number | null): string => (n === null ? '-' : String(n));

/**
 * The rows of the table: a label and one short cell per strategy. Long values (e820 ranges, hazard ids, panic
 * messages) are counted here and spelled out under the table, so eight strategies fit a laptop terminal.
 */
function rows(cols: readonly StrategyColumn[]): [string, string[]][] {
  const cell = (f: (c: StrategyColumn) => string): string[] => cols.map(f);
  return [
    ['BDSM (guest)', cell((c) => c.guestBdsm ?? '-')],
    ['ASLS (guest)', cell((c) => c.guestAsls ?? '-')],
    ['stolen (GMCH)', cell((c) => humanSize(c.stolenSize))],
    ['igd-bdsm-size', cell((c) => humanSize(c.bdsmSizeFile))],
    ['RAM consumed', cell((c) => humanSize(c.ramConsumed))],
    ['PCI consumed', cell((c) => humanSize(c.pciConsumed))],
    ['align waste', cell((c) => humanSize(c.alignmentWaste))],
    ['unused', cell((c) => humanSize(c.unused))],
    ['e820 changes', cell((c) => String(c.e820Changes.length))],
    ['IOMMU faults', cell((c) => count(c.faults))],
    ['corruption', cell((c) => count(c.corruption))],
    ['hazards', cell((c) => String(c.hazards.length))],
    ['panic', cell((c) => (c.panic === null ? '-' : 'yes'))],
  ];
}

/** Default width of the text table: columns past it continue in a second block below. */
export const COMPARE_TEXT_WIDTH = 100;

/** Splits column indexes into blocks whose lines stay within `width` (each block keeps at least one column). */
function blocks(labelW: number, widths: readonly number[], width: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let used = labelW;
  widths.forEach((w, i) => {
    if (cur.length > 0 && used + 2 + w > width) {
      out.push(cur);
      cur = [];
      used = labelW;
    }
    cur.push(i);
    used += 2 + w;
  });
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Word-wraps one list line at `width`, continuing under its text with a deeper indent. */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const out: string[] = [];
  let cur = '';
  for (const word of line.trimStart().split(' ')) {
    if (cur !== '' && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = `${indent}    ${word}`;
    } else cur = cur === '' ? `${indent}${word}` : `${cur} ${word}`;
  }
  out.push(cur);
  return out;
}

/**
 * The comparison as a text table, one column per strategy (in blocks of at most `width` characters), then per
 * strategy the e820 ranges whose type changed, the hazards with their one-line reasons, and any panic.
 */
export function renderComparison(cmp: StrategyComparison, opts: { width?: number } = {}): string {
  const table = rows(cmp.columns);
  const labelW = Math.max(...table.map(([l]) => l.length));
  const widths = cmp.columns.map((c, i) => Math.max(c.strategy.length, ...table.map(([, cells]) => cells[i]!.length)));
  const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - s.length));
  const width = opts.width ?? COMPARE_TEXT_WIDTH;
  const out: string[] = [];
  out.push(`IGD strategies for ${cmp.config}${cmp.generation === null ? '' : ` (gen ${cmp.generation})`}; changes against '${cmp.baseline}'`);
  blocks(labelW, widths, width).forEach((idx, b) => {
    const line = (label: string, cells: readonly string[]): string => [pad(label, labelW), ...idx.map((i) => pad(cells[i]!, widths[i]!))].join('  ').trimEnd();
    if (b > 0) out.push('');
    out.push(line('', cmp.columns.map((c) => c.strategy)));
    out.push(line('', widths.map((w) => '-'.repeat(w))));
    for (const [label, cells] of table) out.push(line(label, cells));
  });
  const section = (title: string, items: string[]): void => {
    if (items.length > 0) out.push('', `${title}:`, ...items.flatMap((l) => wrap(l, width)));
  };
  section('e820 changes', cmp.columns.flatMap((c) => e820Lines(c.e820Changes).filter((l) => l !== '(none)').map((l) => `  ${c.strategy}: ${l}`)));
  section('hazards', cmp.columns.flatMap((c) => c.hazards.map((h) => `  ${c.strategy}: ${h.id}: ${h.message}`)));
  section('panics', cmp.columns.flatMap((c) => (c.panic === null ? [] : [`  ${c.strategy}: ${c.panic}`])));
  return out.join('\n') + '\n';
}

/** The comparison as JSON (one document, stable key order). */
export function comparisonJson(cmp: StrategyComparison): string {
  return JSON.stringify(cmp, null, 2) + '\n';
}

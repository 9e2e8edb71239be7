import type { E820Change, StrategyColumn, StrategyComparison } from './compare.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A byte count the way people read it: 0, 8K, 60M, 1.5G (exact hex in the JSON). */
export function humanSize(hexValue: string | null): string {
  if (hexValue === null) return '-';
  const n = parseInt(hexValue, 16);
  if (n === 0) return '0';
  if (n % MiB === 0) return n >= 1024 * MiB && n % (1024 * MiB) === 0 ? `${n / (1024 * MiB)}G` : `${n / MiB}M`;
  if (n % KiB === 0) return `${n / KiB}K`;
  return String(n);
}

function e820Lines(changes: readonly E820Change[]): string[] {
  if (changes.length === 0) return ['(none)'];
  return changes.map((c) => `${c.start}-${c.end} ${c.from ?? '-'}→${c.to ?? '-'}`);
}

const count = (n: number | null): string => (n === null ? '-' : String(n));

/** The rows of the table: a label and one cell (possibly several lines) per strategy. */
function rows(cols: readonly StrategyColumn[]): [string, string[][]][] {
  const cell = (f: (c: StrategyColumn) => string | string[]): string[][] => cols.map((c) => {
    const v = f(c);
    return Array.isArray(v) ? v : [v];
  });
  return [
    ['BDSM (guest)', cell((c) => c.guestBdsm ?? '-')],
    ['ASLS (guest)', cell((c) => c.guestAsls ?? '-')],
    ['stolen (GMCH)', cell((c) => humanSize(c.stolenSize))],
    ['igd-bdsm-size', cell((c) => humanSize(c.bdsmSizeFile))],
    ['RAM consumed', cell((c) => humanSize(c.ramConsumed))],
    ['PCI consumed', cell((c) => humanSize(c.pciConsumed))],
    ['align waste', cell((c) => humanSize(c.alignmentWaste))],
    ['unused', cell((c) => humanSize(c.unused))],
    ['e820 changes', cell((c) => e820Lines(c.e820Changes))],
    ['IOMMU faults', cell((c) => count(c.faults))],
    ['corruption', cell((c) => count(c.corruption))],
    ['hazards', cell((c) => (c.hazards.length === 0 ? ['(none)'] : c.hazards.map((h) => h.id)))],
    ['panic', cell((c) => c.panic ?? '-')],
  ];
}

/**
 * The comparison as a text table, one column per strategy, then each strategy's hazards with their
 * one-line reasons.
 */
export function renderComparison(cmp: StrategyComparison): string {
  const table = rows(cmp.columns);
  const labelW = Math.max(...table.map(([l]) => l.length));
  const widths = cmp.columns.map((c, i) => Math.max(c.strategy.length, ...table.flatMap(([, cells]) => cells[i]!.map((s) => s.length))));
  const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - s.length));
  const line = (label: string, cells: string[]): string => [pad(label, labelW), ...cells.map((s, i) => pad(s, widths[i]!))].join('  ').trimEnd();
  const out: string[] = [];
  out.push(`IGD strategies for ${cmp.config}${cmp.generation === null ? '' : ` (gen ${cmp.generation})`}; changes against '${cmp.baseline}'`);
  out.push(line('', cmp.columns.map((c) => c.strategy)));
  out.push(line('', widths.map((w) => '-'.repeat(w))));
  for (const [label, cells] of table) {
    const h = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < h; k++) out.push(line(k === 0 ? label : '', cells.map((c) => c[k] ?? '')));
  }
  const withHazards = cmp.columns.filter((c) => c.hazards.length > 0);
  if (withHazards.length > 0) {
    out.push('', 'hazards:');
    for (const c of withHazards) for (const h of c.hazards) out.push(`  ${c.strategy}: ${h.id}: ${h.message}`);
  }
  return out.join('\n') + '\n';
}

/** The comparison as JSON (one document, stable key order). */
export function comparisonJson(cmp: StrategyComparison): string {
  return JSON.stringify(cmp, null, 2) + '\n';
}

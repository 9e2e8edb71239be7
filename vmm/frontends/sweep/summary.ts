import type { SweepRow } from './row.js';

/** Per strategy: how the machines fared. clean + faulted + failed = runs; hazards and corrupted overlap them. */
export interface StrategySummary {
  strategy: string;
  runs: number;
  /** Booted with no IOMMU fault and no DMA corruption. */
  clean: number;
  /** Booted, with at least one fault or corruption. */
  faulted: number;
  /** Of those, runs with DMA corruption. */
  corrupted: number;
  /** Runs whose report.igd.hazards is non-empty. */
  hazards: number;
  /** Firmware panic or boot error. */
  failed: number;
}

/** Label for runs of machines without an IGD (strategies do not apply to them). */
export const NO_IGD = '(no IGD)';

/** Accumulates rows as they stream in; strategies keep their first-seen order. */
export class SweepSummary {
  private readonly by = new Map<string, StrategySummary>();

  add(rows: readonly SweepRow[]): void {
    for (const r of rows) {
      const key = (r.strategy ?? NO_IGD) + (r.firmware !== undefined ? `@${r.firmware}` : '');
      let s = this.by.get(key);
      if (s === undefined) {
        s = { strategy: key, runs: 0, clean: 0, faulted: 0, corrupted: 0, hazards: 0, failed: 0 };
        this.by.set(key, s);
      }
      s.runs++;
      s[r.status]++;
      if (r.status !== 'failed' && r.corruption > 0) s.corrupted++;
      if (r.hazards.length > 0) s.hazards++;
    }
  }

  rows(): StrategySummary[] {
    return [...this.by.values()].map((s) => ({ ...s }));
  }

  total(): StrategySummary {
    const t: StrategySummary = { strategy: 'total', runs: 0, clean: 0, faulted: 0, corrupted: 0, hazards: 0, failed: 0 };
    for (const s of this.by.values()) {
      t.runs += s.runs;
      t.clean += s.clean;
      t.faulted += s.faulted;
      t.corrupted += s.corrupted;
      t.hazards += s.hazards;
      t.failed += s.failed;
    }
    return t;
  }
}

export function summarize(rows: readonly SweepRow[]): StrategySummary[] {
  const s = new SweepSummary();
  s.add(rows);
  return s.rows();
}

const COLUMNS: readonly (keyof StrategySummary)[] = ['strategy', 'runs', 'clean', 'faulted', 'corrupted', 'hazards', 'failed'];

/** A fixed-width text table, one line per strategy, plus a total line when there are several. */
export function renderSummaryTable(summary: SweepSummary): string {
  const body = summary.rows();
  if (body.length > 1) body.push(summary.total());
  const cells = [COLUMNS.map(String), ...body.map((s) => COLUMNS.map((c) => String(s[c])))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  '))
    .join('\n');
}

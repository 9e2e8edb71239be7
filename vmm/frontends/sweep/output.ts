import type { SweepRow } from './row.js';

/** CSV columns, in order (RFC 4180 quoting; hazards joined with ';'). */
export const CSV_COLUMNS = [
  'index', 'config', 'name', 'strategy', 'vbios', 'status', 'panic', 'error',
  'faults', 'corruption', 'hazards', 'guestBdsm', 'guestAsls',
] as const satisfies readonly (keyof SweepRow)[];

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\n';
}

export function rowToCsv(r: SweepRow): string {
  return CSV_COLUMNS.map((c) => csvCell(c === 'hazards' ? r.hazards.join(';') : r[c])).join(',') + '\n';
}

/** One JSON object per line (JSON Lines), keys in SweepRow order. */
export function rowToJsonLine(r: SweepRow): string {
  return JSON.stringify(r) + '\n';
}

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

/** The header; `firmware` adds a column after vbios when the sweep varies firmware (`--firmware`). */
export function csvHeader(firmware = false): string {
  return columns(firmware).join(',') + '\n';
}

export function rowToCsv(r: SweepRow, firmware = false): string {
  return columns(firmware).map((c) => csvCell(c === 'hazards' ? r.hazards.join(';') : c === 'firmware' ? (r.firmware ?? null) : r[c])).join(',') + '\n';
}

function columns(firmware: boolean): readonly (typeof CSV_COLUMNS[number] | 'firmware')[] {
  if (!firmware) return CSV_COLUMNS;
  const at = CSV_COLUMNS.indexOf('vbios') + 1;
  return [...CSV_COLUMNS.slice(0, at), 'firmware', ...CSV_COLUMNS.slice(at)];
}

/** One JSON object per line (JSON Lines), keys in SweepRow order. */
export function rowToJsonLine(r: SweepRow): string {
  return JSON.stringify(r) + '\n';
}

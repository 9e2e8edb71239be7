/**
 * Vitest matchers for users' own suites: assert that a boot's devices made no bad DMA.
 *
 *   import { expect } from 'vitest';
 *   import { iommuMatchers } from 'vfio-sim/matchers';
 *   expect.extend(iommuMatchers);
 *   expect(report).toHaveNoIommuFaults();
 *
 * They accept a boot report (`boot --json` output or bootSpec().report), a BootResult ({ report }), or
 * the report's `iommu` section. A report without an `iommu` section saw no device DMA: it passes.
 * Failures quote the first DMAR lines as Linux prints them, and the corrupted ranges.
 */
import type { MatcherState, SyncExpectationResult } from '@vitest/expect';
// Loads vitest's types so the Matchers augmentation below has a module to augment in builds without tests.
import type {} from 'vitest';

/** The fields of the report's `iommu` section the matchers read. */
export interface IommuSectionLike {
  readonly faults?: readonly { readonly dmar?: string; readonly source?: string; readonly address?: string; readonly reason?: number }[];
  readonly faultCount?: number;
  readonly corruption?: readonly { readonly source: string; readonly start: string; readonly end: string; readonly access?: string }[];
}

/** How many DMAR lines a failure message quotes. */
export const QUOTED_LINES = 5;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The iommu section of whatever was passed; null = no DMA happened; undefined = not a report at all. */
export function iommuSectionOf(received: unknown): IommuSectionLike | null | undefined {
  if (!isObj(received)) return undefined;
  if (isObj(received['report'])) return iommuSectionOf(received['report']);
  if ('faults' in received || 'corruption' in received) return received as IommuSectionLike;
  if (isObj(received['iommu'])) return received['iommu'] as IommuSectionLike;
  if ('pci' in received || 'machine' in received) return null; // a boot report whose devices never DMA'd
  return undefined;
}

function notAReport(name: string, received: unknown): SyncExpectationResult {
  return { pass: false, message: () => `${name}: expected a boot report, a BootResult or its iommu section, got ${typeof received === 'object' ? JSON.stringify(received)?.slice(0, 80) : String(received)}` };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function toHaveNoIommuFaults(this: MatcherState | void, received: unknown): SyncExpectationResult {
  const s = iommuSectionOf(received);
  if (s === undefined) return notAReport('toHaveNoIommuFaults', received);
  const faults = s?.faults ?? [];
  const count = s?.faultCount ?? faults.length;
  const lines = faults.slice(0, QUOTED_LINES).map((f) => `  ${f.dmar ?? `${f.source ?? '?'} ${f.address ?? '?'} reason ${f.reason ?? '?'}`}`);
  const more = count > lines.length ? [`  ... and ${count - lines.length} more`] : [];
  return {
    pass: count === 0,
    message: () =>
      count === 0
        ? 'expected IOMMU faults, but the IOMMU recorded none'
        : [`expected no IOMMU faults, but the IOMMU recorded ${plural(count, 'fault')}:`, ...lines, ...more].join('\n'),
  };
}

export function toHaveNoDmaCorruption(this: MatcherState | void, received: unknown): SyncExpectationResult {
  const s = iommuSectionOf(received);
  if (s === undefined) return notAReport('toHaveNoDmaCorruption', received);
  const list = s?.corruption ?? [];
  const lines = list.slice(0, QUOTED_LINES).map((c) => `  ${c.source} ${c.access === 'write' ? 'wrote' : c.access === 'read' ? 'read' : 'reached'} guest RAM [${c.start}, ${c.end}) it was never given`);
  const more = list.length > lines.length ? [`  ... and ${list.length - lines.length} more`] : [];
  return {
    pass: list.length === 0,
    message: () =>
      list.length === 0
        ? 'expected DMA corruption, but every DMA stayed inside what each device was given'
        : [`expected no DMA corruption, but ${plural(list.length, 'range was', 'ranges were')} hit:`, ...lines, ...more].join('\n'),
  };
}

/** Pass to `expect.extend()`. */
export const iommuMatchers = { toHaveNoIommuFaults, toHaveNoDmaCorruption };

export interface IommuMatchers<R = unknown> {
  /** No IOMMU fault was recorded (fails with the first DMAR lines). */
  toHaveNoIommuFaults(): R;
  /** No DMA landed in guest RAM outside what the device was given (fails with the ranges). */
  toHaveNoDmaCorruption(): R;
}

// Vitest's documented way to type custom matchers (its Matchers interface is re-exported from @vitest/expect).
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type -- must match vitest's declaration
  interface Matchers<T = any> extends IommuMatchers<T> {}
}

/** What `--fail-on-fault` decides on: fault and corruption counts of a report (0 and 0 without DMA). */
export function dmaVerdict(report: unknown): { faults: number; corruption: number; clean: boolean } {
  const s = iommuSectionOf(report) ?? null;
  const faults = s?.faultCount ?? s?.faults?.length ?? 0;
  const corruption = s?.corruption?.length ?? 0;
  return { faults, corruption, clean: faults === 0 && corruption === 0 };
}

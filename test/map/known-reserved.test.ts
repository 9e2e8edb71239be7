import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMapModel } from '../../vmm/frontends/map/model.js';
import type { BootReport } from '../../vmm/frontends/report/types.js';

const report = JSON.parse(readFileSync(new URL('./fixtures/igd-report.json', import.meta.url), 'utf8')) as BootReport;

describe('map labels for the chipset\'s reserved ranges', () => {
  const e820 = buildMapModel(report).regions.filter((r) => r.lane === 'e820');
  const at = (start: number): { label: string; detail: string } => e820.find((r) => r.start === start)!;

  it('names q35 MMCONFIG, the BIOS ROM and the EBDA instead of "reserved"', () => {
    expect(at(0xb000_0000).label).toBe('MMCONFIG');
    expect(at(0xb000_0000).detail.split('\n')[0]).toBe('e820 reserved: q35 PCIe ECAM (MMCONFIG), 256 buses');
    expect(at(0xfffc_0000).label).toBe('BIOS ROM');
    expect(at(0x9_fc00).label).toBe('EBDA');
  });

  it('leaves other reserved ranges (stolen memory here) as reserved', () => {
    expect(at(0x7b80_0000).label).toBe('reserved');
    expect(at(0xfeff_c000).label).toBe('reserved');
  });
});

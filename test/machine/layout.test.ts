import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { ramLayout, type LayoutOptions } from '../../vmm/core/machine/layout.js';

const GiB = 2 ** 30;
const TiB = 2 ** 40;
const AMD_72: LayoutOptions = { cpu: { vendor: 'amd', physBits: 40 }, machineVersion: '7.2' };
const INTEL_72: LayoutOptions = { cpu: { vendor: 'intel', physBits: 46 }, machineVersion: '7.2' };

function spec(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.spec;
}

// QEMU hw/i386/pc.c pc_memory_init: on an AMD vCPU (machine types >= 7.1) RAM above 4 GiB moves to 1 TiB when the
// highest address in use — the end of the 64-bit PCI hole after RAM (32 GiB on q35, 2 GiB on pc) — reaches 0xfd00000000.
describe('RAM above 4 GiB and the AMD HyperTransport range', () => {
  it('moves all of a 2 TiB q35 guest\'s high RAM to 1 TiB, so none of it is lost to the HT range', () => {
    expect(ramLayout('q35', 2 * TiB, AMD_72)).toEqual({ below4g: 2 * GiB, above4g: 2046 * GiB, above4gStart: TiB, htHoleReserved: true });
    // With qemu64's 40 bits QEMU refuses a RAM end past 1 TiB ("phys-bits too low"): 46 bits hold it.
    const { report } = bootSpec(spec('machine: { type: q35, memory: 2T, cpu: { phys-bits: 46 } }'));
    expect(report.e820.slice(-2)).toEqual([
      { start: '0xfd00000000', end: '0x10000000000', type: 'reserved' },
      { start: '0x10000000000', end: '0x2ff80000000', type: 'ram' },
    ]);
    const highRam = report.e820.filter((e) => e.type === 'ram' && Number(e.start) >= 2 ** 32).reduce((n, e) => n + Number(e.end) - Number(e.start), 0);
    expect(highRam).toBe(2046 * GiB);
  });

  it('moves q35 RAM only once RAM + the 32 GiB hole passes 0xfd00000000: 978G stays, 978G + 1M moves', () => {
    expect(ramLayout('q35', 978 * GiB, AMD_72).above4gStart).toBe(4 * GiB);
    expect(ramLayout('q35', 978 * GiB + 2 ** 20, AMD_72).above4gStart).toBe(TiB);
  });

  it('uses pc\'s 2 GiB hole: 1009G stays, 1009G + 1M moves', () => {
    expect(ramLayout('pc', 1009 * GiB, AMD_72).above4gStart).toBe(4 * GiB);
    expect(ramLayout('pc', 1009 * GiB + 2 ** 20, AMD_72).above4gStart).toBe(TiB);
  });

  it('counts the hotplug region of -m slots/maxmem: 512G with maxmem 1T moves', () => {
    expect(ramLayout('q35', 512 * GiB, AMD_72).above4gStart).toBe(4 * GiB);
    expect(ramLayout('q35', 512 * GiB, { ...AMD_72, maxmem: TiB, slots: 1 }).above4gStart).toBe(TiB);
  });

  it('leaves an Intel vCPU\'s RAM at 4 GiB and reserves no HT range', () => {
    expect(ramLayout('q35', 2 * TiB, INTEL_72)).toEqual({ below4g: 2 * GiB, above4g: 2046 * GiB, above4gStart: 4 * GiB, htHoleReserved: false });
  });

  it('keeps QEMU 7.0 machine types as they were (no enforce_amd_1tb_hole): no move, no HT entry', () => {
    expect(ramLayout('q35', 2 * TiB, { ...AMD_72, machineVersion: '7.0' })).toMatchObject({ above4gStart: 4 * GiB, htHoleReserved: false });
  });

  it('reserves the HT range only with at least 40 address bits', () => {
    expect(ramLayout('q35', 4 * GiB, { ...AMD_72, cpu: { vendor: 'amd', physBits: 39 } }).htHoleReserved).toBe(false);
    expect(ramLayout('q35', 4 * GiB, AMD_72).htHoleReserved).toBe(true);
  });
});

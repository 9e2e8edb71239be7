import { describe, expect, it } from 'vitest';

import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { decodeE820 } from '../../vmm/core/machine/e820.js';
import { Machine } from '../../vmm/core/machine/machine.js';

function specOf(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.spec;
}

const e820Of = (m: Machine) => decodeE820(m.fwcfg.file('etc/e820')!).map((e) => [e.start.toString(16), e.size.toString(16), e.type]);
const reservedEnd = (m: Machine): string | undefined => {
  const f = m.fwcfg.file('etc/reserved-memory-end');
  return f === undefined ? undefined : new DataView(f.buffer, f.byteOffset).getBigUint64(0, true).toString(16);
};

describe('guest RAM as QEMU sizes it', () => {
  for (const qemu of ['7.2', '10.0']) {
    it(`rounds -m up to 8 KiB on QEMU ${qemu}: memory 1048577 is 0x102000 bytes of RAM, not a 1-byte tail`, () => {
      const m = new Machine(specOf(`machine: { type: q35, memory: 1048577, qemu: "${qemu}" }`));
      expect(m.layout).toMatchObject({ below4g: 0x10_2000, above4g: 0 });
      expect(e820Of(m)).toEqual([['fd00000000', '300000000', 2], ['0', '102000', 1]]);
    });
  }

  it('rounds before splitting around the PCI hole (pc: 3.5 GiB + 1 byte puts 0x20002000 above 4 GiB)', () => {
    const m = new Machine(specOf('machine: { type: pc, memory: 3758096385, cpu: { vendor: intel, phys-bits: 39 } }'));
    expect(m.layout).toMatchObject({ below4g: 0xc000_0000, above4g: 0x2000_2000 });
    expect(e820Of(m)).toEqual([['0', 'c0000000', 1], ['100000000', '20002000', 1]]);
  });

  it('reports the rounded size', () => {
    const r = bootSpec(specOf('machine: { type: q35, memory: 536870913, qemu: "7.2" }')).report;
    expect(r.machine.memory).toBe('0x20002000');
    // SeaBIOS keeps the top 128 KiB (ZoneHigh's ACPI tables) reserved, so RAM ends 0x20000 below the rounded size.
    expect(r.e820.filter((e) => e.type === 'ram').at(-1)?.end).toBe('0x1ffe2000');
    expect(r.e820.find((e) => e.start === '0x1ffe2000')).toEqual({ start: '0x1ffe2000', end: '0x20002000', type: 'reserved' });
  });
});

describe('etc/reserved-memory-end (hw/i386/pc.c pc_memory_init)', () => {
  it('is published for maxmem without slots: device memory from the 1 GiB-aligned end of RAM, maxmem - memory long', () => {
    const m = new Machine(specOf('machine: { type: q35, memory: 4G, maxmem: 8G }'));
    // above-4G RAM ends at 0x180000000; 4 GiB of device memory, no per-slot slack.
    expect(reservedEnd(m)).toBe('280000000');
  });

  it('adds 1 GiB of alignment slack per slot', () => {
    const m = new Machine(specOf('machine: { type: q35, memory: 4G, maxmem: 8G, slots: 2 }'));
    expect(reservedEnd(m)).toBe('300000000');
  });

  it('is absent when maxmem equals memory', () => {
    expect(reservedEnd(new Machine(specOf('machine: { type: q35, memory: 4G, maxmem: 4G }')))).toBeUndefined();
    expect(reservedEnd(new Machine(specOf('machine: { type: q35, memory: 4G }')))).toBeUndefined();
  });
});

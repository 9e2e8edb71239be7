import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/prng.js';
import { rootPortsConfig } from '../../bench/boot-shape.js';
import { AddressSpace, type IoHandler, type RegionDesc } from '../../vmm/core/bus/address-space.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';

const handler = (v: number): IoHandler => ({ read: () => v, write: () => {} });

/** An address space whose PCI tier is `regions`, counting view rebuilds and decode questions. */
function space(regions: RegionDesc[]): { sp: AddressSpace; rebuilds: () => number; asked: () => number } {
  let rebuilds = 0;
  let asked = 0;
  const sp = new AddressSpace('io', () => (rebuilds++, [...regions]), (addr, gap) => {
    asked++;
    let lo = 0;
    let hi = Infinity;
    for (const r of regions) {
      if (r.start + r.size <= addr) lo = Math.max(lo, r.start + r.size);
      else if (r.start > addr) hi = Math.min(hi, r.start);
      else return true;
    }
    gap[0] = lo;
    gap[1] = hi;
    return false;
  });
  return { sp, rebuilds: () => rebuilds, asked: () => asked };
}

describe('an address space with a stale PCI tier', () => {
  it('answers accesses that reach no region from one question, without rebuilding the view', () => {
    const regions: RegionDesc[] = [{ start: 0xc000, size: 0x40, handler: handler(7), name: 'A' }];
    const { sp, rebuilds, asked } = space(regions);
    expect(sp.read(0x378, 1)).toBe(0xff);
    sp.write(0x37a, 1, 0);
    expect(sp.read(0xbfff, 2)).toBe(0xffff);
    expect([rebuilds(), asked(), sp.unassignedReads, sp.unassignedWrites]).toEqual([0, 1, 2, 1]);
    // Past the gap's end: a region is there, so the view is built and reached.
    expect(sp.read(0xc004, 4)).toBe(7);
    expect([rebuilds(), asked()]).toEqual([1, 2]);
    expect(sp.read(0x378, 1)).toBe(0xff); // the built view answers now
    expect([rebuilds(), asked(), sp.unassignedReads]).toEqual([1, 2, 3]);
  });

  it('builds the view after four questions in one stale period, for accesses scattered outside each gap', () => {
    const regions: RegionDesc[] = [0x1000, 0x2000, 0x3000, 0x4000, 0x5000].map((start, i) => ({ start, size: 0x10, handler: handler(i), name: `r${i}` }));
    const { sp, rebuilds, asked } = space(regions);
    for (const addr of [0x1800, 0x2800, 0x3800, 0x4800]) expect(sp.read(addr, 1)).toBe(0xff);
    expect([rebuilds(), asked()]).toEqual([0, 4]);
    expect(sp.read(0x1808, 1)).toBe(0xff); // outside the last gap, [0x4010, 0x5000): the view is built and answers
    expect(sp.read(0x5800, 1)).toBe(0xff);
    expect([rebuilds(), asked(), sp.unassignedReads]).toEqual([1, 4, 6]);
    sp.invalidatePci();
    expect(sp.read(0x1800, 1)).toBe(0xff);
    expect([rebuilds(), asked()]).toEqual([1, 5]);
  });

  it('forgets the gap when the tier goes stale again, so a region moved into it is found', () => {
    const regions: RegionDesc[] = [{ start: 0xc000, size: 0x40, handler: handler(7), name: 'A' }];
    const { sp, rebuilds, asked } = space(regions);
    expect(sp.read(0x378, 1)).toBe(0xff);
    regions[0] = { start: 0x370, size: 0x10, handler: handler(9), name: 'A' };
    sp.invalidatePci();
    expect(sp.read(0x378, 1)).toBe(9);
    expect(sp.resolve(0x37f)).toBe(true);
    expect([rebuilds(), asked()]).toEqual([1, 2]);
  });
});

describe("the PCI host's decode question", () => {
  it('says exactly what the regions say, with a gap touching no region, on booted machines and after random BAR and COMMAND writes', () => {
    const rnd = mulberry32(20);
    const yamls = [
      rootPortsConfig(9),
      'machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: e1000, addr: "03.0" }\n  - { model: qxl-vga }\n  - { model: pci-bridge, id: br, addr: "05.0", props: { chassis_nr: 1 } }\n  - { model: e1000, bus: br, addr: "01.0" }\n  - { model: edu, bus: br, addr: "02.0" }\n',
    ];
    let hits = 0;
    let misses = 0;
    for (const yaml of yamls) {
      const r = parseConfig(yaml, 'm.yaml');
      if (!r.ok) throw new Error(r.errors[0]!.message);
      const m = bootSpec(r.spec).machine;
      const gap = new Float64Array(2);
      const fns = m.pci.functions();
      for (let round = 0; round < 4; round++) for (const io of [true, false]) {
        if (round > 0) {
          // Move some BARs (a quarter of them onto another one's address) and flip some decode enables.
          for (let k = 0; k < 6; k++) {
            const fn = fns[Math.floor(rnd() * fns.length)]!;
            const bus = fn.busNode!.number();
            if (rnd() < 0.3) m.pci.configWrite(bus, fn.devfn, 0x04, 2, Math.floor(rnd() * 8));
            else m.pci.configWrite(bus, fn.devfn, 0x10 + 4 * Math.floor(rnd() * 6), 4, rnd() < 0.5 ? 0xc000 + Math.floor(rnd() * 64) * 0x40 : 0xfe00_0000 + Math.floor(rnd() * 64) * 0x1000);
          }
        }
        const regions = m.pci.regions(io);
        if (round === 0) expect(regions.length).toBeGreaterThan(1);
        const probes: number[] = [];
        for (const x of regions) probes.push(x.start, x.start + x.size - 1, x.start + x.size, x.start - 1);
        for (let k = 0; k < 200; k++) probes.push(Math.floor(rnd() * (io ? 0x10000 : 0x1_0000_0000)));
        for (const addr of probes) {
          const inRegion = regions.some((x) => addr >= x.start && addr < x.start + x.size);
          expect(m.pci.decodes(io, addr, gap)).toBe(inRegion);
          if (inRegion) {
            hits++;
            continue;
          }
          misses++;
          expect(gap[0]! <= addr && addr < gap[1]!).toBe(true);
          expect(regions.filter((x) => x.start < gap[1]! && x.start + x.size > gap[0]!)).toEqual([]);
          // The gap is as wide as it can be: a region (or the space's start) ends at lo, and one starts at hi (or none).
          expect(gap[0] === 0 || regions.some((x) => x.start + x.size === gap[0])).toBe(true);
          expect(gap[1] === Infinity || regions.some((x) => x.start === gap[1])).toBe(true);
        }
      }
    }
    expect(hits).toBeGreaterThan(50);
    expect(misses).toBeGreaterThan(500);
  });
});

import { describe, expect, it } from 'vitest';
import type { IgdFunction } from '../../devices/igd/index.js';
import { specOf, story } from './helpers.js';
import { mulberry32 } from '../helpers/prng.js';

const rng = mulberry32;

const CONFIG = `machine: { type: pc, memory: 3G }
host: { igd: { generation: skl } }
devices:
  - model: vfio-igd
    props: { x-igd-behaviour: legacy }
traps:
  - { bdf: "00:02.0", config: true, offset: [0x5c, 0x60], direction: write, action: rewrite-range, from: [0x80000000, 0x90000000], to: 0x10000000 }
  - { bdf: "00:02.0", bar: 4, offset: [4, 8], direction: read, action: drop }
  - { bdf: "00:02.0", bar: 0, action: log, width: 4 }
`;

/** Addresses a DMA or GTT value is drawn from: RAM, both stolen ranges, the PCI hole, MSI, above 4 GiB, absurd. */
const ANCHORS = [0, 0x8b80_0000, 0xba70_0000, 0xbfff_f000, 0xc000_0000, 0xfee0_0000, 0x1_0000_0000, 0xff_ffff_f000, 2 ** 52];

function run(seed: number, ops: number, strategy: string, yaml: string): Record<string, number> {
  const s = story(specOf(yaml), { strategy, vbios: 'cached-host-bdsm', trace: 1 << 16 });
  const m = s.machine;
  const igd = m.pci.find(0, 0x10) as IgdFunction;
  const dma = m.dmaPort(0x10);
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const u32 = (): number => (r() * 0x1_0000_0000) >>> 0;
  const width = (): 1 | 2 | 4 => pick([1, 2, 4, 4, 4] as const);
  const addr = (): number => Math.min(2 ** 53 - 8192, pick(ANCHORS) + Math.floor(r() * 0x40_0000) * (r() < 0.5 ? 1 : 4));
  const cfg = (devfn: number, off: number): number => (0x8000_0000 | (devfn << 8) | (off & 0xfc)) >>> 0;
  const buf = new Uint8Array(8192);
  for (let i = 0; i < ops; i++) {
    const io = igd.barAddress(4) < 0 ? 0xc000 : igd.barAddress(4);
    const x = r();
    if (x < 0.3) {
      m.cpu.outl(io, r() < 0.7 ? 1 + 4 * Math.floor(r() * 0x1200) : u32());
    } else if (x < 0.55) {
      m.cpu.outl(io + 4, r() < 0.5 ? (addr() % 0x1_0000_0000) | 1 : u32());
    } else if (x < 0.62) {
      const off = Math.floor(r() * 64);
      const w = width();
      if (r() < 0.5) m.cpu.outl(io + off, u32());
      else void (w === 4 ? m.cpu.inl(io + off) : w === 2 ? m.cpu.inw(io + off) : m.cpu.inb(io + off));
    } else if (x < 0.75) {
      const devfn = pick([0x10, 0x10, 0x10, 0xf8, 0x00]);
      const off = pick([0x04, 0x10, 0x14, 0x20, 0x30, 0x50, 0x5c, 0xc0, 0xfc, Math.floor(r() * 256)]);
      m.cpu.outl(0xcf8, cfg(devfn, off));
      if (r() < 0.5) {
        const v = off === 0x5c ? (r() < 0.0005 ? 0 : pick([0x8b80_0000, 0xba70_0000, u32()])) : off === 0x04 ? pick([0x7, 0x3, 0x0, 0x407]) : u32();
        const w = width();
        if (w === 4) m.cpu.outl(0xcfc, v);
        else if (w === 2) m.cpu.outw(0xcfc + (off & 2), v & 0xffff);
        else m.cpu.outb(0xcfc + (off & 3), v & 0xff);
      } else m.cpu.inl(0xcfc);
    } else if (x < 0.9) {
      const a = addr();
      const y = r();
      if (y < 0.3) dma.read32(a);
      else if (y < 0.5) dma.write32(a, u32());
      else if (y < 0.6) dma.read64(a);
      else if (y < 0.7) dma.write64(a, u32() * 4096);
      else dma.readBytes(a, buf.subarray(0, 1 + Math.floor(r() * 8191)));
    } else if (x < 0.99) {
      const bar0 = igd.barAddress(0);
      if (bar0 >= 0) {
        const off = r() < 0.5 ? 0x80_0000 + Math.floor(r() * 0x80_0000) : pick([0x6001c, 0x70180, 0x70188, 0x7019c, 0x1080c0, Math.floor(r() * 0x80_0000)]);
        if (r() < 0.5) m.cpu.writeMem(bar0 + (off & ~3), 4, u32());
        else m.cpu.readMem(bar0 + (off & ~3), width());
      }
    } else {
      s.pt.scanOut();
    }
  }
  const sec = s.pt.sections();
  expect(sec.traps.hits).toBeGreaterThanOrEqual(sec.traps.rewrites + sec.traps.drops);
  return {
    hits: sec.traps.hits,
    rewrites: sec.traps.rewrites,
    drops: sec.traps.drops,
    fatal: sec.traps.fatal === null ? 0 : 1,
    faults: sec.iommu?.faultCount ?? 0,
    corruption: sec.iommu?.corruption.length ?? 0,
    frames: s.pt.scanouts.length,
    events: m.events.length,
    gttWrites: igd.gtt.writes,
  };
}

describe('seeded fuzz: random BAR4, config and DMA operations', () => {
  it('10^5 operations on a 9.x-quirk machine with config trap rules: no exception, deterministic', () => {
    const a = run(0x5eed, 100_000, 'e820-reserved', CONFIG);
    expect(a.faults + a.corruption).toBeGreaterThan(0);
    expect(a.hits).toBeGreaterThan(1000);
    expect(run(0x5eed, 100_000, 'e820-reserved', CONFIG)).toEqual(a);
  });

  it('2 x 10^4 operations with fake BARs that move under DMA', () => {
    const yaml = CONFIG.replace('x-igd-behaviour: legacy', 'x-igd-behaviour: qemu10');
    expect(() => run(42, 20_000, 'lpc-bars', yaml)).not.toThrow();
  });
});

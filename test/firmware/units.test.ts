import { describe, expect, it } from 'vitest';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { E820Map, E820_HOLE, E820_RAM, E820_RESERVED } from '../../firmware/seabios/e820.js';
import type { FirmwareIo } from '../../firmware/io.js';
import { mallocPreinit, Zone } from '../../firmware/seabios/malloc.js';
import { bdfText, format } from '../../firmware/seabios/printf.js';
import { insertEntry, migrate64, newRegion, regionAlign, regionSum, type RegionEntry } from '../../firmware/seabios/regions.js';
import { REGION_MEM, REGION_PREFMEM, type FwPciDevice } from '../../firmware/types.js';
import { mulberry32 } from '../../bench/prng.js';

const dev = (bdf: number, classCode = 0x0200): FwPciDevice => ({
  bdf, vendor: 0x1234, device: 0x1111, classCode, progIf: 0, revision: 0, headerType: 0, secondaryBus: 0, parent: null, rootbus: 0,
});
const entry = (d: FwPciDevice, bar: number, size: number, align = size, is64 = false): RegionEntry => ({ dev: d, bar, size, align, is64, type: REGION_MEM });

describe('region lists (pci_region_create_entry order)', () => {
  it('sorts by descending alignment, then descending size', () => {
    const r = newRegion();
    insertEntry(r, entry(dev(0x08), 0, 0x1000));
    insertEntry(r, entry(dev(0x10), 0, 0x100000));
    insertEntry(r, entry(dev(0x18), 0, 0x4000));
    insertEntry(r, entry(dev(0x20), 0, 0x400000, 0x200000)); // bridge-like: bigger than its alignment
    insertEntry(r, entry(dev(0x28), 0, 0x200000, 0x200000));
    expect(r.list.map((e) => [e.align, e.size])).toEqual([
      [0x200000, 0x400000], [0x200000, 0x200000], [0x100000, 0x100000], [0x4000, 0x4000], [0x1000, 0x1000],
    ]);
  });

  it('keeps insertion (probe) order among equal alignment and size, so bridge windows follow device BARs', () => {
    const r = newRegion();
    const a = dev(0x18);
    const b = dev(0x08);
    const bridge = dev(0x50, 0x0604);
    insertEntry(r, entry(a, 1, 0x1000));
    insertEntry(r, entry(a, 0, 0x1000));
    insertEntry(r, entry(b, 2, 0x1000));
    insertEntry(r, { ...entry(bridge, -1, 0x1000) });
    expect(r.list.map((e) => [e.dev.bdf, e.bar])).toEqual([[0x18, 1], [0x18, 0], [0x08, 2], [0x50, -1]]);
  });

  it('orders 2,000 random requests with many ties as pci_region_create_entry\'s linear walk does', () => {
    const rnd = mulberry32(23);
    const r = newRegion();
    const ref: RegionEntry[] = [];
    for (let i = 0; i < 2000; i++) {
      const align = 0x1000 << Math.floor(rnd() * 3);
      const e = entry(dev(i), 0, align * (1 + Math.floor(rnd() * 2)), align);
      insertEntry(r, e);
      // src/fw/pciinit.c pci_region_create_entry: before the first entry with smaller alignment, or equal alignment and smaller size.
      let at = ref.findIndex((p) => p.align < e.align || (p.align === e.align && p.size < e.size));
      if (at < 0) at = ref.length;
      ref.splice(at, 0, e);
    }
    expect(r.list.map((e) => e.dev.bdf)).toEqual(ref.map((e) => e.dev.bdf));
  });

  it('reports the first entry alignment (1 when empty) and the sum of sizes', () => {
    const r = newRegion();
    expect(regionAlign(r)).toBe(1);
    expect(regionSum(r)).toBe(0);
    insertEntry(r, entry(dev(8), 0, 0x4000));
    insertEntry(r, entry(dev(16), 0, 0x1000));
    expect([regionAlign(r), regionSum(r)]).toEqual([0x4000, 0x5000]);
  });

  it('moves 64-bit entries in order on overflow, but never a USB controller', () => {
    const from = newRegion();
    const to = newRegion();
    const xhci = dev(0x48, 0x0c03);
    insertEntry(from, { ...entry(dev(8), 2, 0x4000_0000, 0x4000_0000, true), type: REGION_PREFMEM });
    insertEntry(from, entry(xhci, 0, 0x4000, 0x4000, true));
    insertEntry(from, entry(dev(16), 0, 0x4000));
    insertEntry(from, { ...entry(dev(24), 4, 0x4000, 0x4000, true), type: REGION_PREFMEM });
    migrate64(from, to);
    expect(to.list.map((e) => e.dev.bdf)).toEqual([8, 24]);
    expect(from.list.map((e) => e.dev.bdf)).toEqual([0x48, 16]);
  });
});

describe("SeaBIOS's printf", () => {
  it('prints 64-bit values past their width, and pads IO values with spaces', () => {
    expect(format('%08llx|%016llx|%4llx|%4llx', [0x2_0000_0000, 0x1_4000_0000, 0xc000, 0x100])).toBe('200000000|0000000140000000|c000| 100');
  });

  it('prints a bdf as bb:dd.f and %p as 0x%08x', () => {
    expect(format('bdf=%pP  bar %d (mmio %p)', [0x1fa, 4, 0xfebd8000])).toBe('bdf=01:1f.2  bar 4 (mmio 0xfebd8000)');
    expect(bdfText(0x0250)).toBe('02:0a.0');
  });

  it('bdfText agrees with %pP for every one of the 65,536 bdfs', () => {
    let mismatches = 0;
    for (let bdf = 0; bdf < 0x10000; bdf++) if (bdfText(bdf) !== format('%pP', [bdf])) mismatches++;
    expect(mismatches).toBe(0);
    expect(bdfText(0xffff)).toBe('ff:1f.7');
  });

  it('zero-pads %02x and prints %u, %s and %%', () => {
    expect(format('elcr=%02x %02x %u%% %s', [0, 0x0c, 7, 'io'])).toBe('elcr=00 0c 7% io');
  });
});

describe('the e820 list (e820_add semantics)', () => {
  it('splits an entry a different type lands inside, and merges touching entries of one type', () => {
    const m = new E820Map();
    m.add(0, 0x4000_0000, E820_RAM);
    m.add(0x3f00_0000, 0x100_0000, E820_RESERVED);
    m.add(0x9fc00, 0x400, E820_RESERVED);
    m.add(0x3f00_0000, 0xfe_0000, E820_RAM); // ZoneHigh given back: merges with the RAM below
    expect(m.entries()).toEqual([
      { start: 0, end: 0x9fc00, type: 'ram' },
      { start: 0x9fc00, end: 0xa0000, type: 'reserved' },
      { start: 0xa0000, end: 0x3ffe_0000, type: 'ram' },
      { start: 0x3ffe_0000, end: 0x4000_0000, type: 'reserved' },
    ]);
  });

  it('removes a hole and trims what it overlaps', () => {
    const m = new E820Map();
    m.add(0, 0x100_0000, E820_RAM);
    m.add(0xa0000, 0x50000, E820_HOLE);
    expect(m.entries()).toEqual([
      { start: 0, end: 0xa0000, type: 'ram' },
      { start: 0xf0000, end: 0x100_0000, type: 'ram' },
    ]);
  });

  it('dumps in SeaBIOS format', () => {
    const m = new E820Map();
    m.add(0xfd_0000_0000, 0x3_0000_0000, E820_RESERVED);
    const io: FirmwareIo = {
      inb: () => 0, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
      readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0],
    };
    const d = new DebugOutput(io);
    m.dump(d);
    expect(d.log).toBe('e820 map has 1 items:\n  0: 000000fd00000000 - 0000010000000000 = 2 RESERVED\n');
  });
});

describe('malloc zones', () => {
  it('allocates top-down, aligned, from the highest range that fits', () => {
    const z = new Zone('t');
    z.addRange(0x100000, 0x200000);
    z.addRange(0x3f00_0000, 0x3f01_0000);
    expect(z.memalign(4096, 0x2000)).toBe(0x3f00_e000);
    expect(z.memalign(64, 0x100)).toBe(0x3f00_df00);
    expect(z.memalign(0x10_0000, 0x10_0000)).toBe(0x100000); // does not fit the top range
    expect(z.memalign(16, 0x10_0000)).toBe(0);
  });
});

describe('malloc_preinit ZoneHigh (rel-1.16.x src/malloc.c)', () => {
  const zoneHigh = (ramEnd: number): number => {
    const m = new E820Map();
    m.add(0, 0x9fc00, E820_RAM);
    m.add(0x10_0000, ramEnd - 0x10_0000, E820_RAM);
    return mallocPreinit(m, 0).highStart;
  };
  it('takes 16 MiB only when the RAM entry keeps 16 MiB more below it (new_max >= s + BUILD_MAX_HIGHTABLE)', () => {
    expect(zoneHigh(0x800_0000)).toBe(0x800_0000 - 0x100_0000);
    // [1 MiB, 32 MiB): new_max = 16 MiB is inside the entry but not 16 MiB above its start: the 256 KiB table instead.
    expect(zoneHigh(0x200_0000)).toBe(0x200_0000 - 0x4_0000);
    expect(zoneHigh(0x210_0000)).toBe(0x110_0000);
  });
});

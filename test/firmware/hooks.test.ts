import { describe, expect, it } from 'vitest';
import { PciFunction } from '../../devices/pci/function.js';
import { MODELS } from '../../devices/index.js';
import type { FirmwareContext, FirmwareIo } from '../../firmware/index.js';
import { post } from '../../firmware/index.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { boot, spec, specOf } from './helpers.js';

/** A stand-in Intel VGA function (the real vfio-igd model is the IGD engineer's): ASLS and BDSM writable. */
const models = MODELS.with([{
  name: 'test-intel-vga',
  kind: 'endpoint',
  props: {},
  create: () => {
    const f = new PciFunction({ vendor: 0x8086, device: 0x1912, classCode: 0x0300, interruptPin: 1 });
    f.defineBar(0, { size: 16 * 1024 * 1024, space: 'mem', is64: true, prefetch: false });
    f.defineBar(2, { size: 256 * 1024 * 1024, space: 'mem', is64: true, prefetch: true });
    f.setMask32(0x5c, 0xffff_ffff);
    f.setMask32(0xfc, 0xffff_ffff);
    return f;
  },
}]);

const MiB = 1024 * 1024;
const OPREGION = new Uint8Array(8192).map((_, i) => (i * 7 + 3) & 0xff);

/** A test double of SeaBIOS's intel_igd_setup, written against FirmwareContext only. */
function igdSetup(ctx: FirmwareContext, bdf: number): void {
  const size = ctx.fwcfgFileSize('etc/igd-opregion') ?? 0;
  if (size > 0) {
    const addr = ctx.memalignHigh(4096, size);
    expect(ctx.fwcfgReadInto('etc/igd-opregion', addr)).toBe(size);
    ctx.configWrite32(bdf, 0xfc, addr);
    ctx.log(`Intel IGD OpRegion enabled at 0x${addr.toString(16)}\n`);
  }
  const bdsm = ctx.fwcfgLoadInt('etc/igd-bdsm-size', 0);
  if (bdsm > 0 && bdf === 0x10) {
    const addr = ctx.memalignTmpHigh(MiB, bdsm);
    ctx.e820Add(addr, bdsm, 'reserved');
    ctx.configWrite32(bdf, 0x5c, addr);
  }
}

function igdMachine(): Machine {
  const m = new Machine(spec('q35', 1024 * MiB, [{ model: 'test-intel-vga', devfn: 0x10 }, { model: 'e1000', devfn: 0x18 }]), undefined, undefined, models);
  m.fwcfg.addFile('etc/igd-opregion', OPREGION);
  const le = new Uint8Array(8);
  new DataView(le.buffer).setBigUint64(0, BigInt(8 * MiB), true);
  m.fwcfg.addFile('etc/igd-bdsm-size', le);
  return m;
}

describe('the IGD hook (intel_igd_setup)', () => {
  it('runs once per Intel VGA function, during device init right after its init line', () => {
    const calls: number[] = [];
    const m = igdMachine();
    const fw = post(m.cpu, { igdSetup: (ctx, bdf) => (calls.push(bdf), igdSetup(ctx, bdf)) });
    expect(calls).toEqual([0x10]);
    expect(fw.log).toContain('PCI: init bdf=00:02.0 id=8086:1912\nIntel IGD OpRegion enabled at 0x3fffe000\nPCI: init bdf=00:03.0');
  });

  it('allocates top-down from the 16 MiB ZoneHigh, which the ACPI tables then share', () => {
    const m = igdMachine();
    const fw = post(m.cpu, { igdSetup });
    const asls = m.pci.find(0, 0x10)!.get32(0xfc);
    expect(asls).toBe(0x3fff_e000);
    const copy = new Uint8Array(OPREGION.length);
    m.cpu.readBytes(asls, copy);
    expect(copy).toEqual(OPREGION);
    // OpRegion (8 KiB) + ACPI tables (128 KiB) stay reserved; the rest of ZoneHigh goes back to RAM.
    expect(fw.log).toContain(`Returned ${16 * MiB - 0x22000} bytes of ZoneHigh\n`);
    expect(fw.e820).toContainEqual({ start: 0x3ffd_e000, end: 0x4000_0000, type: 'reserved' });
  });

  it('puts stolen memory 1 MiB-aligned at the top of temporary high RAM and reserves it in e820', () => {
    const m = igdMachine();
    const fw = post(m.cpu, { igdSetup });
    const bdsm = m.pci.find(0, 0x10)!.get32(0x5c);
    expect(bdsm).toBe(0x3e70_0000); // below ZoneHigh (0x3f000000) and the relocated init code
    expect(fw.e820.slice(3, 6)).toEqual([
      { start: 0x10_0000, end: 0x3e70_0000, type: 'ram' },
      { start: 0x3e70_0000, end: 0x3ef0_0000, type: 'reserved' },
      { start: 0x3ef0_0000, end: 0x3ffd_e000, type: 'ram' },
    ]);
  });

  it('gives the hook SeaBIOS view of RAM and lets it lower RamSize', () => {
    const m = igdMachine();
    let seen: number[] = [];
    post(m.cpu, {
      igdSetup: (ctx) => {
        seen = [ctx.ramSize, ctx.ramSizeOver4G];
        expect(ctx.lowerRamSize(ctx.ramSize + 1)).toBe(false);
        expect(ctx.lowerRamSize(ctx.ramSize - MiB)).toBe(true);
        seen.push(ctx.ramSize);
        expect(ctx.platform).toBe('q35');
        expect(ctx.devices.map((d) => d.bdf)).toContain(0x10);
      },
    });
    expect(seen).toEqual([1024 * MiB, 0, 1023 * MiB]);
  });

  it('is not called for non-Intel VGA devices', () => {
    let called = false;
    boot(specOf('machine: { type: q35, memory: 1G }\ndevices:\n  - { model: VGA, addr: "02.0" }\n'), { igdSetup: () => (called = true) });
    expect(called).toBe(false);
  });
});

describe('the option-ROM scan', () => {
  // qxl-vga comes first on the command line (QEMU: "primary qxl-vga device must be console 0"); slots decide the probe order.
  const yaml = `machine: { type: q35, memory: 1G }
devices:
  - { model: e1000, addr: "02.0" }
  - { model: qxl-vga, addr: "04.0" }
  - { model: VGA, addr: "03.0" }
  - { model: bochs-display, addr: "05.0" }
  - { model: rtl8139, addr: "06.0", props: { rombar: 0 } }
`;

  it('runs the primary VGA ROM first, then every non-VGA device in probe order (a second VGA never)', () => {
    const calls: { bdf: number; addr: number; size: number; enabled: number }[] = [];
    const { fw } = boot(specOf(yaml), {
      runOptionRom: (ctx, bdf, addr, size) => calls.push({ bdf, addr, size, enabled: ctx.configRead32(bdf, 0x30) & 1 }),
    });
    const romOf = (bdf: string) => fw.placements.find((p) => p.bdf === bdf && p.bar === 6)!.address;
    expect(calls).toEqual([
      { bdf: 0x18, addr: romOf('00:03.0'), size: 0x1_0000, enabled: 1 },
      { bdf: 0x10, addr: romOf('00:02.0'), size: 0x4_0000, enabled: 1 },
      { bdf: 0x28, addr: romOf('00:05.0'), size: 0x8000, enabled: 1 },
    ]);
    expect(fw.log).toMatch(/Scan for VGA option rom\n[^]*Scan for option roms\n/);
  });

  it('leaves every ROM BAR disabled again, as query-pci shows it', () => {
    const { machine } = boot(specOf(yaml), { runOptionRom: () => {} });
    for (const devfn of [0x10, 0x18, 0x20, 0x28]) {
      const fn = machine.pci.find(0, devfn)!;
      expect(fn.get32(fn.romOffset) & 1, fn.model).toBe(0);
      expect(fn.barAddress(6)).toBe(-1);
    }
  });

  it('runs the extra hooks after PCI setup and just before the e820 dump', () => {
    const order: string[] = [];
    const { fw } = boot(specOf(yaml), {
      extraHooks: {
        afterPciSetup: (ctx) => (order.push('pci'), ctx.log('after-pci\n')),
        beforePrepboot: (ctx) => (order.push('prepboot'), ctx.log('before-prepboot\n')),
      },
    });
    expect(order).toEqual(['pci', 'prepboot']);
    expect(fw.log).toMatch(/PCI: Using 00:03.0 for primary VGA\nafter-pci\nFound 1 cpu/);
    expect(fw.log).toMatch(/before-prepboot\nReturned \d+ bytes of ZoneHigh\ne820 map has/);
  });
});

describe('how the firmware reaches the machine', () => {
  /** Wraps a FirmwareIo and records config mechanism #1 and ECAM accesses around the MMCONFIG log line. */
  function traced(io: FirmwareIo): { io: FirmwareIo; events: string[] } {
    const events: string[] = [];
    const ecam = (a: number) => a >= 0xb000_0000 && a < 0xc000_0000;
    const log = (s: string) => {
      if (s.includes('PCIe: using q35 mmconfig')) events.push('mmconfig');
    };
    return {
      events,
      io: {
        ...io,
        outl: (p, v) => (p === 0xcf8 && events.push('cf8'), io.outl(p, v)),
        readMem: (a, w) => (ecam(a) && events.push('ecam'), io.readMem(a, w)),
        writeMem: (a, w, v) => (ecam(a) && events.push('ecam'), io.writeMem(a, w, v)),
        outb: (p, v) => io.outb(p, v),
        outsb: (p, s) => (log(s), io.outsb ? io.outsb(p, s) : [...s].forEach((c) => io.outb(p, c.charCodeAt(0)))),
      },
    };
  }

  it('uses CF8/CFC until q35 MMCONFIG is enabled, and only ECAM after that', () => {
    const m = new Machine(specOf('machine: { type: q35, memory: 1G }\ndevices:\n  - { model: e1000 }\n'));
    const t = traced(m.cpu);
    post(t.io);
    const at = t.events.indexOf('mmconfig');
    expect(at).toBeGreaterThan(0);
    expect(t.events.slice(0, at)).not.toContain('ecam');
    expect(t.events.slice(at + 1)).not.toContain('cf8');
    expect(t.events.slice(at + 1).length).toBeGreaterThan(100);
  });

  it('never touches ECAM on pc', () => {
    const m = new Machine(specOf('machine: { type: pc, memory: 1G }\ndevices:\n  - { model: e1000 }\n'));
    const t = traced(m.cpu);
    post(t.io);
    expect(t.events).not.toContain('ecam');
    expect(t.events).toContain('cf8');
  });

  it('prints nothing on port 0x402 when the debug console is absent, but still returns the log', () => {
    const m = new Machine(specOf('machine: { type: pc, memory: 1G }\ndevices: []\n'));
    const io: FirmwareIo = { ...m.cpu, inb: (p) => (p === 0x402 ? 0xff : m.cpu.inb(p)) };
    const fw = post(io);
    expect(m.debugcon.text()).toBe('');
    expect(fw.log).toContain('=== PCI bus & bridge init ===');
  });
});

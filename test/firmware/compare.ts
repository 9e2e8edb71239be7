import { expect, it } from 'vitest';
import { PciBridge } from '../../devices/pci/bridge.js';
import { ROM_BAR } from '../../devices/pci/function.js';
import { PCI_BASE_ADDRESS_0, PCI_CLASS_DEVICE, PCI_DEVICE_ID, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import type { FirmwareResult } from '../../firmware/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import type { Machine } from '../../vmm/core/machine/machine.js';
import { comparedLines, hex, type Fixture } from './helpers.js';

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

export function fnAt(machine: Machine, bdf: string) {
  const [bus, rest] = bdf.split(':');
  const [dev, fn] = rest!.split('.');
  return machine.pci.find(parseInt(bus!, 16), (parseInt(dev!, 16) << 3) | parseInt(fn!, 16));
}

/** A BAR register's value as the guest left it (address bits only; 64-bit BARs with their upper dword). */
export function barRegister(machine: Machine, bdf: string, bar: number): number {
  const fn = fnAt(machine, bdf)!;
  if (bar === ROM_BAR) return (fn.get32(fn.romOffset) & ~0x7ff) >>> 0;
  const off = PCI_BASE_ADDRESS_0 + bar * 4;
  const lo = fn.get32(off);
  if ((lo & 1) !== 0) return (lo & ~3) >>> 0;
  return ((lo & ~0xf) >>> 0) + ((lo & 6) === 4 ? fn.get32(off + 4) * 0x1_0000_0000 : 0);
}

const win = (w: { base: number; limit: number }) => (w.base > w.limit ? null : { base: hex(w.base), limit: hex(w.limit) });

const PANIC_LINE = /^PCI: out of (?:I\/O|32bit) address space$/m;

/**
 * Registers the checks that compare one boot with a recording of QEMU 7.2 + SeaBIOS 1.16.2: the
 * compared log lines, every mapped BAR (order, address, size, type) and its final register value,
 * every device's IDs and every bridge's bus numbers and windows as QEMU decodes them, the root
 * windows, the e820 map and the panic.
 */
export interface CompareOptions {
  /**
   * SeaBIOS's block drivers (virtio-blk, nvme with a drive) take ZoneHigh memory vfio-sim does not model, which
   * moves the end of RAM in the final e820 map and the "Returned N bytes of ZoneHigh" line: compare everything else.
   */
  readonly blockDriverMemory?: boolean;
}

const ZONEHIGH_DEPENDENT = /^(Returned \d+ bytes of ZoneHigh|e820 map has|  \d+: [0-9a-f]{16} - )/;

export function compareWithRecording(
  spec: MachineSpec, fx: Fixture, log: string, booted: () => { machine: Machine; fw: FirmwareResult }, options: CompareOptions = {},
): void {
  const ex = fx.expected;
  const panic = PANIC_LINE.exec(log)?.[0] ?? null;
  const lines = (text: string): string[] => {
    const all = comparedLines(text);
    return options.blockDriverMemory === true ? all.filter((l) => !ZONEHIGH_DEPENDENT.test(l)) : all;
  };

  it(options.blockDriverMemory === true ? 'prints the same PCI and fw_cfg log lines as SeaBIOS (not the ZoneHigh-dependent e820 dump)' : 'prints the same PCI, e820 and fw_cfg log lines as SeaBIOS', () => {
    const { machine, fw } = booted();
    expect(lines(fw.log)).toEqual(lines(log));
    expect(machine.debugcon.text()).toBe(fw.log);
  });

  it(panic === null ? 'maps every BAR at the recorded address, size and type, in SeaBIOS order' : `panics "${panic}" before mapping anything`, () => {
    const { fw } = booted();
    expect(fw.panic).toBe(panic);
    const got = panic === null ? fw.placements.map((p) => ({ bdf: p.bdf, bar: p.bar, address: hex(p.address), size: hex(p.size), type: p.type })) : [];
    expect(got).toEqual(ex.bars);
  });

  it('leaves each BAR register holding its address (q35 SMBus BAR4 rewritten to 0x700)', () => {
    const { machine } = booted();
    for (const b of ex.bars) {
      const want = spec.machine.type === 'q35' && b.bdf === '00:1f.3' && b.bar === 4 ? '0x700' : b.address;
      expect(hex(barRegister(machine, b.bdf, b.bar)), `${b.bdf} bar ${b.bar}`).toBe(want);
    }
  });

  it('numbers buses and programs bridge windows as QEMU reads them back', () => {
    const { machine } = booted();
    for (const d of ex.devices) {
      const fn = fnAt(machine, d.bdf);
      expect(fn, d.bdf).toBeDefined();
      expect([hex4(fn!.get16(PCI_VENDOR_ID)), hex4(fn!.get16(PCI_DEVICE_ID)), hex4(fn!.get16(PCI_CLASS_DEVICE))], d.bdf).toEqual([d.vendor, d.device, d.class]);
      if (d.bridge === undefined) continue;
      expect(fn).toBeInstanceOf(PciBridge);
      const b = fn as PciBridge;
      const got = { secondary: b.secondaryBus(), subordinate: b.subordinateBus(), io: win(b.ioWindow()), mem: win(b.memWindow()), prefmem: win(b.prefWindow()) };
      expect(got, d.bdf).toEqual(d.bridge);
    }
  });

  it(options.blockDriverMemory === true ? 'reports the root windows SeaBIOS printed' : 'reports the root windows SeaBIOS printed and the final e820 map', () => {
    const { fw } = booted();
    const w = fw.windows;
    expect(w.io?.map(hex) ?? null).toEqual(ex.windows.io);
    // After an IO panic SeaBIOS never prints the 32-bit window.
    if (ex.windows.mem32 !== null) expect(w.mem32.map(hex)).toEqual(ex.windows.mem32);
    expect(w.mem64?.map(hex) ?? null).toEqual(ex.windows.mem64);
    if (options.blockDriverMemory !== true) expect(fw.e820.map((e) => ({ start: hex(e.start), end: hex(e.end), type: e.type }))).toEqual(ex.e820);
  });
}

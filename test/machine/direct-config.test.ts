import { describe, expect, it } from 'vitest';

import { MCH_PCIEXBAR } from '../../devices/chipset/index.js';
import { PCI_BASE_ADDRESS_0, PCI_COMMAND, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { Machine } from '../../vmm/core/machine/machine.js';

/**
 * The CPU reaches config space without an address-space lookup while ECAM and CF8..CFF are decoded whole by
 * the PCI host (docs/performance.md §14). These tests drive only `machine.cpu`, as firmware does, and check
 * that the direct path decodes what the address spaces decode: bus numbers as bridges have them now, the
 * fixed tier's precedence, BARs as last programmed.
 */

const ECAM = 0xb000_0000;

/** rp1 (slot 3) with an e1000e behind it, an rtl8139 (IO BAR0, 256 ports) at 00:05.0. */
function machine(): Machine {
  const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: e1000e, id: nic1, bus: rp1, addr: "00.0" }
  - { model: rtl8139, id: nic2, addr: "05.0" }
`, 'm.yaml');
  if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
  return new Machine(r.spec);
}

const cf8 = (bus: number, devfn: number, off: number): number => (0x8000_0000 | (bus << 16) | (devfn << 8) | (off & 0xfc)) >>> 0;

function cf8Read16(m: Machine, bus: number, devfn: number, off: number): number {
  m.cpu.outl(0xcf8, cf8(bus, devfn, off));
  return m.cpu.inw(0xcfc + (off & 2));
}

function cf8Write8(m: Machine, bus: number, devfn: number, off: number, v: number): void {
  m.cpu.outl(0xcf8, cf8(bus, devfn, off));
  m.cpu.outb(0xcfc + (off & 3), v);
}

function cf8Write32(m: Machine, bus: number, devfn: number, off: number, v: number): void {
  m.cpu.outl(0xcf8, cf8(bus, devfn, off));
  m.cpu.outl(0xcfc, v);
}

const ecamAddr = (bus: number, devfn: number, off: number): number => ECAM + ((bus << 20) | (devfn << 12) | off);

/** q35 MCH PCIEXBAR (0x60) through CF8: ECAM at 0xb0000000, enabled (what SeaBIOS's mch_mmconfig_setup writes). */
function enableEcam(m: Machine): void {
  cf8Write32(m, 0, 0, MCH_PCIEXBAR + 4, 0);
  cf8Write32(m, 0, 0, MCH_PCIEXBAR, ECAM | 1);
}

const E1000E_VENDOR_DEVICE = 0x8086;

describe('direct config decode through the CPU', () => {
  it('a bus renumbered by a bridge write through ECAM is decoded at its new number through ECAM and CF8', () => {
    const m = machine();
    enableEcam(m);
    const rp = 3 << 3;
    m.cpu.writeMem(ecamAddr(0, rp, PCI_SECONDARY_BUS), 1, 1);
    m.cpu.writeMem(ecamAddr(0, rp, PCI_SUBORDINATE_BUS), 1, 1);
    expect(m.cpu.readMem(ecamAddr(1, 0, PCI_VENDOR_ID), 2)).toBe(E1000E_VENDOR_DEVICE);
    expect(cf8Read16(m, 1, 0, PCI_VENDOR_ID)).toBe(E1000E_VENDOR_DEVICE);
    // Renumbered to 7: bus 1 is gone (all ones, as a master abort reads), bus 7 has the e1000e, both ways.
    m.cpu.writeMem(ecamAddr(0, rp, PCI_SECONDARY_BUS), 1, 7);
    m.cpu.writeMem(ecamAddr(0, rp, PCI_SUBORDINATE_BUS), 1, 7);
    expect(m.cpu.readMem(ecamAddr(1, 0, PCI_VENDOR_ID), 2)).toBe(0xffff);
    expect(cf8Read16(m, 1, 0, PCI_VENDOR_ID)).toBe(0xffff);
    expect(m.cpu.readMem(ecamAddr(7, 0, PCI_VENDOR_ID), 2)).toBe(E1000E_VENDOR_DEVICE);
    expect(cf8Read16(m, 7, 0, PCI_VENDOR_ID)).toBe(E1000E_VENDOR_DEVICE);
    // The same bytes the address space's own lookup reaches.
    expect(m.mmio.read(ecamAddr(7, 0, PCI_VENDOR_ID), 2)).toBe(E1000E_VENDOR_DEVICE);
  });

  it('a bus renumbered through CF8 is decoded at its new number through ECAM', () => {
    const m = machine();
    enableEcam(m);
    cf8Write8(m, 0, 3 << 3, PCI_SECONDARY_BUS, 4);
    cf8Write8(m, 0, 3 << 3, PCI_SUBORDINATE_BUS, 4);
    expect(m.cpu.readMem(ecamAddr(4, 0, PCI_VENDOR_ID), 4)).toBe(m.byId.get('nic1')!.get32(PCI_VENDOR_ID));
  });

  it('ECAM moved or disabled: the old window no longer reaches config space', () => {
    const m = machine();
    enableEcam(m);
    expect(m.cpu.readMem(ecamAddr(0, 0, PCI_VENDOR_ID), 2)).toBe(0x8086);
    const ram = m.layout.below4g;
    expect(ram).toBeLessThanOrEqual(ECAM);
    // Disabled: nothing decodes 0xb0000000 (below-4G RAM ends earlier), so a read is a master abort.
    cf8Write32(m, 0, 0, MCH_PCIEXBAR, ECAM);
    const before = m.mmio.unassignedReads;
    expect(m.cpu.readMem(ecamAddr(0, 0, PCI_VENDOR_ID), 2)).toBe(0xffff);
    expect(m.mmio.unassignedReads).toBe(before + 1);
    // Enabled at 0xe0000000: found there.
    cf8Write32(m, 0, 0, MCH_PCIEXBAR, 0xe000_0000 | 1);
    expect(m.cpu.readMem(0xe000_0000 + ((3 << 3) << 12), 2)).toBe(0x1b36);
  });

  it('a fixed region added over part of ECAM wins there (as in the address space), and ECAM is direct again once it is gone', () => {
    const m = machine();
    enableEcam(m);
    const overlay = ecamAddr(0, 3 << 3, 0);
    m.mmio.addFixed(overlay, 0x1000, { read: () => 0x5a5a, write: () => {} }, 'overlay');
    expect(m.cpu.readMem(overlay, 2)).toBe(0x5a5a);
    expect(m.cpu.readMem(ecamAddr(0, 0, PCI_VENDOR_ID), 2)).toBe(0x8086);
    m.mmio.removeFixed('overlay');
    expect(m.cpu.readMem(overlay, 2)).toBe(0x1b36);
  });

  it('a fixed port region added over CFC wins there, and CF8 still latches', () => {
    const m = machine();
    m.io.addFixed(0xcfc, 4, { read: () => 0x77, write: () => {} }, 'overlay');
    m.cpu.outl(0xcf8, cf8(0, 0, 0));
    expect(m.cpu.inl(0xcf8)).toBe(cf8(0, 0, 0));
    expect(m.cpu.inb(0xcfc)).toBe(0x77);
    m.io.removeFixed('overlay');
    expect(m.cpu.inw(0xcfc)).toBe(0x8086);
  });

  it('a BAR move re-routes a port: IO BAR0 of the rtl8139 decodes at its new base only', () => {
    const m = machine();
    const devfn = 5 << 3;
    cf8Write32(m, 0, devfn, PCI_BASE_ADDRESS_0, 0xc000);
    cf8Write8(m, 0, devfn, PCI_COMMAND, 1);
    expect(m.io.describe(0xc000)).toBe('00:05.0 BAR0');
    cf8Write32(m, 0, devfn, PCI_BASE_ADDRESS_0, 0xd100);
    expect(m.io.describe(0xc000)).toBeUndefined();
    expect(m.io.describe(0xd1ff)).toBe('00:05.0 BAR0');
    const before = m.io.unassignedReads;
    expect(m.cpu.inb(0xc000)).toBe(0xff);
    expect(m.io.unassignedReads).toBe(before + 1);
    m.cpu.inb(0xd100);
    expect(m.io.unassignedReads).toBe(before + 1);
  });

  it('outl takes a 32-bit value as its int32 bit pattern too: CF8 latches it unsigned, CFC and other ports get it unsigned', () => {
    const m = machine();
    const signed = (v: number): number => v | 0;
    m.cpu.outl(0xcf8, signed(cf8(1, 0, PCI_VENDOR_ID)));
    expect(m.cpu.inl(0xcf8)).toBe(cf8(1, 0, PCI_VENDOR_ID));
    // Bus 1 is not numbered yet: the cycle reaches nothing. Number rp1 through CF8 with signed addresses.
    expect(m.cpu.inw(0xcfc)).toBe(0xffff);
    m.cpu.outl(0xcf8, signed(cf8(0, 3 << 3, PCI_SECONDARY_BUS)));
    m.cpu.outb(0xcfc + (PCI_SECONDARY_BUS & 3), 1);
    m.cpu.outl(0xcf8, signed(cf8(0, 3 << 3, PCI_SUBORDINATE_BUS)));
    m.cpu.outb(0xcfc + (PCI_SUBORDINATE_BUS & 3), 1);
    m.cpu.outl(0xcf8, signed(cf8(1, 0, PCI_VENDOR_ID)));
    expect(m.cpu.inw(0xcfc)).toBe(0x8086);
    // A dword data write with the top bit set reaches the function (and any decorator) as the unsigned value.
    const seen: number[] = [];
    m.intercept({ name: 'spy', config: (_fn, _bdf, inner) => ({ read: inner.read, write: (o, w, v) => (seen.push(v), inner.write(o, w, v)) }) });
    m.cpu.outl(0xcf8, signed(cf8(1, 0, PCI_BASE_ADDRESS_0)));
    m.cpu.outl(0xcfc, signed(0xfebc_0000));
    expect(seen).toEqual([0xfebc_0000]);
    expect(m.cpu.inl(0xcfc)).toBe(0xfebc_0000);
    const port: number[] = [];
    m.io.addFixed(0x510, 4, { read: () => 0, write: (_o, _w, v) => void port.push(v) }, 'probe');
    m.cpu.outl(0x510, signed(0x8765_4321));
    expect(port).toEqual([0x8765_4321]);
  });
});

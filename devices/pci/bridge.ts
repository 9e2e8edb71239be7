import { CONFIG_WRITE_REMAP, CONFIG_WRITE_REROUTE, PciFunction, type ConfigWriteResult, type PciIdentity } from './function.js';
import {
  PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_VGA, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MEMORY, PCI_HEADER_TYPE_BRIDGE,
  PCI_IO_BASE, PCI_IO_BASE_UPPER16, PCI_IO_LIMIT, PCI_IO_LIMIT_UPPER16, PCI_IO_RANGE_TYPE_16, PCI_MEMORY_BASE,
  PCI_MEMORY_LIMIT, PCI_PREF_BASE_UPPER32, PCI_PREF_LIMIT_UPPER32, PCI_PREF_MEMORY_BASE, PCI_PREF_MEMORY_LIMIT,
  PCI_PREF_RANGE_TYPE_64, PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS,
} from './regs.js';
import type { ConfigSpaceArena } from './config-arena.js';

/** One bus segment: the 256 device/function slots behind a bridge (or of a root bus). */
export class PciBus {
  /**
   * Functions by devfn (0..255); an index past the end or a hole is an empty slot. It grows as functions are
   * plugged instead of holding 256 entries from the start: a machine has a bus per bridge, mostly near empty,
   * and is built per boot (docs/performance.md §12).
   */
  readonly slots: (PciFunction | undefined)[] = [];
  /** The bridges plugged on this bus, newest first (QEMU's bus->child list: QLIST_INSERT_HEAD in pci_bridge_initfn). */
  readonly childBridges: PciBridge[] = [];
  constructor(readonly bridge: PciBridge | undefined, private readonly fixedNumber = 0) {}

  /** The bus number config cycles use: a root bus's own, else the secondary number firmware wrote. */
  number(): number {
    return this.bridge === undefined ? this.fixedNumber : this.bridge.get8(PCI_SECONDARY_BUS);
  }

  *functions(): Generator<PciFunction> {
    for (const f of this.slots) if (f !== undefined) yield f;
  }
}

/** A decoded bridge window; `base > limit` means closed (QEMU query-pci semantics). */
export interface Window {
  readonly base: number;
  readonly limit: number;
}

/**
 * A PCI-to-PCI bridge's type-1 header (QEMU hw/pci/pci_bridge.c, pci.c pci_init_mask_bridge):
 * 16-bit IO decode, 64-bit prefetchable decode, writable bus numbers and windows.
 */
export class PciBridge extends PciFunction {
  readonly secondary: PciBus;

  constructor(identity: PciIdentity, readonly resetClosed: boolean, arena?: ConfigSpaceArena) {
    super(identity, PCI_HEADER_TYPE_BRIDGE, arena);
    this.secondary = new PciBus(this);
    const w = this.wmask;
    w[PCI_PRIMARY_BUS] = 0xff;
    w[PCI_SECONDARY_BUS] = 0xff;
    w[PCI_SUBORDINATE_BUS] = 0xff;
    w[PCI_IO_BASE] = 0xf0;
    w[PCI_IO_LIMIT] = 0xf0;
    this.setMask16(PCI_MEMORY_BASE, 0xfff0);
    this.setMask16(PCI_MEMORY_LIMIT, 0xfff0);
    this.setMask16(PCI_PREF_MEMORY_BASE, 0xfff0);
    this.setMask16(PCI_PREF_MEMORY_LIMIT, 0xfff0);
    this.setMask32(PCI_PREF_BASE_UPPER32, 0xffffffff);
    this.setMask32(PCI_PREF_LIMIT_UPPER32, 0xffffffff);
    this.setMask16(PCI_IO_BASE_UPPER16, 0xffff);
    this.setMask16(PCI_IO_LIMIT_UPPER16, 0xffff);
    this.setMask16(PCI_BRIDGE_CONTROL, 0x0fff & ~0x0700);
    this.resetWindows();
  }

  private setMask16(off: number, v: number): void {
    this.wmask[off] = v;
    this.wmask[off + 1] = v >>> 8;
  }

  /**
   * Reset state. Root ports "disable base/limit" on reset (IO f0/00, memory fff0/0000: closed);
   * conventional QEMU bridges keep zeros, which decodes as an open 1 MiB memory window at 0.
   */
  resetWindows(): void {
    const closed = this.resetClosed;
    this.cfg[PCI_IO_BASE] = (closed ? 0xf0 : 0) | PCI_IO_RANGE_TYPE_16;
    this.cfg[PCI_IO_LIMIT] = PCI_IO_RANGE_TYPE_16;
    this.set16(PCI_MEMORY_BASE, closed ? 0xfff0 : 0);
    this.set16(PCI_MEMORY_LIMIT, 0);
    this.set16(PCI_PREF_MEMORY_BASE, (closed ? 0xfff0 : 0) | PCI_PREF_RANGE_TYPE_64);
    this.set16(PCI_PREF_MEMORY_LIMIT, PCI_PREF_RANGE_TYPE_64);
    this.set32(PCI_PREF_BASE_UPPER32, 0);
    this.set32(PCI_PREF_LIMIT_UPPER32, 0);
  }

  protected override writeEffect(off: number, width: number): ConfigWriteResult {
    const end = off + width;
    // Primary/secondary/subordinate bus numbers route config cycles (QEMU pci_find_bus_nr) and move what decodes.
    if (off <= PCI_SUBORDINATE_BUS && end > PCI_PRIMARY_BUS) return CONFIG_WRITE_REROUTE | CONFIG_WRITE_REMAP;
    if (off < 0x30 + 4 && end > PCI_PRIMARY_BUS) return CONFIG_WRITE_REMAP; // windows
    if (off < PCI_BRIDGE_CONTROL + 2 && end > PCI_BRIDGE_CONTROL) return CONFIG_WRITE_REMAP;
    return super.writeEffect(off, width);
  }

  secondaryBus(): number {
    return this.get8(PCI_SECONDARY_BUS);
  }
  subordinateBus(): number {
    return this.get8(PCI_SUBORDINATE_BUS);
  }

  /** IO window as QEMU decodes it (pci_bridge_get_base/limit). */
  ioWindow(): Window {
    const base = ((this.get8(PCI_IO_BASE) & 0xf0) << 8) + this.get16(PCI_IO_BASE_UPPER16) * 0x10000;
    const limit = ((this.get8(PCI_IO_LIMIT) & 0xf0) << 8) + this.get16(PCI_IO_LIMIT_UPPER16) * 0x10000 + 0xfff;
    return { base, limit };
  }

  memWindow(): Window {
    const base = (this.get16(PCI_MEMORY_BASE) & 0xfff0) * 0x10000;
    const limit = (this.get16(PCI_MEMORY_LIMIT) & 0xfff0) * 0x10000 + 0xfffff;
    return { base, limit };
  }

  prefWindow(): Window {
    const base = (this.get16(PCI_PREF_MEMORY_BASE) & 0xfff0) * 0x10000 + this.get32(PCI_PREF_BASE_UPPER32) * 0x1_0000_0000;
    const limit =
      (this.get16(PCI_PREF_MEMORY_LIMIT) & 0xfff0) * 0x10000 + 0xfffff + this.get32(PCI_PREF_LIMIT_UPPER32) * 0x1_0000_0000;
    return { base, limit };
  }

  /** Whether the bridge forwards memory / IO cycles at all (its own COMMAND enables). */
  forwardsMemory(): boolean {
    return (this.get16(PCI_COMMAND) & PCI_COMMAND_MEMORY) !== 0;
  }
  forwardsIo(): boolean {
    return (this.get16(PCI_COMMAND) & PCI_COMMAND_IO) !== 0;
  }
  vgaEnabled(): boolean {
    return (this.get16(PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_VGA) !== 0;
  }
}

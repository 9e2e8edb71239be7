import type { FirmwareContext } from '../igd-hook.js';
import type { FirmwareIo } from '../io.js';
import { PCI_CAPABILITY_LIST, PCI_HEADER_TYPE, PCI_STATUS, PCI_STATUS_CAP_LIST, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import { PORT_PCI_CMD, PORT_PCI_DATA } from './constants.js';

/**
 * The CONFIG_ADDRESS value of SeaBIOS's ioconfig_cmd (src/hw/pci.c): enable bit, bdf, dword offset. Kept as its int32
 * bit pattern (negative), which `outl` writes as the same 32 bits: a uint32 above 2^31 is a heap number in V8, and
 * one was allocated for every mechanism #1 config access (~26,000 for 200 root ports; docs/performance.md §21).
 */
function cf8(bdf: number, off: number): number {
  return 0x8000_0000 | (bdf << 8) | (off & 0xfc);
}

/**
 * Config-space accessors as SeaBIOS's src/hw/pci.c has them: configuration mechanism #1 through
 * ports CF8/CFC, until q35 platform setup enables MMCONFIG (ECAM), after which every access is a
 * memory access at mmconfig + bdf << 12 + offset. bdf = bus << 8 | dev << 3 | fn.
 */
export class PciConfig {
  private mmconfig = -1;

  constructor(private readonly io: FirmwareIo) {}

  /** pci_enable_mmconfig: only a base below 4 GiB is used. */
  enableMmconfig(addr: number): void {
    this.mmconfig = addr;
  }

  get mmconfigBase(): number {
    return this.mmconfig;
  }

  /**
   * An MMCONFIG access (pci_config_readl etc. over mmconfig): the address, above 2^31, is made here, next to the
   * `readMem` call. Where a caller's inlining budget runs out, V8 then calls this with small integers, and inlines the
   * machine's ECAM path into it with the address unboxed; made in the caller, the address crossed that call as a heap
   * number (~18,000 per 200-root-port boot; docs/performance.md §21).
   */
  private ecamRead(bdf: number, off: number, width: 1 | 2 | 4): number {
    return this.io.readMem(this.mmconfig + bdf * 4096 + off, width);
  }

  /** See ecamRead. `v` may be a uint32's int32 bit pattern: it is made unsigned next to the `writeMem` call. */
  private ecamWrite(bdf: number, off: number, width: 1 | 2 | 4, v: number): void {
    this.io.writeMem(this.mmconfig + bdf * 4096 + off, width, v >>> 0);
  }

  read8(bdf: number, off: number): number {
    if (this.mmconfig >= 0) return this.ecamRead(bdf, off, 1);
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    return this.io.inb(PORT_PCI_DATA + (off & 3));
  }

  read16(bdf: number, off: number): number {
    if (this.mmconfig >= 0) return this.ecamRead(bdf, off, 2);
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    return this.io.inw(PORT_PCI_DATA + (off & 2));
  }

  read32(bdf: number, off: number): number {
    if (this.mmconfig >= 0) return this.ecamRead(bdf, off, 4) >>> 0;
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    return this.io.inl(PORT_PCI_DATA) >>> 0;
  }

  write8(bdf: number, off: number, v: number): void {
    if (this.mmconfig >= 0) return this.ecamWrite(bdf, off, 1, v & 0xff);
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    this.io.outb(PORT_PCI_DATA + (off & 3), v & 0xff);
  }

  write16(bdf: number, off: number, v: number): void {
    if (this.mmconfig >= 0) return this.ecamWrite(bdf, off, 2, v & 0xffff);
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    this.io.outw(PORT_PCI_DATA + (off & 2), v & 0xffff);
  }

  write32(bdf: number, off: number, v: number): void {
    if (this.mmconfig >= 0) return this.ecamWrite(bdf, off, 4, v);
    this.io.outl(PORT_PCI_CMD, cf8(bdf, off));
    this.io.outl(PORT_PCI_DATA, v >>> 0);
  }

  /** pci_config_maskw: clears `off` bits and sets `on` bits of a 16-bit register. */
  mask16(bdf: number, reg: number, off: number, on: number): void {
    this.write16(bdf, reg, (this.read16(bdf, reg) & ~off) | on);
  }

  /** pci_probe_host: the mechanism exists when CF8 reads back what was written. */
  probeHost(): boolean {
    this.io.outl(PORT_PCI_CMD, 0x8000_0000);
    return this.io.inl(PORT_PCI_CMD) >>> 0 === 0x8000_0000;
  }
}

/** pci_next: the next present function on `bus` after `bdf`, or -1 (function 0 without the multifunction bit skips the slot). */
export function pciNext(cfg: PciConfig, bdf: number, bus: number): number {
  if ((bdf & 7) === 0 && (cfg.read8(bdf, PCI_HEADER_TYPE) & 0x80) === 0) bdf += 8;
  else bdf += 1;
  for (;;) {
    if (bdf >> 8 !== bus) return -1;
    const v = cfg.read16(bdf, PCI_VENDOR_ID);
    if (v !== 0x0000 && v !== 0xffff) return bdf;
    if ((bdf & 7) === 0) bdf += 8;
    else bdf += 1;
  }
}

/** The first present function of `bus` (foreachbdf's start), or -1. */
export function pciFirst(cfg: PciConfig, bus: number): number {
  return pciNext(cfg, (bus << 8) - 1, bus);
}

/** pci_find_capability: the first capability `id` after `cap` (0 = from the list head), or 0. */
export function findCapability(cfg: PciConfig, bdf: number, id: number, cap: number): number {
  if ((cfg.read16(bdf, PCI_STATUS) & PCI_STATUS_CAP_LIST) === 0) return 0;
  cap = cap === 0 ? cfg.read8(bdf, PCI_CAPABILITY_LIST) : cfg.read8(bdf, cap + 1);
  for (let i = 0; cap !== 0 && i <= 0xff; i++) {
    if (cfg.read8(bdf, cap) === id) return cap;
    cap = cfg.read8(bdf, cap + 1);
  }
  return 0;
}

type ConfigHalf = Pick<FirmwareContext, 'configRead8' | 'configRead16' | 'configRead32' | 'configWrite8' | 'configWrite16' | 'configWrite32'>;

/**
 * The config-space half of a FirmwareContext, over one config mechanism, as methods: SeaBIOS's POST context
 * extends it, OVMF's DXE context takes it through configAccessors. Methods rather than arrow functions: a
 * context is made per boot, and its never-called arrow functions kept every boot's state alive across V8's
 * scavenges until the next full GC (docs/performance.md §12).
 */
export class ConfigAccess implements ConfigHalf {
  constructor(protected readonly cfg: PciConfig) {}
  configRead8(bdf: number, off: number): number {
    return this.cfg.read8(bdf, off);
  }
  configRead16(bdf: number, off: number): number {
    return this.cfg.read16(bdf, off);
  }
  configRead32(bdf: number, off: number): number {
    return this.cfg.read32(bdf, off);
  }
  configWrite8(bdf: number, off: number, v: number): void {
    this.cfg.write8(bdf, off, v);
  }
  configWrite16(bdf: number, off: number, v: number): void {
    this.cfg.write16(bdf, off, v);
  }
  configWrite32(bdf: number, off: number, v: number): void {
    this.cfg.write32(bdf, off, v);
  }
}

/** ConfigAccess as own properties, for a context built as an object literal (OVMF's). */
export function configAccessors(cfg: PciConfig): ConfigHalf {
  const a = new ConfigAccess(cfg);
  return {
    configRead8: a.configRead8.bind(a),
    configRead16: a.configRead16.bind(a),
    configRead32: a.configRead32.bind(a),
    configWrite8: a.configWrite8.bind(a),
    configWrite16: a.configWrite16.bind(a),
    configWrite32: a.configWrite32.bind(a),
  };
}

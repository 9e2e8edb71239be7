/**
 * PciBusDxe's enumeration on QEMU (MdeModulePkg/Bus/Pci/PciBusDxe, PciEnumeratorSupport.c PciScanBus /
 * PciSearchDevice / PciParseBar / GatherPpbInfo): depth-first bus numbering, every BAR sized, bridges' windows
 * closed, the ROM sized, and the hot-plug padding OvmfPkg/PciHotPlugInitDxe asks for on hot-plug bridges.
 */
import type { PciConfig } from '../seabios/pci-config.js';
import type { OvmfRelease } from './versions.js';

export type BarKind = 'io' | 'mem32' | 'pmem32' | 'mem64' | 'pmem64';

export interface OvmfBar {
  readonly index: number;
  kind: BarKind;
  readonly length: number;
  /** Size − 1, at least 0xFFF for memory BARs (PciParseBar: "minimum 4KByte alignment for VT-d"). */
  readonly alignment: number;
}

export interface Padding {
  readonly kind: 'io' | 'mem32' | 'pmem32' | 'pmem64';
  readonly length: number;
}

export interface OvmfDevice {
  readonly bdf: number;
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number;
  readonly isBridge: boolean;
  readonly parent: OvmfDevice | null;
  readonly children: OvmfDevice[];
  readonly bars: OvmfBar[];
  /** The ROM BAR size (0 = none). */
  romSize: number;
  /** EFI_BRIDGE_PMEM32/PMEM64_DECODE_SUPPORTED: the bridge has a 64-bit prefetchable window. */
  pmem64Decode: boolean;
  /** Hot-plug padding from PciHotPlugInitDxe GetResourcePadding (bridges only), or null when not hot-plug capable. */
  padding: Padding[] | null;
  secondary: number;
  subordinate: number;
}

const PCI_CAP_ID_EXP = 0x10;
const PCI_CAP_ID_SHPC = 0x0c;
const PCI_CAP_ID_VNDR = 0x09;
const VENDOR_REDHAT = 0x1b36;
const REDHAT_CAP_RESOURCE_RESERVE = 1;
const U32 = 0xffff_ffff;
const TWO32 = 0x1_0000_0000;

function findCap(cfg: PciConfig, bdf: number, id: number, from = 0): number {
  if ((cfg.read16(bdf, 0x06) & 0x10) === 0) return 0;
  let pos = from === 0 ? cfg.read8(bdf, 0x34) & 0xfc : cfg.read8(bdf, from + 1) & 0xfc;
  for (let n = 0; pos !== 0 && n < 48; n++) {
    if (cfg.read8(bdf, pos) === id) return pos;
    pos = cfg.read8(bdf, pos + 1) & 0xfc;
  }
  return 0;
}

/** PciParseBar for BAR `index` at config offset `off`; returns the next offset (64-bit BARs take two). */
function parseBar(cfg: PciConfig, bdf: number, index: number, bars: OvmfBar[]): number {
  const off = 0x10 + index * 4;
  const orig = cfg.read32(bdf, off);
  cfg.write32(bdf, off, U32);
  const value = cfg.read32(bdf, off);
  cfg.write32(bdf, off, orig);
  if (value === 0) return index + 1;
  if ((value & 1) !== 0) {
    const length = (((~(value & 0xffff_fffc) >>> 0) + 1) >>> 0) & 0xffff;
    if (length !== 0) bars.push({ index, kind: 'io', length, alignment: length - 1 });
    return index + 1;
  }
  const prefetch = (value & 0x08) !== 0;
  const lo = (~(value & 0xffff_fff0) >>> 0) + 1;
  if ((value & 0x06) === 0x04) {
    const origHi = cfg.read32(bdf, off + 4);
    cfg.write32(bdf, off + 4, U32);
    const hi = cfg.read32(bdf, off + 4);
    cfg.write32(bdf, off + 4, origHi);
    const length = (~hi >>> 0) * TWO32 + ((~(value & 0xffff_fff0) >>> 0) + 1);
    bars.push({ index, kind: prefetch ? 'pmem64' : 'mem64', length, alignment: Math.max(length, 0x1000) - 1 });
    return index + 2;
  }
  const length = lo % TWO32;
  if (length !== 0) bars.push({ index, kind: prefetch ? 'pmem32' : 'mem32', length, alignment: Math.max(length, 0x1000) - 1 });
  return index + 1;
}

function sizeRom(cfg: PciConfig, bdf: number, off: number): number {
  cfg.write32(bdf, off, 0xffff_fffe);
  const v = cfg.read32(bdf, off) & 0xffff_f800;
  return v === 0 ? 0 : ((~v >>> 0) + 1) >>> 0;
}

/** The QEMU resource-reserve capability (docs/specs/pci-ids / hw/pci/pci_bridge.c) as OVMF's QueryReservationHint reads it. */
interface ReserveHint {
  readonly bus: number;
  readonly io: number | null; // null = firmware default
  readonly mem: number | null;
  readonly pref32: number;
  readonly pref64: number;
}

function reserveHint(cfg: PciConfig, bdf: number): ReserveHint | null {
  if (cfg.read16(bdf, 0x00) !== VENDOR_REDHAT) return null;
  let cap = 0;
  for (;;) {
    cap = findCap(cfg, bdf, PCI_CAP_ID_VNDR, cap);
    if (cap === 0) return null;
    if (cfg.read8(bdf, cap + 3) === REDHAT_CAP_RESOURCE_RESERVE && cfg.read8(bdf, cap + 2) >= 0x20) break;
  }
  const r64 = (o: number): number => cfg.read32(bdf, cap + o + 4) * TWO32 + cfg.read32(bdf, cap + o);
  const io = r64(0x08);
  const mem = cfg.read32(bdf, cap + 0x10);
  return {
    bus: cfg.read32(bdf, cap + 0x04),
    io: cfg.read32(bdf, cap + 0x08) === U32 && cfg.read32(bdf, cap + 0x0c) === U32 ? null : io,
    mem: mem === U32 ? null : mem,
    pref32: cfg.read32(bdf, cap + 0x14),
    pref64: r64(0x18),
  };
}

/** HighBitSetRoundUp: the next power of two ≥ v. */
function roundPow2(v: number): number {
  return 2 ** Math.ceil(Math.log2(v));
}

/**
 * IsPciHotPlugBus (PciHotPlugSupport.c): an SHPC capability, or a PCIe root/downstream port whose slot is
 * hot-plug capable; then GetResourcePadding (OvmfPkg/PciHotPlugInitDxe/PciHotPlugInit.c).
 */
function hotplugPadding(cfg: PciConfig, bdf: number, release: OvmfRelease, mmio64Size: number): Padding[] | null {
  let hotplug = findCap(cfg, bdf, PCI_CAP_ID_SHPC) !== 0;
  const exp = findCap(cfg, bdf, PCI_CAP_ID_EXP);
  if (!hotplug && exp !== 0) {
    const flags = cfg.read16(bdf, exp + 2);
    const type = (flags >> 4) & 0xf;
    const slot = (flags & 0x100) !== 0;
    const hpc = (cfg.read32(bdf, exp + 0x14) & 0x40) !== 0;
    hotplug = (type === 4 || type === 6) && slot && hpc;
  }
  if (!hotplug) return null;
  const pads: Padding[] = [];
  let defIo = release.defaultIoPadding !== 0;
  let defMem = true;
  let defPref = true;
  const hint = reserveHint(cfg, bdf);
  if (hint !== null) {
    if (hint.io === 0) defIo = false;
    else if (hint.io !== null && hint.io !== 2 ** 64 - 1) {
      pads.push({ kind: 'io', length: roundPow2(hint.io) });
      defIo = false;
    }
    if (hint.mem === 0) defMem = false;
    else if (hint.mem !== null) {
      pads.push({ kind: 'mem32', length: roundPow2(hint.mem) });
      defMem = false;
    }
    if (hint.pref32 > 0 && hint.pref32 < U32) {
      pads.push({ kind: 'pmem32', length: roundPow2(hint.pref32) });
      defPref = false;
    } else if (hint.pref64 > 0 && hint.pref64 < 2 ** 64 - 1) {
      pads.push({ kind: 'pmem64', length: roundPow2(hint.pref64) });
      defPref = false;
    }
  }
  if (defIo) pads.push({ kind: 'io', length: roundPow2(release.defaultIoPadding) });
  if (defMem) pads.push({ kind: 'mem32', length: 0x20_0000 });
  // Prefetchable default: 1/256 of the 64-bit aperture, only when it is larger than 32 GiB.
  if (defPref && mmio64Size > 0x8_0000_0000) pads.push({ kind: 'pmem64', length: roundPow2(mmio64Size / 256) });
  return pads;
}

/** Closes a bridge's windows (PciEnumeratorSupport.c GatherPpbInfo / PCI_DISABLE_BRIDGE_CONTROL_REGISTER). */
function closeWindows(cfg: PciConfig, bdf: number): void {
  cfg.write8(bdf, 0x1c, 0xff);
  cfg.write8(bdf, 0x1d, 0x00);
  cfg.write16(bdf, 0x20, 0xffff);
  cfg.write16(bdf, 0x22, 0x0000);
  cfg.write16(bdf, 0x24, 0xffff);
  cfg.write16(bdf, 0x26, 0x0000);
  cfg.write32(bdf, 0x28, U32);
  cfg.write32(bdf, 0x2c, 0);
  cfg.write16(bdf, 0x30, 0xffff);
  cfg.write16(bdf, 0x32, 0);
}

export interface EnumerationContext {
  readonly cfg: PciConfig;
  readonly release: OvmfRelease;
  readonly mmio64Size: number;
  counter: number;
  readonly all: OvmfDevice[];
}

/** PciScanBus: devices 0..31 (functions 1..7 only on multi-function devices), bridges numbered depth-first. */
export function scanBus(ctx: EnumerationContext, bus: number, parent: OvmfDevice | null, children: OvmfDevice[]): void {
  const { cfg } = ctx;
  for (let dev = 0; dev < 32; dev++) {
    for (let fn = 0; fn < 8; fn++) {
      const bdf = (bus << 8) | (dev << 3) | fn;
      const vendor = cfg.read16(bdf, 0x00);
      if (vendor === 0xffff || vendor === 0) {
        if (fn === 0) break;
        continue;
      }
      const header = cfg.read8(bdf, 0x0e);
      const isBridge = (header & 0x7f) === 1;
      const d: OvmfDevice = {
        bdf, vendor, device: cfg.read16(bdf, 0x02), classCode: cfg.read16(bdf, 0x0a), isBridge, parent,
        children: [], bars: [], romSize: 0, pmem64Decode: false, padding: null, secondary: 0, subordinate: 0,
      };
      // Decoding off while the BARs are sized.
      cfg.write16(bdf, 0x04, 0);
      if (isBridge) {
        cfg.write16(bdf, 0x3e, 0);
        for (let i = 0; i < 2; ) i = parseBar(cfg, bdf, i, d.bars);
        const pm = cfg.read32(bdf, 0x24);
        cfg.write32(bdf, 0x24, U32);
        const pmv = cfg.read32(bdf, 0x24);
        cfg.write32(bdf, 0x24, pm);
        d.pmem64Decode = (pmv & 0xf) === 1 && ((pmv >>> 16) & 0xf) === 1;
        closeWindows(cfg, bdf);
        d.romSize = sizeRom(cfg, bdf, 0x38);
        d.padding = hotplugPadding(cfg, bdf, ctx.release, ctx.mmio64Size);
      } else {
        for (let i = 0; i < 6; ) i = parseBar(cfg, bdf, i, d.bars);
        d.romSize = sizeRom(cfg, bdf, 0x30);
      }
      children.push(d);
      ctx.all.push(d);
      if (isBridge) {
        ctx.counter++;
        d.secondary = ctx.counter;
        cfg.write16(bdf, 0x18, bus | (d.secondary << 8));
        cfg.write8(bdf, 0x1a, 0xff);
        scanBus(ctx, d.secondary, d, d.children);
        const hint = reserveHint(cfg, bdf);
        if (d.padding !== null && hint !== null && hint.bus !== 0 && hint.bus !== U32) ctx.counter = Math.min(0xff, ctx.counter + hint.bus);
        d.subordinate = ctx.counter;
        cfg.write8(bdf, 0x1a, d.subordinate);
      }
      if (fn === 0 && (header & 0x80) === 0) break;
    }
  }
}

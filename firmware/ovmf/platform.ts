/**
 * OVMF's PEI platform setup as PlatformInitLib does it on QEMU (OvmfPkg/Library/PlatformInitLib, MemDetect.c and
 * Platform.c at edk2-stable202211 / edk2-stable202502): low and high RAM from fw_cfg etc/e820, the ECAM base
 * programmed into the q35 MCH PCIEXBAR, and the three PCI apertures PciHostBridgeLib hands to PciHostBridgeDxe.
 */
import { PORT_DEBUGCON, type FirmwareIo } from '../io.js';
import { DebugOutput } from '../seabios/debug.js';
import { FwCfgClient } from '../seabios/fwcfg.js';
import type { PciConfig } from '../seabios/pci-config.js';
import type { OvmfRelease } from './versions.js';

export const FOUR_GIB = 0x1_0000_0000;
const ONE_GIB = 0x4000_0000;
const ECAM_SIZE = 0x1000_0000; // 256 buses
/** The end of the 32-bit PCI aperture on i440fx and 2022.11 q35 (Platform.c: "0xFC000000 gap"). */
const MMIO32_END = 0xfc00_0000;
/** PcdPciMmio64Size in OvmfPkgX64.dsc: the classic 64-bit aperture (32 GiB). */
const CLASSIC_MMIO64_SIZE = 0x8_0000_0000;
const E820_RAM = 1;

export const Q35_MCH_DEVICE = 0x29c0; // INTEL_Q35_MCH_DEVICE_ID
export const I440FX_DEVICE = 0x1237; // INTEL_82441_DEVICE_ID
const ICH9_LPC = 0xf8; // 00:1f.0
const PIIX4_PM = 0x0b; // 00:01.3

export interface E820Entry {
  readonly start: number;
  readonly length: number;
  readonly type: number;
}

export interface Aperture {
  readonly base: number;
  /** Exclusive end. */
  readonly end: number;
}

export interface OvmfPlatform {
  readonly q35: boolean;
  readonly e820: readonly E820Entry[];
  /** PlatformInfoHob->LowMemory: the end of RAM below 4 GiB. */
  readonly lowMemory: number;
  /** The end of RAM above 4 GiB (4 GiB when there is none). */
  readonly highMemoryEnd: number;
  readonly ecamBase: number | null;
  readonly io: Aperture;
  readonly mmio32: Aperture;
  readonly mmio64: Aperture | null;
  /** PlatformAddressWidthFromCpuid: the phys-bits OVMF trusted, or 0 when it fell back to guessing. */
  readonly physBits: number;
  readonly fwcfg: FwCfgClient;
}

/** A FirmwareIo whose debug console is absent: Debian's OVMF is a RELEASE build and prints nothing on 0x402. */
function silent(io: FirmwareIo): FirmwareIo {
  return {
    inb: (p) => (p === PORT_DEBUGCON ? 0 : io.inb(p)),
    inw: (p) => io.inw(p),
    inl: (p) => io.inl(p),
    outb: (p, v) => io.outb(p, v),
    outw: (p, v) => io.outw(p, v),
    outl: (p, v) => io.outl(p, v),
    readMem: (a, w) => io.readMem(a, w),
    writeMem: (a, w, v) => io.writeMem(a, w, v),
    readBytes: (a, o) => io.readBytes(a, o),
    writeBytes: (a, d) => io.writeBytes(a, d),
    cpuid: (l, s) => io.cpuid(l, s),
  };
}

function readE820(fwcfg: FwCfgClient): E820Entry[] {
  const buf = fwcfg.file('etc/e820');
  if (buf === undefined) return [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: E820Entry[] = [];
  for (let o = 0; o + 20 <= buf.length; o += 20) {
    out.push({
      start: dv.getUint32(o + 4, true) * FOUR_GIB + dv.getUint32(o, true),
      length: dv.getUint32(o + 12, true) * FOUR_GIB + dv.getUint32(o + 8, true),
      type: dv.getUint32(o + 16, true),
    });
  }
  return out;
}

/** GetPowerOfTwo64: the highest power of two ≤ v. */
export function pow2Floor(v: number): number {
  return v <= 0 ? 0 : 2 ** Math.floor(Math.log2(v));
}

export function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

/**
 * PlatformAddressWidthFromCpuid (QemuQuirk on): the CPUID phys-bits are trusted when ≥ 41, or 36/39 on Intel,
 * or 40 on AMD; without 1 GiB pages (CPUID 0x80000001 EDX bit 26) they are capped at 40. 0 = not trusted.
 */
function trustedPhysBits(io: FirmwareIo, release: OvmfRelease): number {
  const [maxExt] = io.cpuid(0x8000_0000);
  const [, vb, vc, vd] = io.cpuid(0);
  const intel = vb === 0x756e_6547 && vd === 0x4965_6e69 && vc === 0x6c65_746e;
  const amd = vb === 0x6874_7541 && vd === 0x6974_6e65 && vc === 0x444d_4163;
  const page1g = maxExt >>> 0 >= 0x8000_0001 && (io.cpuid(0x8000_0001)[3] & (1 << 26)) !== 0;
  let bits = 36;
  let guestBits = 0;
  if (maxExt >>> 0 >= 0x8000_0008) {
    const eax = io.cpuid(0x8000_0008)[0];
    bits = eax & 0xff;
    guestBits = (eax >>> 16) & 0xff;
  }
  const valid = guestBits !== 0 || bits >= 41 || (intel && (bits === 36 || bits === 39)) || (amd && bits === 40);
  if (!valid) return 0;
  if (guestBits !== 0 && bits > guestBits) bits = guestBits;
  if (bits > release.physBitsCap) bits = release.physBitsCap;
  if (!page1g && bits > 40) bits = 40;
  return bits;
}

/**
 * PlatformGetFirstNonAddress + PlatformAddressWidthInitialization + PlatformDynamicMmioWindow: the classic
 * aperture (PcdPciMmio64Size, or opt/ovmf/X-PciMmio64Mb) above RAM, aligned to its own size; with trusted
 * phys-bits it becomes the top eighth of the address space, and 2025.02 moves it below a reserved e820 range
 * it overlaps (PlatformReservationConflictCB).
 */
function mmio64Aperture(io: FirmwareIo, release: OvmfRelease, fwcfg: FwCfgClient, e820: readonly E820Entry[], highEnd: number): { ap: Aperture | null; physBits: number } {
  let size = CLASSIC_MMIO64_SIZE;
  const knob = fwcfg.file('opt/ovmf/X-PciMmio64Mb');
  if (knob !== undefined) {
    const mb = Number.parseInt(new TextDecoder().decode(knob).replace(/\0+$/, '').trim(), 0);
    if (Number.isInteger(mb) && mb >= 0 && mb <= 0x100_0000) size = mb * 0x10_0000;
  }
  if (size === 0) return { ap: null, physBits: trustedPhysBits(io, release) };
  let base = alignUp(highEnd, ONE_GIB);
  size = alignUp(size, ONE_GIB);
  base = alignUp(base, pow2Floor(size));
  const physBits = trustedPhysBits(io, release);
  if (physBits !== 0) {
    const addrSpace = 2 ** physBits;
    const mmioSpace = 2 ** (physBits - 3);
    if (size < mmioSpace && base + mmioSpace < addrSpace) {
      size = mmioSpace;
      base = addrSpace - mmioSpace;
      if (release.mmio64AvoidsReserved) {
        for (const e of e820) {
          if (Math.max(e.start, base) < Math.min(e.start + e.length, base + size)) {
            base = Math.floor((e.start - size) / size) * size;
          }
        }
      }
    }
  }
  return { ap: { base, end: base + size }, physBits };
}

/** PlatformInitLib on QEMU: reads the machine, programs the chipset (PM base, RCBA, PCIEXBAR) and returns the apertures. */
export function platformInit(io: FirmwareIo, cfg: PciConfig, release: OvmfRelease): OvmfPlatform {
  const hostDevice = cfg.read16(0, 0x02);
  const q35 = hostDevice === Q35_MCH_DEVICE;
  const fwcfg = new FwCfgClient(io, new DebugOutput(silent(io)));
  const e820 = readE820(fwcfg);
  let lowMemory = 0;
  let highEnd = FOUR_GIB;
  for (const e of e820) {
    if (e.type !== E820_RAM) continue;
    const end = e.start + e.length;
    if (end <= FOUR_GIB) lowMemory = Math.max(lowMemory, end);
    else highEnd = Math.max(highEnd, end);
  }
  // PmBase / ACPI enable (OvmfPkg/Library/PlatformInitLib Platform.c PlatformPmInit / AcpiPmControl).
  if (q35) {
    cfg.write32(ICH9_LPC, 0x40, 0x601); // ICH9_PMBASE = 0x600 | 1
    cfg.write8(ICH9_LPC, 0x44, 0x80); // ICH9_ACPI_CNTL_ACPI_EN
    cfg.write32(ICH9_LPC, 0xf0, 0xfed1_c001); // ICH9_RCBA | enable
  } else {
    cfg.write32(PIIX4_PM, 0x40, 0xb001); // PIIX4_PMBA = 0xb000 | 1
    cfg.write8(PIIX4_PM, 0x80, 0x01); // PIIX4_PMREGMISC_PMIOSE
  }
  // Uc32Base (MemDetect.c PlatformQemuUc32BaseInitialization): [LowMemory, 4 GiB) truncated to a power of two.
  const uc32Base = FOUR_GIB - pow2Floor(FOUR_GIB - lowMemory);
  let ecamBase: number | null = null;
  let mmio32: Aperture;
  let io16: Aperture;
  if (q35) {
    // PciExBarInitialization (Platform.c): disable, upper dword, base | enable.
    ecamBase = release.ecamBase;
    cfg.write32(0, 0x60, 0);
    cfg.write32(0, 0x64, 0);
    cfg.write32(0, 0x60, (ecamBase | 1) >>> 0);
    cfg.enableMmconfig(ecamBase);
    mmio32 = release.q35Mmio32 === 'above-ecam' ? { base: ecamBase + ECAM_SIZE, end: MMIO32_END } : { base: uc32Base, end: ecamBase };
    io16 = { base: 0x6000, end: 0x1_0000 };
  } else {
    mmio32 = { base: uc32Base, end: MMIO32_END };
    io16 = { base: 0xc000, end: 0x1_0000 };
  }
  const { ap, physBits } = mmio64Aperture(io, release, fwcfg, e820, highEnd);
  return { q35, e820, lowMemory, highMemoryEnd: highEnd, ecamBase, io: io16, mmio32, mmio64: ap, physBits, fwcfg };
}

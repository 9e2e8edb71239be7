import { PCI_DEVICE_ID, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import { DEVICE_I440FX, DEVICE_Q35_MCH, FOUR_GIB, VENDOR_INTEL } from './constants.js';
import { E820_RAM, E820_RESERVED } from './e820.js';
import type { DebugOutput } from './debug.js';
import type { PciConfig } from './pci-config.js';
import type { FirmwareIo } from '../io.js';
import type { PostState } from './state.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PHYSBITS_SIGNATURE_PAE_LM_PHYS = seabiosFormat('physbits: signature="%s", pae=%s, lm=%s, phys-bits=%d, valid=%s\n');
const F_CPUID_0X_EAX_SIGNATURE = seabiosFormat("cpuid 0x%x: eax %x, signature '%s'\n");
const F_RUNNING_ON_QEMU = seabiosFormat('Running on QEMU (%s)\n');
const F_QEMU_E820_ADDR_0X_LEN = seabiosFormat('qemu/e820: addr 0x%016llx len 0x%016llx [reserved]\n');
const F_QEMU_E820_ADDR_0X_LEN_2 = seabiosFormat('qemu/e820: addr 0x%016llx len 0x%016llx [RAM]\n');

/** The 12 characters of three CPUID registers, as SeaBIOS memcpy's them into a signature. */
function signatureOf(...regs: number[]): string {
  let out = '';
  for (const r of regs) for (let i = 0; i < 4; i++) out += String.fromCharCode((r >>> (8 * i)) & 0xff);
  return out.replace(/\0.*$/s, '');
}

/**
 * physbits(qemu_quirk=1) (rel-1.16.3 src/fw/paravirt.c): the vendor, PAE and long mode, and CPUID 0x80000008's
 * address width — trusted under QEMU only when ≥ 41, or 36/39 on Intel, or 40 on AMD, because QEMU long reported
 * a made-up 40 bits whatever the host had. Returns CPUPhysBits (0 when not trusted) and CPULongMode.
 */
export function detectPhysBits(io: FirmwareIo, debug: DebugOutput): { physBits: number; longMode: boolean } {
  const [max0, b0, c0, d0] = io.cpuid(0);
  const signature = signatureOf(b0, d0, c0);
  const pae = max0 >= 1 && (io.cpuid(1)[3] & (1 << 6)) !== 0;
  const maxExt = io.cpuid(0x8000_0000)[0] >>> 0;
  const longMode = maxExt >= 0x8000_0001 && (io.cpuid(0x8000_0001)[3] & (1 << 29)) !== 0;
  let physBits: number;
  let valid = false;
  if (pae && longMode && maxExt >= 0x8000_0008) {
    physBits = io.cpuid(0x8000_0008)[0] & 0xff;
    if (physBits >= 41) valid = true;
    else if (signature === 'GenuineIntel') valid = physBits === 36 || physBits === 39;
    else if (signature === 'AuthenticAMD') valid = physBits === 40;
  } else {
    physBits = pae ? 36 : 32;
    valid = true;
  }
  const yn = (b: boolean): string => (b ? 'yes' : 'no');
  debug.printf(F_PHYSBITS_SIGNATURE_PAE_LM_PHYS, signature, yn(pae), yn(longMode), physBits, yn(valid));
  return { physBits: valid ? physBits : 0, longMode };
}

/**
 * kvm_detect (rel-1.16.3): walks the hypervisor CPUID leaves 0x40000000, 0x40000100, ... while a leaf's EAX
 * reaches its own number, printing each signature. Only the log matters here: vfio-sim models TCG's vCPU, whose
 * signature is not KVM's, so no KVM clock setup follows.
 */
export function kvmDetect(io: FirmwareIo, debug: DebugOutput): void {
  for (let leaf = 0x4000_0000; leaf < 0x5000_0000; leaf += 0x100) {
    const [eax, ebx, ecx, edx] = io.cpuid(leaf);
    if (eax >>> 0 < leaf) break;
    debug.printf(F_CPUID_0X_EAX_SIGNATURE, leaf, eax >>> 0, signatureOf(ebx, ecx, edx));
  }
}

/** qemu_detect: the host bridge at 00:00.0 tells the machine type. */
export function detectPlatform(cfg: PciConfig, debug: DebugOutput): 'q35' | 'i440fx' | 'unknown' {
  const vendor = cfg.read16(0, PCI_VENDOR_ID);
  const device = cfg.read16(0, PCI_DEVICE_ID);
  if (vendor !== VENDOR_INTEL) return 'unknown';
  const kind = device === DEVICE_Q35_MCH ? 'q35' : device === DEVICE_I440FX ? 'i440fx' : 'unknown';
  if (kind !== 'unknown') debug.printf(F_RUNNING_ON_QEMU, kind);
  return kind;
}

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/**
 * qemu_early_e820: QEMU's etc/e820 (le64 address, le64 length, le32 type per entry) goes into the
 * map; RAM below 4 GiB sets RamSize, above sets RamSizeOver4G. Only RAM entries are logged.
 * Returns false when the file is missing (SeaBIOS would then fall back to CMOS sizes).
 */
export function earlyE820(s: PostState): boolean {
  const buf = s.fwcfg.file('etc/e820');
  if (buf === undefined) return false;
  // Read byte by byte, not through a DataView: a view asks for the array's `buffer`, which moves V8's small
  // on-heap array (a few entries of 20 bytes) to a backing store of its own, every boot.
  for (let o = 0; o + 20 <= buf.length; o += 20) {
    const addr = le32(buf, o + 4) * FOUR_GIB + le32(buf, o);
    const len = le32(buf, o + 12) * FOUR_GIB + le32(buf, o + 8);
    const type = le32(buf, o + 16);
    s.e820.add(addr, len, type);
    if (type === E820_RESERVED && s.release.logsReservedE820) {
      s.debug.printf(F_QEMU_E820_ADDR_0X_LEN, addr, len);
    }
    if (type !== E820_RAM) continue;
    s.debug.printf(F_QEMU_E820_ADDR_0X_LEN_2, addr, len);
    if (addr < FOUR_GIB) {
      if (s.ramSize < addr + len) s.ramSize = addr + len;
    } else if (s.ramSizeOver4G < addr + len - FOUR_GIB) {
      s.ramSizeOver4G = addr + len - FOUR_GIB;
    }
  }
  return true;
}

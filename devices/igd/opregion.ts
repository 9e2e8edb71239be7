import { own } from '../own.js';
import type { HostIgd } from './host.js';

/**
 * The IGD OpRegion as the host kernel's vfio region presents it (docs/igd.md §5.1, §5.2, §9): an 8 KiB
 * "IntelGraphicsMem" block, plus the extended VBT appended for OpRegion 2.1 (version word 0x0201,
 * RVDA = 0x2000 relative to the OpRegion, RVDS = its size). The VBT content is synthetic but well
 * formed ("$VBT" header with checksum, "BIOS_DATA_BLOCK" header), so copies can be compared byte for byte.
 */
export const OPREGION_SIZE = 0x2000;
export const OPREGION_SIGNATURE = 'IntelGraphicsMem';
export const OPREGION_SIZE_FIELD = 0x10; // u32, KiB
export const OPREGION_OVER = 0x14; // rsvd, revision, minor, major
export const OPREGION_VERSION = 0x16; // u16 = minor | major << 8 (what the kernel reads)
export const OPREGION_SVER = 0x18;
export const OPREGION_VVER = 0x38;
export const OPREGION_MBOX = 0x58;
export const OPREGION_ASLE = 0x300;
export const OPREGION_RVDA = 0x3ba; // u64
export const OPREGION_RVDS = 0x3c2; // u32
export const OPREGION_VBT = 0x400; // mailbox 4
export const OPREGION_VBT_MAX = 0x1800;
/** MBOX bits: MB1 public ACPI, MB2 SWSCI, MB3 ASLE, MB4 VBT, MB5 ASLE_EXT. docs/igd.md §5.2. */
export const MBOX_ACPI = 0x1;
export const MBOX_SWSCI = 0x2;
export const MBOX_ASLE = 0x4;
export const MBOX_VBT = 0x8;
export const MBOX_ASLE_EXT = 0x10;
/** Size of the extended VBT a 2.1 host carries (larger than mailbox 4, the reason RVDA exists). */
export const EXTENDED_VBT_SIZE = 0x2400;

const VBT_HEADER_SIZE = 0x30;
const BDB_HEADER_SIZE = 0x16;
const BDB_SIGNATURE = 'BIOS_DATA_BLOCK ';
/** BDB version per generation, roughly as platforms shipped (i915 reads it; nothing here depends on it). */
const BDB_VERSION: Readonly<Record<number, number>> = { 6: 163, 7: 174, 8: 187, 9: 211, 10: 221, 11: 228, 12: 235 };
const PLATFORM_TAG: Readonly<Record<string, string>> = {
  snb: 'SANDYBRIDGE', ivb: 'IVYBRIDGE', hsw: 'HASWELL', bdw: 'BROADWELL', skl: 'SKYLAKE', kbl: 'KABYLAKE',
  cfl: 'COFFEELAKE', cnl: 'CANNONLAKE', icl: 'ICELAKE', tgl: 'TIGERLAKE', adl: 'ALDERLAKE',
};

function ascii(buf: Uint8Array, at: number, text: string, max: number): void {
  for (let i = 0; i < text.length && i < max; i++) buf[at + i] = text.charCodeAt(i) & 0x7f;
}

/** A VBT of `size` bytes: header, BDB header, deterministic block bytes, checksum over the whole VBT = 0. */
export function buildVbt(host: HostIgd, size: number): Uint8Array {
  const v = new Uint8Array(size);
  const dv = new DataView(v.buffer);
  ascii(v, 0, `$VBT ${own(PLATFORM_TAG, host.name) ?? 'INTEL'}`, 20);
  dv.setUint16(0x14, 100, true); // VBT version
  dv.setUint16(0x16, VBT_HEADER_SIZE, true);
  dv.setUint16(0x18, size, true);
  dv.setUint32(0x1c, VBT_HEADER_SIZE, true); // bdb_offset
  ascii(v, VBT_HEADER_SIZE, BDB_SIGNATURE, 16);
  dv.setUint16(VBT_HEADER_SIZE + 0x10, BDB_VERSION[host.gen] ?? 200, true);
  dv.setUint16(VBT_HEADER_SIZE + 0x12, BDB_HEADER_SIZE, true);
  dv.setUint16(VBT_HEADER_SIZE + 0x14, size - VBT_HEADER_SIZE, true);
  // Block bytes: a pattern seeded by the device ID, so two hosts' VBTs differ.
  let x = host.deviceId | 1;
  for (let i = VBT_HEADER_SIZE + BDB_HEADER_SIZE; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    v[i] = x >>> 24;
  }
  v[0x1a] = 0;
  let sum = 0;
  for (const b of v) sum = (sum + b) & 0xff;
  v[0x1a] = (0x100 - sum) & 0xff;
  return v;
}

/**
 * The bytes of the kernel's OpRegion region (what QEMU copies into `etc/igd-opregion`). With an extended VBT the
 * kernel exposes OpRegion and VBT as one contiguous range in the 2.1 layout whatever the host has: a 2.0 host's
 * absolute RVDA becomes version 0x0201 with RVDA = 0x2000 relative (drivers/vfio/pci/vfio_pci_igd.c
 * vfio_pci_igd_opregion_init: "only contiguous VBT after OpRegion with version 2.1+ is exposed"). So the file is
 * 0x2000 bytes, or 0x2000 + RVDS (0x4200 for an 8.5 KiB VBT).
 */
export function buildOpRegion(host: HostIgd): Uint8Array {
  const vbt = host.extendedVbt;
  const extended = vbt > 0;
  const total = OPREGION_SIZE + vbt;
  const op = new Uint8Array(total);
  const dv = new DataView(op.buffer);
  ascii(op, 0, OPREGION_SIGNATURE, 16);
  dv.setUint32(OPREGION_SIZE_FIELD, OPREGION_SIZE / 1024, true);
  op[OPREGION_OVER + 1] = 0; // revision
  op[OPREGION_OVER + 2] = extended || host.opregionVersion === '2.1' ? 1 : 0; // minor
  op[OPREGION_OVER + 3] = 2; // major
  ascii(op, OPREGION_SVER, 'vfio-sim host BIOS', 32);
  ascii(op, OPREGION_VVER, `vBIOS ${host.name}`, 16);
  dv.setUint32(OPREGION_MBOX, MBOX_ACPI | MBOX_SWSCI | MBOX_ASLE | MBOX_VBT | (extended ? MBOX_ASLE_EXT : 0), true);
  if (extended) {
    dv.setBigUint64(OPREGION_RVDA, BigInt(OPREGION_SIZE), true);
    dv.setUint32(OPREGION_RVDS, vbt, true);
    op.set(buildVbt(host, vbt), OPREGION_SIZE);
  } else {
    op.set(buildVbt(host, 0x200), OPREGION_VBT);
  }
  return op;
}

/** The OpRegion version word (0x16) as i915 and the kernel read it. */
export function opregionVersion(op: Uint8Array): number {
  return op[OPREGION_VERSION]! | (op[OPREGION_VERSION + 1]! << 8);
}

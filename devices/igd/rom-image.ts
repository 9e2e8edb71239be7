/**
 * A PCI expansion ROM file as users pass it in `romfile=`: a chain of images, each with the 0x55AA header, a PCI Data
 * Structure ("PCIR": vendor/device, PCI 3.0 device list, image length in 512-byte units, code type, last-image bit)
 * and, for EFI images (code type 3), the EFI header (signature 0x0EF1, subsystem, machine type, compression).
 * Layouts: PCI Firmware Specification 3.0 §5.1 (ROM header, PCIR); UEFI 2.x §14.4.2 (EFI PCI option ROM header);
 * edk2 MdePkg/Include/IndustryStandard/Pci22.h / Pci30.h / EfiPci.h. Bad or truncated files give a message, never
 * an exception: this reads untrusted user files.
 */
export type RomCodeType = 'legacy' | 'open-firmware' | 'hp-pa-risc' | 'efi' | 'unknown';

export interface RomImageInfo {
  /** Offset of the image in the file. */
  readonly offset: number;
  /** Bytes the PCIR image length announces. */
  readonly length: number;
  readonly vendor: number;
  readonly device: number;
  /** PCI 3.0 device list (empty before revision 3 or without a list). */
  readonly deviceList: readonly number[];
  /** Class code (24-bit). */
  readonly classCode: number;
  readonly codeType: RomCodeType;
  readonly last: boolean;
  /** Legacy images: the byte sum over the image is 0 (the BIOS skips images whose sum is not). */
  readonly checksumOk: boolean | null;
  readonly efi: {
    readonly subsystem: 'application' | 'boot-service-driver' | 'runtime-driver' | 'unknown';
    readonly machine: 'ia32' | 'x64' | 'aarch64' | 'ebc' | 'unknown';
    readonly compressed: boolean;
  } | null;
  /** Components recognised by name inside the image (uncompressed images only). */
  readonly holds: readonly string[];
}

export interface RomFileInfo {
  readonly size: number;
  readonly images: readonly RomImageInfo[];
  /** Why parsing stopped early or what is wrong, in words; empty for a well-formed file. */
  readonly problems: readonly string[];
}

const ROM_SIGNATURE = 0xaa55;
const PCIR = 0x52494350; // "PCIR" little-endian
const EFI_SIGNATURE = 0x0ef1;
const MAX_IMAGES = 32;
const CODE_TYPES: readonly RomCodeType[] = ['legacy', 'open-firmware', 'hp-pa-risc', 'efi'];
const SUBSYSTEMS: Readonly<Record<number, 'application' | 'boot-service-driver' | 'runtime-driver'>> = { 10: 'application', 11: 'boot-service-driver', 12: 'runtime-driver' };
const MACHINES: Readonly<Record<number, 'ia32' | 'x64' | 'aarch64' | 'ebc'>> = { 0x014c: 'ia32', 0x8664: 'x64', 0xaa64: 'aarch64', 0x0ebc: 'ebc' };

/** Names whose presence (ASCII, or UTF-16LE as PE resources and PDB paths carry them) identifies a component. */
const SIGNATURES: readonly (readonly [string, string])[] = [
  ['IgdAssignmentDxe', 'IgdAssignmentDxe'],
  ['PlatformGopPolicy', 'PlatformGopPolicy'],
  ['IntelGopDriver', 'IntelGopDriver'],
  ['Intel(R) GOP Driver', 'IntelGopDriver'],
];

const hex = (n: number): string => `0x${n.toString(16)}`;

function contains(bytes: Uint8Array, text: string): boolean {
  const ascii = Uint8Array.from(text, (c) => c.charCodeAt(0));
  const wide = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) wide[2 * i] = text.charCodeAt(i);
  return indexOf(bytes, ascii) >= 0 || indexOf(bytes, wide) >= 0;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** Parses every image of a ROM file. */
export function parseRomImage(bytes: Uint8Array): RomFileInfo {
  const images: RomImageInfo[] = [];
  const problems: string[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => dv.getUint16(at, true);
  let at = 0;
  while (images.length < MAX_IMAGES) {
    if (at + 0x1a > bytes.length) {
      problems.push(images.length === 0 ? `${bytes.length} bytes: too short for a PCI expansion ROM header (0x1a bytes)` : `truncated at ${hex(at)}: the previous image is not marked last`);
      break;
    }
    if (u16(at) !== ROM_SIGNATURE) {
      problems.push(`no ROM signature 55 aa at ${hex(at)} (found ${bytes[at]!.toString(16).padStart(2, '0')} ${bytes[at + 1]!.toString(16).padStart(2, '0')})${images.length === 0 ? ': not a PCI expansion ROM' : ''}`);
      break;
    }
    const pcir = at + u16(at + 0x18);
    if (pcir + 0x18 > bytes.length) {
      problems.push(`image at ${hex(at)}: PCI data structure pointer ${hex(pcir - at)} is past the end of the file`);
      break;
    }
    if (dv.getUint32(pcir, true) !== PCIR) {
      problems.push(`image at ${hex(at)}: no "PCIR" signature at ${hex(pcir)}`);
      break;
    }
    const revision = bytes[pcir + 0x0c]!;
    const length = u16(pcir + 0x10) * 512;
    const codeByte = bytes[pcir + 0x14]!;
    const codeType = CODE_TYPES[codeByte] ?? 'unknown';
    const last = (bytes[pcir + 0x15]! & 0x80) !== 0;
    const listPtr = u16(pcir + 0x08);
    const deviceList: number[] = [];
    if (revision >= 3 && listPtr !== 0) {
      for (let p = pcir + listPtr; p + 2 <= bytes.length && deviceList.length < 256; p += 2) {
        const id = u16(p);
        if (id === 0) break;
        deviceList.push(id);
      }
    }
    if (length === 0) {
      problems.push(`image at ${hex(at)}: image length 0`);
      break;
    }
    const end = at + length;
    const truncated = end > bytes.length;
    if (truncated) problems.push(`image at ${hex(at)}: ${length} bytes announced, only ${bytes.length - at} in the file (truncated)`);
    const body = bytes.subarray(at, Math.min(end, bytes.length));
    let efi: RomImageInfo['efi'] = null;
    if (codeType === 'efi') {
      if (dv.getUint32(at + 0x04, true) !== EFI_SIGNATURE) problems.push(`image at ${hex(at)}: code type EFI without the EFI signature 0x0ef1`);
      efi = { subsystem: SUBSYSTEMS[u16(at + 0x08)] ?? 'unknown', machine: MACHINES[u16(at + 0x0a)] ?? 'unknown', compressed: u16(at + 0x0c) === 1 };
    }
    let checksumOk: boolean | null = null;
    if (codeType === 'legacy' && !truncated) {
      let sum = 0;
      for (const b of body) sum = (sum + b) & 0xff;
      checksumOk = sum === 0;
    }
    const holds = efi?.compressed === true ? [] : [...new Set(SIGNATURES.filter(([s]) => contains(body, s)).map(([, name]) => name))];
    images.push({
      offset: at, length, vendor: u16(pcir + 0x04), device: u16(pcir + 0x06), deviceList, classCode: bytes[pcir + 0x0d]! | (bytes[pcir + 0x0e]! << 8) | (bytes[pcir + 0x0f]! << 16),
      codeType, last, checksumOk, efi, holds,
    });
    if (last || truncated) break;
    at = end;
  }
  if (images.length === MAX_IMAGES) problems.push(`more than ${MAX_IMAGES} images: stopped`);
  return { size: bytes.length, images, problems };
}

/** What a ROM file means for one assigned IGD: its parts in words and whether an image claims the device. */
export interface RomVerdict {
  readonly holds: readonly string[];
  /** An image whose PCIR device ID or device list names `deviceId` (vendor 8086). */
  readonly matches: boolean;
  readonly notes: readonly string[];
}

export function romVerdict(info: RomFileInfo, deviceId: number, gen: number): RomVerdict {
  const holds: string[] = [];
  const notes: string[] = [...info.problems];
  let matches = false;
  for (const img of info.images) {
    const claims = img.vendor === 0x8086 && (img.device === deviceId || img.deviceList.includes(deviceId));
    matches ||= claims;
    if (img.codeType === 'legacy') {
      holds.push(img.vendor === 0x8086 && img.classCode >> 8 === 0x0300 ? 'a legacy VBIOS' : `a legacy option ROM (${img.vendor.toString(16)}:${img.device.toString(16)})`);
      if (img.checksumOk === false) notes.push(`the legacy image at ${hex(img.offset)} has a bad checksum (SeaBIOS skips it; QEMU 10.x patches IGD ROM checksums)`);
    } else if (img.codeType === 'efi') {
      const what = img.holds.length > 0 ? img.holds.join(' + ') : img.efi?.compressed === true ? 'a compressed EFI driver (contents not readable here)' : 'an EFI driver';
      holds.push(`${what} (${img.efi?.machine ?? 'unknown'})`);
      if (img.efi !== null && img.efi.machine !== 'x64') notes.push(`the EFI image at ${hex(img.offset)} is for ${img.efi.machine}, not x64: OVMF will not load it`);
    } else holds.push(`a ${img.codeType} image`);
  }
  if (!matches) notes.push(`no image claims 8086:${deviceId.toString(16).padStart(4, '0')} (PCIR device ID or device list): firmware may skip the ROM`);
  const legacy = info.images.some((i) => i.codeType === 'legacy');
  const efi = info.images.some((i) => i.codeType === 'efi');
  if (gen >= 11 && legacy && !efi) notes.push(`gen ${gen} has no legacy VBIOS: a legacy-only ROM gives no pre-OS display; the GOP needs an EFI image`);
  if (efi && !info.images.some((i) => i.holds.includes('IgdAssignmentDxe'))) notes.push('no IgdAssignmentDxe found: OVMF will not set up BDSM and the OpRegion (unless compressed and present)');
  return { holds, matches, notes };
}

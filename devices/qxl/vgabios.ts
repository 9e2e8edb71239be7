import { PCI_CLASS_DISPLAY_VGA, QXL_DEVICE_ID_STABLE, QXL_VGA_BIOS_BYTES, QXL_VGA_ROM_SIZE, REDHAT_PCI_VENDOR_ID } from './constants.js';

/**
 * A stand-in for vgabios-qxl.bin (SeaVGABIOS for QXL, which we do not ship): a well-formed legacy option ROM
 * with the QXL ids in its PCI data structure, so the ROM BAR decodes, sizes (64 KiB) and scans as QEMU's does.
 * Layout: PCI Firmware Spec 3.0 §5.1 (0x55AA, size in 512-byte units, entry at 3, PCIR pointer at 0x18).
 */
export function qxlVgaBiosImage(): Uint8Array {
  return IMAGE;
}

function buildImage(): Uint8Array {
  const rom = new Uint8Array(QXL_VGA_ROM_SIZE);
  const imageBlocks = QXL_VGA_BIOS_BYTES / 512; // the real file's size; the BAR is the next power of two
  rom[0] = 0x55;
  rom[1] = 0xaa;
  rom[2] = imageBlocks;
  rom[3] = 0xcb; // entry point: retf (nothing to initialise)
  const pcir = 0x20;
  rom[0x18] = pcir;
  rom.set([0x50, 0x43, 0x49, 0x52], pcir); // "PCIR"
  const dv = new DataView(rom.buffer);
  dv.setUint16(pcir + 4, REDHAT_PCI_VENDOR_ID, true);
  dv.setUint16(pcir + 6, QXL_DEVICE_ID_STABLE, true);
  dv.setUint16(pcir + 0x0a, 0x18, true); // structure length
  rom[pcir + 0x0c] = 0; // revision
  rom[pcir + 0x0d] = 0x00; // class code: prog-if, subclass, base class (03 00 00)
  rom[pcir + 0x0e] = PCI_CLASS_DISPLAY_VGA & 0xff;
  rom[pcir + 0x0f] = PCI_CLASS_DISPLAY_VGA >> 8;
  dv.setUint16(pcir + 0x10, imageBlocks, true);
  rom[pcir + 0x14] = 0; // code type: x86
  rom[pcir + 0x15] = 0x80; // last image
  rom.set([...'QXL VGA BIOS (vfio-sim stand-in)'].map((c) => c.charCodeAt(0)), 0x40);
  let sum = 0;
  for (let i = 0; i < imageBlocks * 512 - 1; i++) sum = (sum + rom[i]!) & 0xff;
  rom[imageBlocks * 512 - 1] = (256 - sum) & 0xff;
  return rom;
}

/**
 * Identical for every device and never written (the ROM BAR only reads it): built once, when the module loads,
 * rather than per device (boot speed) or on first use (which would need module state). It costs one 64 KiB
 * buffer and a checksum loop.
 */
const IMAGE: Uint8Array = buildImage();

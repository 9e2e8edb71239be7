import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRomImage, romVerdict } from '../../devices/igd/rom-image.js';
import { runCli } from '../cli/run-cli.js';

interface ImageSpec {
  code: 0 | 3;
  device: number;
  list?: number[];
  last: boolean;
  blocks?: number; // 512-byte units
  machine?: number;
  compressed?: boolean;
  text?: string; // embedded (ASCII, or UTF-16LE when wide)
  wide?: boolean;
  badSum?: boolean;
}

/** A synthetic PCI expansion ROM image: header, PCIR (revision 3, device list), EFI header for code type 3. */
function image(s: ImageSpec): Uint8Array {
  const size = (s.blocks ?? 2) * 512;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0xaa55, true);
  dv.setUint16(2, size / 512, true);
  const pcir = 0x40;
  dv.setUint16(0x18, pcir, true);
  if (s.code === 3) {
    dv.setUint32(4, 0x0ef1, true);
    dv.setUint16(8, 11, true); // boot service driver
    dv.setUint16(0x0a, s.machine ?? 0x8664, true);
    dv.setUint16(0x0c, s.compressed === true ? 1 : 0, true);
    dv.setUint16(0x16, 0x80, true);
  }
  b.set([0x50, 0x43, 0x49, 0x52], pcir); // "PCIR"
  dv.setUint16(pcir + 4, 0x8086, true);
  dv.setUint16(pcir + 6, s.device, true);
  const list = s.list ?? [];
  dv.setUint16(pcir + 8, list.length > 0 ? 0x1c : 0, true);
  dv.setUint16(pcir + 0x0a, 0x1c, true);
  b[pcir + 0x0c] = 3;
  b[pcir + 0x0d] = 0x00; b[pcir + 0x0e] = 0x00; b[pcir + 0x0f] = 0x03; // class 030000
  dv.setUint16(pcir + 0x10, size / 512, true);
  b[pcir + 0x14] = s.code;
  b[pcir + 0x15] = s.last ? 0x80 : 0;
  list.forEach((id, i) => dv.setUint16(pcir + 0x1c + 2 * i, id, true));
  if (s.text !== undefined) {
    const t = s.text;
    for (let i = 0; i < t.length; i++) {
      if (s.wide === true) b[0x100 + 2 * i] = t.charCodeAt(i);
      else b[0x100 + i] = t.charCodeAt(i);
    }
  }
  if (s.code === 0) {
    let sum = 0;
    for (const x of b) sum = (sum + x) & 0xff;
    b[size - 1] = (0x100 - sum + (s.badSum === true ? 1 : 0)) & 0xff;
  }
  return b;
}
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('romfile images (PCI expansion ROM headers, PCIR, EFI headers)', () => {
  it('reads a legacy VBIOS followed by an uncompressed x64 EFI driver holding IgdAssignmentDxe and the GOP', () => {
    const rom = cat(
      image({ code: 0, device: 0x0412, last: false, blocks: 4 }),
      image({ code: 3, device: 0x46d1, list: [0x46d0, 0x46d1, 0x46d2], last: true, text: 'IgdAssignmentDxe.efi PlatformGopPolicy Intel(R) GOP Driver', wide: true }),
    );
    const info = parseRomImage(rom);
    expect(info.problems).toEqual([]);
    expect(info.images.map((i) => [i.offset, i.length, i.codeType, i.device, i.last, i.checksumOk])).toEqual([
      [0, 2048, 'legacy', 0x0412, false, true],
      [2048, 1024, 'efi', 0x46d1, true, null],
    ]);
    expect(info.images[1]).toMatchObject({ deviceList: [0x46d0, 0x46d1, 0x46d2], efi: { subsystem: 'boot-service-driver', machine: 'x64', compressed: false }, holds: ['IgdAssignmentDxe', 'PlatformGopPolicy', 'IntelGopDriver'] });
    expect(romVerdict(info, 0x46d0, 12)).toEqual({
      holds: ['a legacy VBIOS', 'IgdAssignmentDxe + PlatformGopPolicy + IntelGopDriver (x64)'],
      matches: true,
      notes: [],
    });
  });

  it('a compressed EFI image: contents unknown, and it says the ROM does not claim another device', () => {
    const info = parseRomImage(image({ code: 3, device: 0x9a49, last: true, compressed: true, text: 'IgdAssignmentDxe' }));
    expect(info.images[0]!.holds).toEqual([]);
    expect(romVerdict(info, 0x46d1, 12)).toEqual({
      holds: ['a compressed EFI driver (contents not readable here) (x64)'],
      matches: false,
      notes: [
        'no image claims 8086:46d1 (PCIR device ID or device list): firmware may skip the ROM',
        'no IgdAssignmentDxe found: OVMF will not set up BDSM and the OpRegion (unless compressed and present)',
      ],
    });
  });

  it('a legacy-only ROM for gen 11+: no pre-OS display; a bad checksum is reported', () => {
    const info = parseRomImage(image({ code: 0, device: 0x9a49, last: true, badSum: true }));
    expect(romVerdict(info, 0x9a49, 12).notes).toEqual([
      'the legacy image at 0x0 has a bad checksum (SeaBIOS skips it; QEMU 10.x patches IGD ROM checksums)',
      'gen 12 has no legacy VBIOS: a legacy-only ROM gives no pre-OS display; the GOP needs an EFI image',
    ]);
  });

  it('bad and truncated files get one clear message each, never an exception', () => {
    expect(parseRomImage(new Uint8Array(4)).problems).toEqual(['4 bytes: too short for a PCI expansion ROM header (0x1a bytes)']);
    expect(parseRomImage(new Uint8Array(0x200).fill(0x4d)).problems).toEqual(['no ROM signature 55 aa at 0x0 (found 4d 4d): not a PCI expansion ROM']);
    const cut = image({ code: 3, device: 0x46d1, last: true, blocks: 8 }).subarray(0, 0x300);
    expect(parseRomImage(cut)).toMatchObject({ images: [{ length: 4096 }], problems: ['image at 0x0: 4096 bytes announced, only 768 in the file (truncated)'] });
    const noPcir = image({ code: 0, device: 1, last: true });
    noPcir[0x40] = 0;
    expect(parseRomImage(noPcir).problems).toEqual(['image at 0x0: no "PCIR" signature at 0x40']);
    const farPcir = image({ code: 0, device: 1, last: true });
    farPcir[0x18] = 0xff; farPcir[0x19] = 0xff;
    expect(parseRomImage(farPcir).problems).toEqual(['image at 0x0: PCI data structure pointer 0xffff is past the end of the file']);
    const chain = image({ code: 0, device: 1, last: false });
    expect(parseRomImage(chain).problems).toEqual(['truncated at 0x400: the previous image is not marked last']);
    for (let seed = 1; seed < 200; seed++) {
      const junk = new Uint8Array(64 + seed * 7).map((_, i) => (i * 131 + seed * 17) & 0xff);
      junk[0] = 0x55; junk[1] = 0xaa;
      expect(() => parseRomImage(junk)).not.toThrow();
    }
  });

  it('vfio-sim rom FILE --device-id: a summary line per image and the verdict; a non-ROM file is exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'igd-rom-'));
    writeFileSync(join(dir, 'efi.rom'), image({ code: 3, device: 0x46d1, last: true, text: 'IgdAssignmentDxe' }));
    const r = await runCli('rom', join(dir, 'efi.rom'), '--device-id', '0x46d1');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(1)).toEqual([
      '  @0x0 1024 bytes efi x64 boot-service-driver 8086:46d1 class 030000 last holds IgdAssignmentDxe',
      '  for 8086:46d1: matches; holds IgdAssignmentDxe (x64)',
      '',
    ]);
    writeFileSync(join(dir, 'bad.rom'), 'MZ not a rom');
    const bad = await runCli('rom', join(dir, 'bad.rom'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${join(dir, 'bad.rom')}: 12 bytes: too short for a PCI expansion ROM header (0x1a bytes)\n`);
  });
});

describe("the IGD's romfile in the boot report", () => {
  it('parses the image named by romfile= (relative to the config) and says whether it claims the device', async () => {
    const { bootSpec } = await import('../../vmm/core/boot/index.js');
    const { specOf, igdYaml } = await import('./helpers.js');
    const dir = mkdtempSync(join(tmpdir(), 'igd-romfile-'));
    writeFileSync(join(dir, 'n100.rom'), image({ code: 3, device: 0x46d1, last: true, text: 'IgdAssignmentDxe PlatformGopPolicy IntelGopDriver' }));
    const yaml = igdYaml('q35', '4G', '{ generation: adl-n }', '{ romfile: n100.rom }');
    const r = bootSpec(specOf(yaml), { configPath: join(dir, 'm.yaml'), strategy: 'uefi-reserved' }).report;
    expect(r.igd?.romfile).toMatchObject({ path: 'n100.rom', found: true, size: 1024, holds: ['IgdAssignmentDxe + PlatformGopPolicy + IntelGopDriver (x64)'], matches: true, notes: [] });
    const other = bootSpec(specOf(igdYaml('q35', '4G', '{ generation: tgl }', '{ romfile: n100.rom }')), { configPath: join(dir, 'm.yaml') }).report;
    expect(other.igd?.romfile?.notes).toEqual(['no image claims 8086:9a49 (PCIR device ID or device list): firmware may skip the ROM']);
    const missing = bootSpec(specOf(igdYaml('q35', '4G', '{ generation: tgl }', '{ romfile: gone.rom }')), { configPath: join(dir, 'm.yaml') }).report;
    expect(missing.igd?.romfile).toMatchObject({ found: false, notes: ['gone.rom: ENOENT: QEMU would stop with "failed to find romfile" if it is missing on the host too'] });
  });
});

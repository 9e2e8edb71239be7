import { IGD_QEMU_LINES, lineGen } from '../../devices/igd/qemu-lines.js';
import { platformGmch } from '../../devices/igd/tables.js';
import { describe, expect, it } from 'vitest';
import {
  bar0Size, bdsmRegister, chvGmsSize, decodePte, encodeGmch, encodePte, ggmsSize, gmchFields, gmsEncodable, gmsSize,
  gttMaxIndex, gttOffset, IGD_GENERATIONS, mtlGmsSize, pteSize, qemu10Gen, 
} from '../../devices/igd/tables.js';
import { resolveHostIgd } from '../../devices/igd/host.js';

const MiB = 0x10_0000;
const GEN_OF = IGD_GENERATIONS;

describe('GMS → stolen size (docs/igd.md §11.1)', () => {
  it('multiplies by 32 MiB on gen 6, 7 and 8', () => {
    for (const gen of [6, 7, 8]) {
      expect([0x00, 0x01, 0x02, 0x10].map((g) => gmsSize(gen, g))).toEqual([0, 32 * MiB, 64 * MiB, 512 * MiB]);
    }
    expect([0x20, 0x40].map((g) => gmsSize(8, g))).toEqual([1024 * MiB, 2048 * MiB]);
  });

  it('adds the 4 MiB steps 0xF0..0xFE from gen 9 on (skl kbl cfl icl tgl adl)', () => {
    for (const name of ['skl', 'kbl', 'cfl', 'icl', 'tgl', 'adl']) {
      const gen = GEN_OF[name]!;
      expect([0x01, 0x02, 0x40].map((g) => gmsSize(gen, g)), name).toEqual([32 * MiB, 64 * MiB, 2048 * MiB]);
      expect([0xf0, 0xf1, 0xfe].map((g) => gmsSize(gen, g)), name).toEqual([4 * MiB, 8 * MiB, 60 * MiB]);
    }
  });

  it('decodes CHV and MTL tables', () => {
    expect([0x11, 0x16, 0x17, 0x1d].map(chvGmsSize)).toEqual([8 * MiB, 28 * MiB, 36 * MiB, 60 * MiB]);
    expect(mtlGmsSize(0x04)).toBe(128 * MiB);
    expect(mtlGmsSize(0x05)).toBe(-1);
  });

  it('accepts only what each generation can encode', () => {
    expect(gmsEncodable(6, 0x10)).toBe(true);
    expect(gmsEncodable(7, 0x11)).toBe(false);
    expect(gmsEncodable(8, 0x40)).toBe(true);
    expect(gmsEncodable(8, 0xf0)).toBe(false);
    expect(gmsEncodable(9, 0xfe)).toBe(true);
    expect(gmsEncodable(12, 0xff)).toBe(false);
    expect(gmsEncodable(12, 0x41)).toBe(false);
  });
});

describe('GGMS → GTT size and QEMU gtt_max (docs/igd.md §11.2)', () => {
  it('is linear on gen 6/7 and a power of two from gen 8, 0 meaning none', () => {
    for (const name of ['snb', 'ivb', 'hsw']) expect([1, 2].map((g) => ggmsSize(GEN_OF[name]!, g))).toEqual([MiB, 2 * MiB]);
    for (const name of ['bdw', 'skl', 'kbl', 'cfl', 'icl', 'tgl', 'adl']) {
      expect([0, 1, 2, 3].map((g) => ggmsSize(GEN_OF[name]!, g)), name).toEqual([0, 2 * MiB, 4 * MiB, 8 * MiB]);
    }
  });

  it('gives the BAR4 quirk bounds 0x800, 0x400, 0x4000, 0x1000', () => {
    expect(gttMaxIndex(6, 2 * MiB)).toBe(0x800);
    expect(gttMaxIndex(6, MiB)).toBe(0x400);
    expect(gttMaxIndex(8, 8 * MiB)).toBe(0x4000);
    expect(gttMaxIndex(8, 2 * MiB)).toBe(0x1000);
  });
});

describe('GMCH fields (docs/igd.md §2.1)', () => {
  it('reads GMS at bits 7:3 and GGMS at 9:8 on gen 6/7, GMS 15:8 and GGMS 7:6 from gen 8', () => {
    expect(gmchFields(6, 0x0210)).toEqual({ gms: 0x02, ggms: 2 });
    expect(gmchFields(9, 0x0240)).toEqual({ gms: 0x02, ggms: 1 });
    expect(gmchFields(12, 0xfec0)).toEqual({ gms: 0xfe, ggms: 3 });
  });

  it('encodes them back, keeping the other bits', () => {
    expect(encodeGmch(6, 0x02, 2)).toBe(0x0210);
    expect(encodeGmch(9, 0xfe, 3, 0x0003)).toBe(0xfec3);
    for (const gen of [6, 7, 8, 9, 11, 12]) expect(gmchFields(gen, encodeGmch(gen, 0x10, 2))).toEqual({ gms: 0x10, ggms: 2 });
  });
});

describe('BAR0, GTT and BDSM geometry (docs/igd.md §1.1, §1.2)', () => {
  it('has a 4 MiB BAR0 with the GTT at 2 MiB on gen 6/7, 16 MiB with the GTT at 8 MiB later', () => {
    for (const [name, gen] of Object.entries(GEN_OF)) {
      const [size, gtt, pte] = gen <= 7 ? [4 * MiB, 2 * MiB, 4] : [16 * MiB, 8 * MiB, 8];
      expect([bar0Size(gen), gttOffset(gen), pteSize(gen)], name).toEqual([size, gtt, pte]);
    }
  });

  it('keeps BDSM at 32-bit 0x5C up to gen 10 and 64-bit 0xC0 from gen 11', () => {
    for (const [name, gen] of Object.entries(GEN_OF)) {
      expect(bdsmRegister(gen), name).toEqual(gen >= 11 ? { offset: 0xc0, width: 8 } : { offset: 0x5c, width: 4 });
    }
  });

  it('encodes GTT entries per generation (gen 6 address bits 39:32 in PTE bits 11:4)', () => {
    expect(encodePte(6, 0x7af0_0000)).toBe(0x7af0_0001);
    expect(encodePte(6, 0x1_2345_6000)).toBe(0x2345_6011);
    expect(decodePte(6, 0x2345_6011)).toBe(0x1_2345_6000);
    expect(encodePte(9, 0x4_2ba3_e000)).toBe(0x4_2ba3_e001);
    expect(decodePte(9, 0x4_2ba3_e001)).toBe(0x4_2ba3_e000);
    expect(decodePte(9, 0x4_2ba3_e000)).toBe(-1);
  });
});

describe("QEMU's device-ID → generation (docs/igd.md §2.4)", () => {
  it('QEMU 10.0: HSW/VLV gen 7, SKL family 9, ICL/EHL/JSL 11, TGL/RKL/ADL/RPL 12, Broxton first, unknown -1', () => {
    const ids: [number, number][] = [
      [0x0112, 6], [0x0162, 6], [0x0412, 7], [0x0a16, 7], [0x0f31, 7], [0x1616, 8], [0x22b0, 8], [0x1912, 9], [0x5912, 9],
      [0x3e92, 9], [0x3184, 9], [0x9bc5, 9], [0x0a84, 9], [0x5a85, 9], [0x8a52, 11], [0x4571, 11], [0x4e61, 11],
      [0x9a49, 12], [0x4c8a, 12], [0x4680, 12], [0xa7a0, 12], [0x7d55, -1], [0x5a52, -1],
    ];
    for (const [id, gen] of ids) expect(qemu10Gen(id), id.toString(16)).toBe(gen);
  });

  it('QEMU 9.x: HSW as 6, SKL/KBL as 8, CFL 9, EHL 11, TGL 12, and ICL/ADL unknown', () => {
    const ids: [number, number][] = [
      [0x0412, 6], [0x0a84, 8], [0x1a85, -1], [0x1616, 8], [0x1912, 8], [0x5912, 8], [0x3e92, 9], [0x4571, 11],
      [0x9a49, 12], [0x8a52, -1], [0x4680, -1], [0x3184, -1],
    ];
    for (const [id, gen] of ids) expect(lineGen(IGD_QEMU_LINES['9.2'], id), id.toString(16)).toBe(gen);
  });
});

describe('host defaults', () => {
  it('fills every value from the generation name alone, with IDs QEMU recognises', () => {
    for (const name of Object.keys(GEN_OF)) {
      const h = resolveHostIgd({ generation: GEN_OF[name]!, generationName: name });
      // MTL and later are unknown to QEMU's igd_gen (OpRegion-only setup in 10.1).
      expect(qemu10Gen(h.deviceId) > 0, name).toBe(!h.dsmInLmembar);
      expect(gmsEncodable(h.gen, h.gms), name).toBe(true);
      expect(h.bdsm % MiB, name).toBe(0);
      expect(h.bgsm, name).toBe(h.bdsm - h.gsmSize);
      expect(platformGmch(name, h.gen).fields(h.gmch), name).toEqual({ gms: h.gms, ggms: h.ggms });
    }
  });

  it('Cherryview keeps the SNB field positions with its own sizes (GMS 0x02 = 64 MiB, GGMS 3 = 8 MiB at bits 9:8)', () => {
    const h = resolveHostIgd({ generation: 8, generationName: 'chv' });
    expect([h.deviceId, h.gmch, h.dsmSize, h.gsmSize]).toEqual([0x22b0, 0x0310, 64 * MiB, 8 * MiB]);
    expect(gmchFields(8, h.gmch)).toEqual({ gms: 3, ggms: 0 }); // what QEMU's gen-8 decode reads
  });

  it('defaults skl to 8086:1912, 64 MiB DSM, 8 MiB GTT at 0x8b800000 (issue 7 example)', () => {
    const h = resolveHostIgd({ generation: 9, generationName: 'skl' });
    expect([h.deviceId, h.gms, h.ggms, h.dsmSize, h.gsmSize, h.bdsm]).toEqual([0x1912, 0x02, 3, 64 * MiB, 8 * MiB, 0x8b80_0000]);
  });

  it('defaults gen 12 to the docs/igd.md §11.6 layout: 60 MiB at 0x4c800000, STOLEN_RESERVED 0x50200087', () => {
    const h = resolveHostIgd({ generation: 12, generationName: 'tgl' });
    expect([h.gms, h.dsmSize, h.bdsm, h.bgsm]).toEqual([0xfe, 60 * MiB, 0x4c80_0000, 0x4c00_0000]);
    expect(h.stolenReserved).toEqual({ base: 0x5020_0000, size: 2 * MiB });
    expect(h.stolenReservedReg).toBe(0x5020_0087);
  });

  it('takes GMS and GGMS from a raw gmch, and a bare number stands for its first platform', () => {
    const h = resolveHostIgd({ generation: 9, gmch: 0x0240 });
    expect([h.name, h.gms, h.ggms, h.dsmSize, h.gsmSize]).toEqual(['skl', 0x02, 1, 64 * MiB, 2 * MiB]);
    expect(resolveHostIgd({ generation: 7 }).name).toBe('ivb');
  });
});

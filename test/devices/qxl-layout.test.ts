import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QxlDevice } from '../../devices/qxl/device.js';
import { QXL_MODES, publishedModes } from '../../devices/qxl/rom.js';
import { qxlConfig } from '../../devices/qxl/sizing.js';
import { ROM_BAR } from '../../devices/pci/function.js';
import type { PropValue } from '../../devices/spec.js';

interface Fixture {
  model: 'qxl' | 'qxl-vga';
  props: Record<string, PropValue>;
  bars: Record<string, { size: number; type: 'memory' | 'io' }>;
  rom: string;
  ram_header: string;
  ram_header_offset: number;
}

const dir = join(import.meta.dirname, '../fixtures/qxl');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture] as const);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('QXL ROM and RAM header match QEMU 7.2 after boot', () => {
  it.each(fixtures)('%s', (_name, fx) => {
    const dev = new QxlDevice(fx.props, { vga: fx.model === 'qxl-vga' });
    const bars: Record<string, { size: number; type: string }> = {};
    for (let i = 0; i < 6; i++) {
      const b = dev.bars[i];
      if (b !== undefined) bars[String(i)] = { size: b.size, type: b.space === 'io' ? 'io' : 'memory' };
    }
    if (dev.romSize > 0) bars[String(ROM_BAR)] = { size: dev.romSize, type: 'memory' };
    expect(bars).toEqual(fx.bars);
    expect(dev.ramHeaderOffset).toBe(fx.ram_header_offset);
    expect(hex(dev.dump(2))).toBe(fx.rom);
    expect(hex(dev.romBytes())).toBe(fx.rom);
    expect(hex(dev.dump(0, fx.ram_header_offset, fx.ram_header.length / 2))).toBe(fx.ram_header);
  });
});

describe('QXL identity and sizing', () => {
  it('exposes 1b36:0100 with QEMU subsystem 1af4:1100, INTA, revision byte = revision', () => {
    const d = new QxlDevice({ revision: 3 }, { vga: false });
    expect(d.configRead(0, 4)).toBe(0x01001b36);
    expect(d.configRead(0x2c, 4)).toBe(0x11001af4);
    expect(d.configRead(0x3d, 1)).toBe(1);
    expect(d.configRead(0x08, 1)).toBe(3);
    expect(d.configRead(0x0a, 2)).toBe(0x0380);
    expect(new QxlDevice({}, { vga: true }).configRead(0x0a, 2)).toBe(0x0300);
  });

  it('sizes the IO BAR 8/16/32/32/32 for revisions 1-5 and forces 4 KiB vram on revision 1', () => {
    expect([1, 2, 3, 4, 5].map((revision) => new QxlDevice({ revision }, { vga: false }).bars[3]!.size)).toEqual([8, 16, 32, 32, 32]);
    const r1 = new QxlDevice({ revision: 1, vram64_size_mb: 128 }, { vga: false });
    expect(r1.bars[1]!.size).toBe(4096);
    expect(r1.bars[4]).toBeUndefined();
  });

  it('applies qxl_init_ramsize: BAR0 >= 2 x vgamem, pow2 rounding, vgamem clamped to 8..256 MiB', () => {
    const MiB = 1 << 20;
    expect(qxlConfig({ ram_size_mb: 16 }).ramSize).toBe(32 * MiB);
    expect(qxlConfig({ vram_size_mb: 3 }).vram32Size).toBe(4 * MiB);
    expect(qxlConfig({ vgamem_mb: 2 }).vgamemSize).toBe(8 * MiB);
    expect(qxlConfig({ vgamem_mb: 1024 }).vgamemSize).toBe(256 * MiB);
    expect(qxlConfig({ vgamem_mb: 24 }).vgamemSize).toBe(32 * MiB);
    expect(qxlConfig({ vram64_size_mb: 64 }).vram64Size).toBe(64 * MiB);
    expect(qxlConfig({ ram_size: '32M' }).ramSize).toBe(32 * MiB);
  });

  it('publishes 106/128/138/142/146/148 modes for vgamem 8..256 MiB out of a 148-entry table', () => {
    expect(QXL_MODES).toHaveLength(148);
    expect([8, 16, 32, 64, 128, 256].map((mb) => publishedModes(mb << 20).length)).toEqual([106, 128, 138, 142, 146, 148]);
  });

  it('gives qxl-vga a 64 KiB option ROM BAR and qxl none; romfile="" removes it', () => {
    expect(new QxlDevice({}, { vga: true }).romSize).toBe(0x10000);
    expect(new QxlDevice({}, { vga: false }).romSize).toBe(0);
    expect(new QxlDevice({ romfile: '' }, { vga: true }).romSize).toBe(0);
    const img = new QxlDevice({}, { vga: true }).romImage()!;
    expect([img[0], img[1]]).toEqual([0x55, 0xaa]);
  });

  it('fills client monitors config head 0 and its CRC from xres/yres', () => {
    const rom = new QxlDevice({ xres: 1024, yres: 768 }, { vga: false }).romBytes();
    const dv = new DataView(rom.buffer);
    expect(dv.getUint16(132, true)).toBe(1);
    expect(dv.getUint32(136 + 8, true)).toBe(768);
    expect(dv.getUint32(136 + 12, true)).toBe(1024);
    expect(dv.getUint32(128, true)).not.toBe(0);
  });

  it('leaves int_pending 0 after boot on revisions below 4 (no client-capabilities event)', () => {
    const d = new QxlDevice({ revision: 3 }, { vga: false });
    expect(d.ramMem.read32(d.ramHeaderOffset + 4)).toBe(0);
    expect(new QxlDevice({ revision: 4 }, { vga: false }).ramMem.read32(d.ramHeaderOffset + 4)).toBe(0x10);
  });
});

import { describe, expect, it } from 'vitest';
import { QXL_ROM_MAGIC, QXL_ROM_RANGE_INDEX, ROM_MAGIC, ROM_MODE, ROM_UPDATE_ID } from '../../devices/qxl/constants.js';
import type { QxlDevice } from '../../devices/qxl/device.js';
import { buildRom } from '../../devices/qxl/rom.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { driverFor, setup } from './qxl-helpers.js';

const u32 = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

function bootQxl(): { dev: QxlDevice; readRom: (off: number) => number } {
  const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: qxl-vga, id: v, props: { xres: 1024, yres: 768 } }
  - { model: qxl, id: q, props: { x-console-id: 1 } }
`, 'q.yaml');
  if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
  const { machine } = bootSpec(r.spec);
  const dev = machine.byId.get('q') as QxlDevice;
  const base = dev.barAddress(QXL_ROM_RANGE_INDEX);
  return { dev, readRom: (off) => machine.cpu.readMem(base + off, 4) };
}

describe('QXL ROM (BAR2) built on first use', () => {
  it('a SeaBIOS boot places BAR2 but never reads it, so the ROM is not built; the guest then reads what init_qxl_rom builds', () => {
    const { dev, readRom } = bootQxl();
    expect(dev.barAddress(QXL_ROM_RANGE_INDEX)).toBeGreaterThan(0);
    expect(dev.romMaterialized).toBe(false);
    expect(readRom(ROM_MAGIC)).toBe(QXL_ROM_MAGIC);
    expect(dev.romMaterialized).toBe(true);
    expect(Array.from(dev.romBytes())).toEqual(Array.from(buildRom(dev.qxl, 1)));
    expect(Array.from(dev.shadowRom)).toEqual(Array.from(buildRom(dev.qxl, 1)));
  });

  it('a reset before the ROM is built leaves it unbuilt, and it then reads as a fresh one', () => {
    const q = setup({ xres: 800, yres: 600 });
    q.dev.machineReset();
    q.dev.machineReset();
    expect(q.dev.romMaterialized).toBe(false);
    expect(Array.from(q.dev.rom)).toEqual(Array.from(buildRom(q.dev.qxl, 0)));
  });

  it('a reset after the ROM is built restores the shadow copy with update_id 0, keeping what was written to both', () => {
    const q = setup();
    driverFor(q); // the driver reads the ROM: built
    expect(q.dev.romMaterialized).toBe(true);
    const rom = new DataView(q.dev.rom.buffer, q.dev.rom.byteOffset);
    const shadow = new DataView(q.dev.shadowRom.buffer, q.dev.shadowRom.byteOffset);
    // As SET_MODE does (qxl_set_mode writes rom->mode into both), plus an update_id only the live ROM has.
    rom.setUint32(ROM_MODE, 7, true);
    shadow.setUint32(ROM_MODE, 7, true);
    rom.setUint32(ROM_UPDATE_ID, 3, true);
    shadow.setUint32(ROM_UPDATE_ID, 5, true);
    q.dev.machineReset();
    expect(u32(q.dev.rom, ROM_MODE)).toBe(7);
    expect(u32(q.dev.rom, ROM_UPDATE_ID)).toBe(0);
    expect(u32(q.dev.shadowRom, ROM_UPDATE_ID)).toBe(0);
  });
});

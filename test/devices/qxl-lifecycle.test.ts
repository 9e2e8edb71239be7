import { describe, expect, it } from 'vitest';
import { QXL_IO_MONITORS_CONFIG_ASYNC, QxlMode, RAM_MEM_SLOT, RAM_MONITORS_CONFIG } from '../../devices/qxl/constants.js';
import { driverFor, hdr, kinds, pixel, pushRaw, RAM_INT_PENDING, setHdr, setup } from './qxl-helpers.js';

const rect = (w: number, h: number) => ({ top: 0, left: 0, bottom: h, right: w });

describe('QXL lifecycle: modes, VM stop, host state tied to guest memory', () => {
  it('drops back to VGA on a legacy VGA register write on revision 4, not on revision 5', () => {
    for (const [revision, expected] of [[4, QxlMode.Vga], [5, QxlMode.Native]] as const) {
      const q = setup({ revision }, { vga: true });
      const drv = driverFor(q);
      drv.createPrimary(16, 16);
      expect(q.dev.mode).toBe(QxlMode.Native);
      q.dev.vgaPortWrite();
      expect(q.dev.mode).toBe(expected);
    }
  });

  it('ignores events while the VM is stopped and marks live surfaces dirty on stop', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 8);
    const dirty: [number, number][] = [];
    q.dev.onVramWrite = (gpa, len) => dirty.push([gpa, len]);
    q.dev.vmStop();
    expect(dirty).toEqual([[q.dev.barAddress(0), 16 * 4 * 8]]);
    setHdr(q.dev, RAM_INT_PENDING, 0);
    q.dev.ioWrite(16, 0); // UPDATE_AREA_ASYNC: its completion cannot be delivered
    expect(hdr(q.dev, RAM_INT_PENDING)).toBe(0);
    expect(kinds(q.dev, 'warning')).toContain('qxl_send_events: spice-server bug: guest stopped, ignoring');
    q.dev.vmStart();
    expect(hdr(q.dev, RAM_INT_PENDING)).toBe(0x10);
  });

  it('drops host records of objects in guest RAM when that RAM is freed (not QEMU: guest-RAM memslots)', () => {
    const q = setup({ 'x-guest-ram-memslots': true });
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    q.dev.ram.write64(q.dev.ramHeaderOffset + RAM_MEM_SLOT, 0x100000);
    q.dev.ram.write64(q.dev.ramHeaderOffset + RAM_MEM_SLOT + 8, 0x200000);
    q.dev.ioWrite(8, 5);
    const cmd = new DataView(new ArrayBuffer(41)); // SURFACE CREATE id 3, 8x8 xRGB, data in guest RAM (slot 5)
    cmd.setUint32(8, 3, true);
    cmd.setUint32(13, 1, true);
    cmd.setUint32(17, 32, true);
    cmd.setUint32(21, 8, true);
    cmd.setUint32(25, 8, true);
    cmd.setInt32(29, 32, true);
    cmd.setUint32(33, 0x4000, true);
    cmd.setUint32(37, 5 << 24, true);
    pushRaw(q, 0x1100000, new Uint8Array(cmd.buffer), 5);
    expect(q.dev.server.surfaces.get(3)?.view.target.space).toBe(2);
    drv.fill(3, rect(8, 8), 0xabc);
    drv.updateArea(3, rect(8, 8));
    expect(q.ram.read(0x104000 + 7 * 32 + 28, 4)).toBe(0xabc); // rendered through the DMA port
    q.dev.guestMemoryFreed(0x104000, 0x1000);
    expect(q.dev.server.surfaces.has(3)).toBe(false);
    expect(kinds(q.dev, 'unmapped')).toEqual(['qxl-0: guest RAM 0x104000+0x1000 freed: dropped 0 objects, 1 surfaces']);
  });

  it('holds the current cursor shape and releases it when replaced', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    drv.cursor('set', 1, 1);
    drv.cursor('move', 2, 2);
    expect(q.dev.server.cursor).toBeDefined();
    expect(q.dev.release.numFreeRes).toBe(1); // the move
    drv.cursor('set', 3, 3);
    expect(q.dev.release.numFreeRes).toBe(2); // the first set
    expect(drv.flushRelease()).toBe(2);
  });

  it('records head 0 of a one-head MONITORS_CONFIG_ASYNC, and a bad pointer is a guest bug', () => {
    const q = setup();
    const drv = driverFor(q);
    const at = 0x1200000;
    const cfg = new DataView(new ArrayBuffer(4 + 28));
    cfg.setUint16(0, 1, true);
    cfg.setUint16(2, 1, true); // max_allowed: spice ignores count > max_allowed
    cfg.setUint32(4 + 8, 1280, true);
    cfg.setUint32(4 + 12, 800, true);
    q.dev.ram.writeBytes(at, new Uint8Array(cfg.buffer));
    setHdr(q.dev, RAM_MONITORS_CONFIG, at);
    setHdr(q.dev, RAM_MONITORS_CONFIG + 4, 1 << 24);
    q.dev.ioWrite(QXL_IO_MONITORS_CONFIG_ASYNC, 0);
    expect(q.dev.guestHead0).toEqual({ width: 1280, height: 800 });
    setHdr(q.dev, RAM_MONITORS_CONFIG + 4, 6 << 24);
    q.dev.ioWrite(QXL_IO_MONITORS_CONFIG_ASYNC, 0);
    expect(kinds(q.dev, 'guest-bug')).toEqual(['qxl-0: guest bug: inactive slot 6']);
    expect(drv.errors).toEqual([]);
  });

  it('reads the primary through BAR0 exactly where the guest CPU sees it', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(4, 4);
    drv.fill(0, rect(4, 4), 0x123);
    drv.updateArea(0, rect(4, 4));
    expect(q.cpu.readMem(q.dev.barAddress(0) + 12, 4)).toBe(0x123);
    expect(pixel(drv.readSurface(0)!, 16, 3, 3)).toBe(0x123);
  });
});

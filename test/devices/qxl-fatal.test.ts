import { describe, expect, it } from 'vitest';
import { QXL_IO_DESTROY_SURFACE_ASYNC, QXL_IO_DESTROY_SURFACE_WAIT } from '../../devices/qxl/constants.js';
import { driverFor, kinds, setup } from './qxl-helpers.js';

describe('guest actions that end the VM, as QEMU 7.2 + spice-server 0.15 end it', () => {
  it('sync DESTROY_SURFACE_WAIT on surface 1 aborts (spice requires 0); nothing runs afterwards', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    const id = drv.createSurface(8, 8)!;
    q.dev.ioWrite(QXL_IO_DESTROY_SURFACE_WAIT, id);
    expect(q.dev.dead).toEqual({
      reason: "server/red-worker.cpp:handle_dev_destroy_surface_wait: condition `msg->surface_id == 0' failed (surface 1)",
      exit: { signal: 'SIGABRT', code: 134 },
    });
    expect(kinds(q.dev, 'fatal')).toHaveLength(1);
    const rendered = q.dev.server.rendered;
    expect(drv.fill(0, { top: 0, left: 0, bottom: 4, right: 4 }, 7)).toBe(true); // the guest can still write the ring...
    expect(q.dev.cmdRing.cons).toBe(q.dev.cmdRing.prod - 1); // ...but nobody consumes it
    expect(q.dev.server.rendered).toBe(rendered);
  });

  it('the async form takes any surface', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    const id = drv.createSurface(8, 8)!;
    q.dev.ioWrite(QXL_IO_DESTROY_SURFACE_ASYNC, id);
    expect(q.dev.dead).toBeUndefined();
  });
});

describe("the project's driver never does what kills a real VM", () => {
  for (const revision of [2, 3, 5]) {
    it(`revision ${revision}: evicting a surface frees its VRAM and the VM lives`, () => {
      const q = setup({ revision });
      const drv = driverFor(q);
      drv.createPrimary(16, 16);
      const id = drv.createSurface(8, 8)!;
      expect(id).toBe(1);
      expect(drv.fill(id, { top: 0, left: 0, bottom: 8, right: 8 }, 0x00abcdef)).toBe(true);
      const copy = drv.evictSurface(id);
      expect(q.dev.dead).toBeUndefined();
      expect(drv.errors).toEqual([]);
      expect(copy?.subarray(0, 4)).toEqual(Uint8Array.of(0xef, 0xcd, 0xab, 0x00));
      expect(q.dev.server.surfaces.has(id)).toBe(false);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { DRAWABLE, QXL_DRAW_FILL } from '../../devices/qxl/draw-layout.js';
import { DriverRegistry } from '../../devices/qxl/driver.js';
import { driverFor, kinds, pixel, setup } from './qxl-helpers.js';

const rect = (w: number, h: number) => ({ top: 0, left: 0, bottom: h, right: w });

/** Session 1 draws, then is disabled (primary destroyed, memslots deleted) without draining or resetting. */
function firstSessionLeavesObjects(q: ReturnType<typeof setup>): void {
  const a = driverFor(q, { session: 1 });
  a.createPrimary(64, 64);
  for (let i = 0; i < 20; i++) a.fill(0, rect(64, 64), i);
  a.disable();
}

describe('QXL scenarios from the seeds (docs/qxl.md §13)', () => {
  it('a second driver session meets release-ring objects of the first session: caught as foreign releases', () => {
    const q = setup();
    firstSessionLeavesObjects(q);
    expect(q.dev.release.numFreeRes).toBe(20); // released by destroy-primary, still in the list being built
    const b = driverFor(q, { session: 2 });
    b.createPrimary(64, 64);
    for (let i = 0; i < 4; i++) b.fill(0, rect(8, 8), 0xff);
    b.updateArea(0, rect(64, 64));
    b.flushRelease();
    expect(b.errors.map((e) => e.kind)).toEqual(['foreign-release']);
    expect(b.errors[0]!.message).toBe('session 2: release id 0x1000001000000 is not one of ours');
    expect(b.awaitingRelease).toBe(4); // its own objects sat behind the foreign head: never freed
  });

  it('…and with the fix (the new session resets the device first) only its own objects come back', () => {
    const q = setup();
    firstSessionLeavesObjects(q);
    const b = driverFor(q, { session: 2, resetOnInit: true });
    b.createPrimary(64, 64);
    for (let i = 0; i < 4; i++) b.fill(0, rect(8, 8), 0xff);
    b.updateArea(0, rect(64, 64));
    b.flushRelease();
    expect(b.errors).toEqual([]);
    expect(b.awaitingRelease).toBe(0);
    expect(pixel(b.readSurface(0)!, 256, 7, 7)).toBe(0xff);
  });

  it('a command written over an object the device still holds is recorded; the old object is dropped unreleased', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    const ring = q.dev.ramHeaderOffset + 4108;
    const at = 0x2000000; // inside the main slot (BAR0 offset), outside what the driver's allocator used
    const push = (color: number): void => {
      const dv = new DataView(new ArrayBuffer(DRAWABLE.size));
      dv.setUint32(0, at, true); // release id
      dv.setUint8(DRAWABLE.type, QXL_DRAW_FILL);
      [0, 0, 1, 1].forEach((v, i) => dv.setInt32(DRAWABLE.bbox + 4 * i, v, true));
      dv.setUint32(DRAWABLE.u, 1, true);
      dv.setUint32(DRAWABLE.u + 4, color, true);
      dv.setUint16(DRAWABLE.u + 20, 8, true);
      q.dev.ram.writeBytes(at, new Uint8Array(dv.buffer));
      const prod = q.dev.ram.read(ring + 4, 4);
      const item = ring + 20 + 16 * (prod & 31);
      q.dev.ram.write(item, 4, at);
      q.dev.ram.write(item + 4, 4, 1 << 24); // slot 1
      q.dev.ram.write(item + 8, 4, 1); // QXL_CMD_DRAW
      q.dev.ram.write(ring + 4, 4, prod + 1);
      q.dev.ioWrite(0, 0);
    };
    push(1);
    push(2);
    expect(kinds(q.dev, 'stale-object')).toEqual(['qxl: drawable at ram 0x2000000 overwrites a drawable still awaiting release; the old object is dropped']);
    expect(q.dev.server.pending).toHaveLength(1);
    drv.updateArea(0, rect(16, 16));
    expect(q.dev.release.totalReleased).toBe(1);
  });

  it('a stale session resetting the device under a live one: the live session notices (lost device)', () => {
    const q = setup();
    const a = driverFor(q, { session: 1 });
    a.disable();
    const b = driverFor(q, { session: 2 });
    b.createPrimary(32, 32);
    b.fill(0, rect(4, 4), 1);
    expect(a.reset()).toBe(true);
    expect(b.fill(0, rect(4, 4), 2)).toBe(false);
    expect(b.errors.map((e) => e.kind)).toEqual(['lost-device']);
    // the pending fill is drawn and released before the reset (spice handle_dev_stop; recorded: reset-pending)
    expect(kinds(q.dev, 'reset')).toEqual(['qxl-0: hard reset dropped 0 host objects, 1 surfaces, 2 memslots']);
  });

  it('…and with a shared owner registry the stale session may not reset', () => {
    const q = setup();
    const registry = new DriverRegistry();
    const a = driverFor(q, { session: 1, registry });
    a.disable();
    const b = driverFor(q, { session: 2, registry });
    b.createPrimary(32, 32);
    expect(a.reset()).toBe(false);
    expect(a.errors.map((e) => e.kind)).toEqual(['stale-session']);
    expect(b.fill(0, rect(4, 4), 2)).toBe(true);
    expect(b.updateArea(0, rect(32, 32))).toBe(true);
    expect(b.errors).toEqual([]);
  });

  it('VRAM mapped again elsewhere while the allocator uses the old mapping: caught by driver and device', () => {
    const q = setup();
    const s = driverFor(q, { trustMapping: true });
    const id = s.createSurface(16, 16)!;
    s.fill(id, rect(16, 16), 5);
    q.moveBar(1, 0x9000_0000);
    expect(kinds(q.dev, 'unmapped')).toEqual([
      'qxl-0: BAR1 (was 0x84000000) moved to 0x90000000 under memslot 2: slot dropped with 0 objects, 1 surfaces',
    ]);
    s.createSurface(16, 16); // its SURFACE CREATE points into slot 2, which no longer exists
    s.fill(id, rect(16, 16), 6); // and the surface it draws on is gone
    expect(kinds(q.dev, 'spice')).toEqual([
      'qxl-0: spice: memslot_validate_virt: virtual address out of range    slot_id=2 offset=0x1000+0x400',
      'qxl-0: spice: display_channel_validate_surface: surface 1 is NULL',
    ]);
    expect(q.dev.server.surfaces.size).toBe(0);
    const checked = driverFor(setup());
    const t = setup();
    const d = driverFor(t);
    d.createSurface(16, 16);
    t.moveBar(1, 0x9000_0000);
    expect(d.fill(1, rect(4, 4), 1)).toBe(false);
    expect(d.errors.map((e) => e.kind)).toEqual(['stale-mapping']);
    expect(checked.errors).toEqual([]);
  });

  it('…and with the fix (map again, re-add the memslots at the new address) drawing works', () => {
    const q = setup();
    const s = driverFor(q);
    s.createSurface(16, 16);
    q.moveBar(1, 0x9000_0000);
    expect(s.remap()).toBe(true);
    const id = s.createSurface(16, 16)!;
    s.fill(id, rect(16, 16), 0x77);
    s.updateArea(id, rect(16, 16));
    expect(pixel(s.readSurface(id)!, 64, 15, 15)).toBe(0x77);
    expect(s.vramBase).toBe(0x9000_0000);
    expect(kinds(q.dev, 'guest-bug')).toEqual([]);
  });

  it('evicts a surface with UPDATE_AREA, DESTROY_SURFACE_WAIT and FLUSH_RELEASE, really freeing its VRAM', () => {
    const q = setup();
    const drv = driverFor(q);
    const id = drv.createSurface(32, 32)!;
    drv.fill(id, rect(32, 32), 0x00102030);
    drv.copyImage(id, { top: 0, left: 0, bottom: 1, right: 1 }, 1, 1, Uint32Array.of(0x99));
    expect(drv.vramAlloc.usedBytes).toBe(32 * 32 * 4);
    const copy = drv.evictSurface(id)!;
    expect([pixel(copy, 128, 0, 0), pixel(copy, 128, 31, 31)]).toEqual([0x99, 0x00102030]);
    expect(drv.vramAlloc.usedBytes).toBe(0);
    expect(drv.surfaces.has(id)).toBe(false);
    expect(drv.awaitingRelease).toBe(0);
    expect(q.dev.server.surfaces.has(id)).toBe(false);
    expect(q.dev.server.objects.size).toBe(0);
    expect(drv.createSurface(32, 32)).toBe(id); // id and VRAM are reusable
    expect(drv.vramAlloc.usedBytes).toBe(32 * 32 * 4);
  });

  it('destroying without UPDATE_AREA first loses the pending drawing (why eviction updates first)', () => {
    const q = setup();
    const drv = driverFor(q);
    const id = drv.createSurface(8, 8)!;
    drv.fill(id, rect(8, 8), 0x42);
    drv.destroySurface(id);
    drv.destroySurfaceWait(id);
    drv.flushRelease();
    expect(q.dev.vram.read(0, 4)).toBe(0);
    expect(drv.vramAlloc.usedBytes).toBe(0);
  });
});

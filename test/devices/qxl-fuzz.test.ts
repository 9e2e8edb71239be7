import { describe, expect, it } from 'vitest';
import { DRAWABLE } from '../../devices/qxl/draw-layout.js';
import { MAX_EVENTS } from '../../devices/qxl/events.js';
import { IMAGE_CACHE_MAX_ITEMS } from '../../devices/qxl/image.js';
import { NUM_DRAWABLES } from '../../devices/qxl/server.js';
import type { StandaloneQxl } from '../../devices/qxl/standalone.js';
import { QxlDriver } from '../../devices/qxl/driver.js';
import { setup } from './qxl-helpers.js';
import { mulberry32 } from '../helpers/prng.js';

const rng = mulberry32;

const AREA = 0x1000000; // BAR0 offset of the fuzzed command area (inside the driver's main slot 1)
const AREA_SIZE = 0x10000;

/** One fuzz run: random port writes, ring entries, structure contents, header fields, BAR moves and VM events. */
function fuzz(q: StandaloneQxl, seed: number, steps: number, revive: () => void): void {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const dev = q.dev;
  const h = dev.ramHeaderOffset;
  const small = (): number => pick([0, 1, 2, 3, 4, 8, 16, 31, 32, 64, 100, 0xffffffff, 0x80000000, int(2 ** 32), int(256), int(4096)]);
  const areaOff = (): number => AREA + 8 * int(AREA_SIZE / 8 - 32);
  const physHi = (): number => pick([1 << 24, 1 << 24, 2 << 24, 0, (int(256) << 24) >>> 0, ((1 << 24) | (int(256) << 16)) >>> 0]);
  const recent: number[][] = [[], [], [], [], []]; // offsets of the last structures written, by kind
  const writeStruct = (): void => {
    const at = areaOff();
    const kind = int(5);
    recent[kind]!.push(at);
    if (recent[kind]!.length > 8) recent[kind]!.shift();
    if (kind === 0) {
      // a plausible drawable (fill, copy, copy-bits, ...) with a few fields corrupted
      const dv = new DataView(new ArrayBuffer(DRAWABLE.size));
      dv.setUint32(DRAWABLE.surfaceId, r() < 0.8 ? 0 : pick([1, 2, 3, small()]), true);
      dv.setUint8(DRAWABLE.type, r() < 0.8 ? pick([1, 3, 4, 6, 7, 8, 12, 13, 2, 5]) : int(16));
      const x = int(64);
      const y = int(64);
      [y, x, y + 1 + int(16), x + 1 + int(16)].forEach((v, i) => dv.setInt32(DRAWABLE.bbox + 4 * i, v, true));
      dv.setUint32(DRAWABLE.clipType, r() < 0.9 ? 0 : pick([1, 2]), true);
      dv.setUint32(DRAWABLE.clipData, areaOff(), true);
      dv.setUint32(DRAWABLE.clipData + 4, physHi(), true);
      for (let i = 0; i < 3; i++) dv.setInt32(63 + 4 * i, r() < 0.9 ? -1 : int(4), true);
      const u = DRAWABLE.u;
      dv.setUint32(u, r() < 0.5 ? 1 : recent[2]!.length > 0 && r() < 0.8 ? pick(recent[2]!) : areaOff(), true); // brush SOLID, or src_bitmap
      dv.setUint32(u + 4, r() < 0.5 ? int(2 ** 32) : physHi(), true); // color, or src_bitmap high half
      [0, 0, 2, 2].forEach((v, i) => dv.setInt32(u + 8 + 4 * i, r() < 0.9 ? v : small(), true)); // src_area
      dv.setUint16(u + 20, pick([8, 16, 32, 64, 128, 256, 512, 1024 | 8, int(65536)]), true);
      dv.setUint16(u + 24, pick([8, 64, int(65536)]), true);
      for (let k = 0; k < 3; k++) if (r() < 0.2) dv.setUint8(int(DRAWABLE.size), int(256));
      dev.ram.writeBytes(at, new Uint8Array(dv.buffer));
    } else if (kind === 1) {
      // a surface command: id, create/destroy, format, geometry, data in slot 2
      const dv = new DataView(new ArrayBuffer(41));
      dv.setUint32(8, pick([1, 2, 3, small()]), true);
      dv.setUint8(12, pick([0, 0, 1, int(256)]));
      dv.setUint32(13, int(2), true);
      dv.setUint32(17, pick([32, 96, 16, 80, 8, 1, small()]), true);
      dv.setUint32(21, pick([1, 8, 64, small()]), true);
      dv.setUint32(25, pick([1, 8, 64, small()]), true);
      dv.setInt32(29, pick([4, 32, 256, -256, 6, small()]), true);
      dv.setUint32(33, 4096 * int(64), true);
      dv.setUint32(37, physHi(), true);
      dev.ram.writeBytes(at, new Uint8Array(dv.buffer));
    } else if (kind === 2) {
      // an image: bitmap or surface, mostly plausible; its data chunk follows it
      const dv = new DataView(new ArrayBuffer(48 + 20 + 64));
      dv.setUint32(0, int(64), true); // cache id
      dv.setUint8(8, r() < 0.7 ? 0 : pick([104, 1, 103, int(256)]));
      dv.setUint8(9, int(2));
      dv.setUint32(18 - 0, r() < 0.5 ? int(4) : 8 | (4 << 8), true); // surface id, or format 32BIT + TOP_DOWN
      dv.setUint32(20, pick([2, 4, small()]), true);
      dv.setUint32(24, pick([2, 4, small()]), true);
      dv.setUint32(28, pick([8, 16, small()]), true);
      dv.setUint32(40, at + 48, true);
      dv.setUint32(44, physHi(), true);
      dv.setUint32(48, pick([64, 32, small()]), true);
      dev.ram.writeBytes(at, new Uint8Array(dv.buffer));
    } else {
      for (let i = 0; i < 16; i++) dev.ram.write(at + 4 * i, 4, r() < 0.5 ? small() : i === 1 ? physHi() : areaOff());
    }
  };
  // Ports a driver uses often come up often; RESET, SET_MODE and the memslot ports are rare (they end a session).
  const ports = [0, 0, 0, 0, 1, 2, 3, 4, 7, 14, 16, 16, 16, 20, 20, 22, 22, 23, 23, 23, 24];
  for (let step = 0; step < steps; step++) {
    if (dev.dead !== undefined) revive(); // QEMU is gone: start it again, or every later step is a no-op
    else if (dev.guestBugSet || (dev.memslots.slots[1]?.active !== true && r() < 0.2)) {
      if (r() < 0.3) revive();
      else if (r() < 0.5) continue;
    }
    const op = r();
    if (op < 0.4) {
      const rare = r() < 0.02;
      dev.barWrite(3, rare ? pick([5, 6, 8, 9, 10, 12, 13, 15, 17, 18, 19, 21, 25, 31]) : pick(ports), 1, r() < 0.7 ? 0 : r() < 0.9 ? int(4) : int(256));
    } else if (op < 0.62) {
      const cursor = r() < 0.15;
      const ring = h + (cursor ? 4640 : 4108);
      const prod = dev.ram.read(ring + 4, 4);
      const item = ring + 20 + 16 * (prod & 31);
      const type = r() < 0.9 ? (cursor ? 3 : pick([1, 1, 1, 1, 1, 5, 5, 3, 2, 4, 0])) : small();
      const fitting = recent[type === 1 ? 0 : type === 5 ? 1 : 3]!;
      dev.ram.write(item, 4, fitting.length > 0 && r() < 0.85 ? pick(fitting) : areaOff());
      dev.ram.write(item + 4, 4, r() < 0.85 ? 1 << 24 : physHi());
      dev.ram.write(item + 8, 4, type);
      dev.ram.write(ring + 4, 4, r() < 0.99 ? prod + 1 : small());
      if (r() < 0.02) dev.ram.write(ring, 4, small()); // num_items
      dev.barWrite(3, r() < 0.8 ? 0 : 1, 1, 0);
    } else if (op < 0.84) {
      writeStruct();
    } else if (op < 0.96) {
      const field = pick([4, 8, 5256, 5260, 5264, 5268, 5272, 5276, 5280, 5284, 5288, 5292, 5296, 5300, 5304, 5324, 5328, 5340, 5344, 5256, 5260, 5264, 5268, 5172 + 4, 5172 + 12, 5172]);
      const plausible = field === 5272 ? int(4) : field === 5256 || field === 5260 ? int(32) : field === 5264 || field === 5268 ? 32 + int(48) : small();
      dev.ram.write(h + field, 4, field === 5344 ? physHi() : r() < 0.8 ? plausible : small());
    } else if (op < 0.98) {
      const bar = pick([0, 1, 4, 1]);
      if (r() < 0.5 && dev.bars[bar] !== undefined) q.moveBar(bar, pick([0x8000_0000, 0x9000_0000, 0xa000_0000, 0x8400_0000]));
      else dev.configWrite(4, 2, pick([7, 7, 7, 5, 0]));
    } else {
      const ev = int(6);
      if (ev === 0) dev.vmStop();
      else if (ev === 1) dev.vmStart();
      else if (ev === 2) dev.vgaPortWrite();
      else if (ev === 3) dev.completeAsync();
      else if (ev === 4) dev.guestMemoryFreed(int(2 ** 28), int(2 ** 20));
      else revive();
    }
  }
}

/** No host record may outlive the memory holding it: every record lies in an active memslot of the same memory. */
function recordsInsideLiveSlots(q: StandaloneQxl): boolean {
  const slots = q.dev.memslots.slots.filter((s) => s.active && s.target !== undefined);
  return [...q.dev.server.objects.values()].every((o) =>
    slots.some((s) => s.target!.space === o.target.space && o.offset >= s.regionOffset && o.offset + o.size <= s.regionOffset + s.size),
  );
}

describe('QXL fuzz: nothing a guest writes makes the device throw or grow without bound', () => {
  it.each([
    ['qxl rev 5', {}, false, 0x5eed],
    ['qxl-vga rev 4 with BAR4', { revision: 4, vram64_size_mb: 128 }, true, 0xbeef],
    ['qxl rev 2', { revision: 2, surfaces: 8 }, false, 0xc0de],
  ] as const)('%s: 10^5 random guest actions', (_name, props, vga, seed) => {
    const q = setup(props, { vga });
    const home = [0, 1, 2, 4].map((i) => [i, q.dev.bars[i] !== undefined ? q.dev.barAddress(i) : -1] as const);
    let deaths = 0;
    const revive = (): void => {
      // a guest action that kills QEMU ends the VM (fatal.ts): the fuzz goes on with QEMU started again
      if (q.dev.dead !== undefined) {
        deaths++;
        q.dev.restartVm();
      }
      // the OS puts the BARs back and a driver loads again: RESET, memslots, primary
      for (const [i, a] of home) if (a >= 0) q.moveBar(i, a);
      q.dev.configWrite(4, 2, 7);
      q.dev.barWrite(3, 5, 1, 0);
      const d = new QxlDriver(q.cpu, q.dev);
      if (d.init()) d.createPrimary(64, 64);
      [0, 0, 64, 64].forEach((v, i) => q.dev.ram.write(q.dev.ramHeaderOffset + 5256 + 4 * i, 4, v)); // update_area
    };
    revive();
    let maxPending = 0;
    for (let round = 0; round < 10; round++) {
      expect(() => fuzz(q, seed + round, 10_000, revive)).not.toThrow();
      maxPending = Math.max(maxPending, q.dev.server.pending.length);
      expect(recordsInsideLiveSlots(q)).toBe(true);
    }
    expect(q.dev.server.rendered).toBeGreaterThan(100); // the fuzz reaches the renderer, not just the validators
    expect(deaths).toBeGreaterThan(0); // and the fatal paths
    expect(maxPending).toBeLessThanOrEqual(NUM_DRAWABLES);
    expect(q.dev.server.peakPending).toBeLessThanOrEqual(NUM_DRAWABLES);
    expect(q.dev.server.cache.size).toBeLessThanOrEqual(IMAGE_CACHE_MAX_ITEMS);
    expect(q.dev.events.length).toBeLessThanOrEqual(MAX_EVENTS);
    expect(q.dev.server.objects.size).toBeLessThanOrEqual(NUM_DRAWABLES + q.dev.numSurfaces + 1);
  });
});

import { describe, expect, it } from 'vitest';
import { scanOutFrame, type GttView } from '../../devices/igd/display.js';
import { directDma } from '../../devices/memory/dma.js';
import { GuestMemory } from '../../devices/memory/guest-memory.js';

/** FNV-1a a byte at a time, as the fingerprint is defined. */
function fnv(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h;
}

const PAGES = 6;
const gtt: GttView = { entries: PAGES, pageAddress: (i) => 0x10_0000 + i * 4096 };
const mode = { enabled: true, width: 1024, height: PAGES, stride: 4096, surface: 0 };

describe('IGD scan-out fingerprint', () => {
  it('of never-written pages equals FNV-1a over that many zero bytes', () => {
    const r = scanOutFrame(gtt, directDma(0x10, new GuestMemory()), mode);
    expect(r.readPages).toBe(PAGES);
    expect(r.fingerprint).toBe(fnv(new Uint8Array(PAGES * 4096)) >>> 0);
  });

  it('is FNV-1a over every fetched byte when zero and written pages alternate (a zero word inside a written page too)', () => {
    const ram = new GuestMemory();
    const frame = new Uint8Array(PAGES * 4096);
    for (const p of [1, 3]) for (let b = 0; b < 4096; b += 7) frame[p * 4096 + b] = (b * 13 + p) & 0xff;
    frame[5 * 4096 + 4095] = 0x80; // only the last byte of the last page: the zero check must read to the end
    for (let p = 0; p < PAGES; p++) ram.writeBytes(0x10_0000 + p * 4096, frame.subarray(p * 4096, (p + 1) * 4096));
    const r = scanOutFrame(gtt, directDma(0x10, ram), mode);
    expect(r.fingerprint).toBe(fnv(frame) >>> 0);
    expect(r.fingerprint).not.toBe(fnv(new Uint8Array(PAGES * 4096)) >>> 0);
  });
});

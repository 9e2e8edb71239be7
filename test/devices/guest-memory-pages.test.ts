import { describe, expect, it } from 'vitest';
import { GuestMemory, PAGE_SIZE } from '../../devices/memory/guest-memory.js';

describe('guest RAM pages made two at a time', () => {
  it('keeps each page its own: writes to one page never show in the page made with it', () => {
    const m = new GuestMemory();
    m.write(0x6f00, 4, 0xdeadbeef); // pfn 6: the first of a pair
    m.write(0x20000, 4, 0x01020304); // pfn 0x20: the pair's second page
    m.write(0x5000, 1, 0xaa); // pfn 5: a new pair
    expect(m.residentPages).toBe(3);
    expect(m.read(0x6f00, 4)).toBe(0xdeadbeef);
    expect(m.read(0x20000, 4)).toBe(0x01020304);
    expect(m.read(0x5000, 1)).toBe(0xaa);
    // Every other byte of the three pages is still zero.
    for (const base of [0x5000, 0x6000, 0x20000]) {
      const page = new Uint8Array(PAGE_SIZE);
      m.readBytes(base, page);
      const nonZero = page.reduce((n, b) => n + (b !== 0 ? 1 : 0), 0);
      expect(nonZero).toBe(base === 0x5000 ? 1 : base === 0x6000 ? 4 : 4);
    }
  });

  it('reads a discarded page as zeros, and a page made again after it starts zeroed', () => {
    const m = new GuestMemory();
    m.write(0x1000, 4, 0x11111111);
    m.write(0x2000, 4, 0x22222222);
    m.discard(0x1000, 0x2000);
    expect(m.residentPages).toBe(1);
    expect(m.read(0x1000, 4)).toBe(0);
    expect(m.read(0x2000, 4)).toBe(0x22222222);
    m.write(0x1004, 1, 0x33);
    expect(m.read(0x1000, 4)).toBe(0);
    expect(m.read(0x1004, 1)).toBe(0x33);
    expect(m.read(0x2000, 4)).toBe(0x22222222);
  });

  it('writes bytes across the boundary of two pages made as a pair into both, in order', () => {
    const m = new GuestMemory();
    m.writeBytes(PAGE_SIZE - 2, Uint8Array.of(1, 2, 3, 4));
    const out = new Uint8Array(4);
    m.readBytes(PAGE_SIZE - 2, out);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    expect(m.residentPages).toBe(2);
  });
});

describe("guest RAM's first two pages in room its owner gave", () => {
  it('puts the first two pages written at the given offset of the buffer, later ones in buffers of their own', () => {
    const shared = new ArrayBuffer(512 + 2 * PAGE_SIZE);
    const bytes = new Uint8Array(shared);
    const m = new GuestMemory(shared, 512);
    m.write(0x3004, 4, 0x11223344); // pfn 3: the first page, at 512
    m.write(0x10008, 1, 0x99); // pfn 0x10: the second, at 512 + PAGE_SIZE
    m.write(0x4000, 1, 0x77); // pfn 4: a pair of its own
    expect(Array.from(bytes.subarray(512 + 4, 512 + 8))).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(bytes[512 + PAGE_SIZE + 8]).toBe(0x99);
    expect(bytes.reduce((n, b) => n + (b !== 0 ? 1 : 0), 0)).toBe(5);
    expect(bytes.subarray(0, 512).every((b) => b === 0)).toBe(true);
    expect([m.read(0x3004, 4), m.read(0x10008, 1), m.read(0x4000, 1), m.residentPages]).toEqual([0x11223344, 0x99, 0x77, 3]);
  });
});

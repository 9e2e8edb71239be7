import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { setup } from './qxl-helpers.js';

describe('GuestMemory.populate: the absent pages of a range backed by one buffer', () => {
  it('adds only absent pages, all zero, keeps what a present page holds, and writes land as before', () => {
    const m = new GuestMemory();
    m.write(0x2004, 4, 0xdeadbeef);
    m.populate(0x1000, 0x4000);
    expect(m.residentPages).toBe(3);
    expect(m.read(0x2004, 4)).toBe(0xdeadbeef);
    expect(m.read(0x1000, 4)).toBe(0);
    expect(m.read(0x3ffc, 4)).toBe(0);
    m.write(0x1ffe, 4, 0x11223344); // straddles a new page and the page that was already there
    m.write(0x3ffe, 2, 0xabcd);
    expect(m.read(0x1ffe, 4)).toBe(0x11223344);
    expect(m.read(0x3ffe, 2)).toBe(0xabcd);
    expect(m.read(0x3000, 4)).toBe(0);
    m.populate(0x1000, 0x4000);
    expect(m.residentPages).toBe(3);
    m.discard(0x1000, 0x2000);
    expect(m.read(0x1ffe, 2)).toBe(0);
    expect(m.read(0x3ffe, 2)).toBe(0xabcd);
  });

  it("a QXL device's RAM header is the only resident memory after realize: its two pages", () => {
    const q = setup();
    expect(q.dev.ram.residentPages).toBe(2);
    expect(q.dev.vram.residentPages).toBe(0);
  });
});

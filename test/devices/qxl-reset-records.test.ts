import { describe, expect, it } from 'vitest';
import { NUM_MEMSLOTS } from '../../devices/qxl/constants.js';
import { setup } from './qxl-helpers.js';

const EMPTY = { active: false, memStart: 0, memEnd: 0, target: undefined, regionOffset: 0, size: 0, delta: 0, regionSize: 0, bar: -1, barBase: -1 };

describe('QXL hard reset and the memslot table', () => {
  it('keeps the records of slots nobody used and replaces used ones (deleted included) with empty records', () => {
    const q = setup();
    const slots = q.dev.memslots.slots;
    const base = q.dev.barAddress(0);
    expect(q.dev.memslots.add(1, base, base + 0x1000, 0)).toBe(true);
    expect(q.dev.memslots.add(2, base + 0x1000, base + 0x2000, 0)).toBe(true);
    q.dev.memslots.del(2);
    const before = slots.slice();
    q.dev.machineReset();
    expect(slots.length).toBe(NUM_MEMSLOTS);
    for (let i = 0; i < NUM_MEMSLOTS; i++) {
      expect(slots[i]).toEqual(EMPTY);
      if (i === 1 || i === 2) expect(slots[i]).not.toBe(before[i]);
      else expect(slots[i]).toBe(before[i]);
    }
  });

  it('a reset that dropped memslots still says how many were active', () => {
    const q = setup();
    const base = q.dev.barAddress(0);
    q.dev.memslots.add(1, base, base + 0x1000, 0);
    q.dev.memslots.add(3, base, base + 0x1000, 0);
    q.dev.machineReset();
    expect(q.dev.events.filter((e) => e.kind === 'reset').map((e) => e.message)).toEqual([
      'qxl-0: hard reset dropped 0 host objects, 0 surfaces, 2 memslots',
    ]);
  });
});

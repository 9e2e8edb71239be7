import { describe, expect, it } from 'vitest';

import { FlatView, type IoHandler, type RegionDesc } from '../../vmm/core/bus/address-space.js';
import { mulberry32 } from '../../bench/prng.js';

const handler: IoHandler = { read: () => 0, write: () => {} };

/** The flat view by definition: between consecutive distinct edges, the region added last that covers the span; equal neighbours merged. */
function reference(regions: readonly RegionDesc[]): { start: number; end: number; name: string }[] {
  const live = regions.filter((r) => r.size > 0);
  const edges = [...new Set(live.flatMap((r) => [r.start, r.start + r.size]))].sort((a, b) => a - b);
  const out: { start: number; end: number; name: string; region: RegionDesc }[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    const owner = live.filter((r) => r.start <= a && r.start + r.size >= b).at(-1);
    if (owner === undefined) continue;
    const prev = out.at(-1);
    if (prev !== undefined && prev.region === owner && prev.end === a) prev.end = b;
    else out.push({ start: a, end: b, name: owner.name, region: owner });
  }
  return out.map(({ start, end, name }) => ({ start, end, name }));
}

describe('a flat view', () => {
  it('has the segments of its definition for 1 to 40 overlapping regions in any order (small views sorted by insertion, large by the built-in sort)', () => {
    const r = mulberry32(14);
    for (let n = 1; n <= 40; n++) {
      for (let round = 0; round < 20; round++) {
        const regions: RegionDesc[] = [];
        for (let i = 0; i < n; i++) {
          // Addresses on a coarse grid so edges coincide often; some empty regions; some above 2^32.
          const start = Math.floor(r() * 64) * 0x1000 + (r() < 0.2 ? 0x1_0000_0000 : 0);
          const size = r() < 0.1 ? 0 : (1 + Math.floor(r() * 16)) * 0x1000;
          regions.push({ start, size, handler, name: `r${i}` });
        }
        const v = new FlatView(regions);
        const got = Array.from({ length: v.length }, (_, i) => v.segment(i));
        expect(got).toEqual(reference(regions));
      }
    }
  });
});

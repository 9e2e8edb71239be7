import { describe, expect, it } from 'vitest';
import { compareVersions, QEMU_VERSIONS } from '../../devices/qemu-version.js';

/** The comparison as it was written before it read the parts in place (docs/performance.md §13). */
function splitCompare(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

describe('compareVersions', () => {
  it('orders the modelled QEMU versions numerically, not as text', () => {
    expect(compareVersions('7.2', '10.0')).toBe(-3);
    expect(compareVersions('10.1', '10.0')).toBe(1);
    expect(compareVersions('9.2', '9.2')).toBe(0);
    expect([...QEMU_VERSIONS].sort(compareVersions)).toEqual(['7.2', '9.1', '9.2', '10.0', '10.1']);
  });

  it('gives the split-and-map comparison’s value on odd texts too (a missing or empty part is 0, junk NaN, a third part ignored)', () => {
    const texts = ['7.2', '10.0', '9', '9.', '.5', '', '1.2.3', '1.2.9', '10.0.0', 'x.1', '1.x', ' 2.1', '2 .1', '0x10.1', '1e1.0', '-1.2', '4.2.', '..'];
    for (const a of texts) {
      for (const b of texts) expect([a, b, compareVersions(a, b)]).toEqual([a, b, splitCompare(a, b)]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { OvmfDevice } from '../../firmware/ovmf/enumerate.js';
import { bridgeNodes, createResourceMap, insertNode, type ResNode } from '../../firmware/ovmf/resources.js';

function dev(bdf: number, bars: { index: number; kind: 'io' | 'mem32' | 'pmem32' | 'mem64' | 'pmem64'; length: number }[], extra: Partial<OvmfDevice> = {}): OvmfDevice {
  return {
    bdf, vendor: 0x1234, device: 1, classCode: 0x0200, isBridge: false, parent: null, children: [], romSize: 0, pmem64Decode: false,
    padding: null, secondary: 0, subordinate: 0,
    bars: bars.map((b) => ({ ...b, alignment: b.kind === 'io' ? b.length - 1 : Math.max(b.length, 0x1000) - 1 })),
    ...extra,
  };
}

const order = (n: ResNode): string[] => n.children.map((c) => `${c.dev === null ? 'root' : c.dev.bdf.toString(16)}/${String(c.bar)}`);
const ROOT = { combine: true, mem64: true, pmem64: true, pmem32: true } as const;

describe('PciBusDxe resource trees (InsertResourceNode, DegradeResource, CalculateResourceAperture)', () => {
  it('keeps descending alignment; among equals the later-inserted first (the 0x100-byte BAR, aligned to 4 KiB, too)', () => {
    const n = bridgeNodes(null);
    createResourceMap([dev(0x08, [{ index: 0, kind: 'mem32', length: 0x1000 }]), dev(0x10, [{ index: 1, kind: 'mem32', length: 0x100 }]), dev(0x18, [{ index: 0, kind: 'mem32', length: 0x1000 }]), dev(0x20, [{ index: 0, kind: 'mem32', length: 0x20000 }])], null, ROOT, n);
    expect(order(n.mem32)).toEqual(['20/0', '18/0', '10/1', '8/0']);
    expect(n.mem32.children.map((c) => c.offset)).toEqual([0, 0x20000, 0x21000, 0x22000]);
  });

  it('puts 32-bit prefetchable BARs of the root bus first in ascending BDF (merged into Mem32 after the others)', () => {
    const n = bridgeNodes(null);
    createResourceMap([dev(0x08, [{ index: 0, kind: 'pmem32', length: 0x100_0000 }]), dev(0x10, [{ index: 0, kind: 'mem32', length: 0x100_0000 }]), dev(0x18, [{ index: 0, kind: 'pmem32', length: 0x100_0000 }])], null, ROOT, n);
    expect(order(n.mem32)).toEqual(['8/0', '18/0', '10/0']);
  });

  it('sends every 64-bit BAR of the root bus to the 64-bit aperture, prefetchable or not', () => {
    const n = bridgeNodes(null);
    createResourceMap([dev(0x08, [{ index: 0, kind: 'mem64', length: 0x4000 }, { index: 2, kind: 'pmem64', length: 0x4000 }])], null, ROOT, n);
    expect([order(n.mem32), order(n.mem64)]).toEqual([[], ['8/2', '8/0']]);
  });

  it('keeps a 64-bit non-prefetchable BAR behind a bridge below 4 GiB, and a 32-bit prefetchable one in the memory window once the bridge has 64-bit prefetchable padding', () => {
    const br = dev(0x20, [], { isBridge: true, pmem64Decode: true, padding: [{ kind: 'io', length: 0x200 }, { kind: 'mem32', length: 0x20_0000 }, { kind: 'pmem64', length: 0x2000_0000 }] });
    br.children.push(dev(0x100, [{ index: 0, kind: 'mem64', length: 0x100 }, { index: 2, kind: 'pmem32', length: 0x100_0000 }], { parent: br }));
    const n = bridgeNodes(null);
    createResourceMap([br], null, ROOT, n);
    const win = (root: ResNode): { length: number; alignment: number } | undefined => root.children.find((c) => c.dev === br);
    expect(win(n.mem32)).toMatchObject({ length: 0x110_0000, alignment: 0xff_ffff });
    expect(win(n.mem64)).toMatchObject({ length: 0x2000_0000, alignment: 0x1fff_ffff });
    // CalculateApertureIo16: the padding is not rounded to the bridge's 4 KiB granularity.
    expect(win(n.io)).toMatchObject({ length: 0x200, alignment: 0xfff });
  });

  it('moves a node past an equal-alignment one whose length leaves a larger remainder; a zero remainder always goes first', () => {
    const parent = bridgeNodes(null).mem32;
    const mk = (length: number, alignment: number): ResNode => ({ dev: null, bar: 0, window: 'mem32', resType: 'mem32', length, alignment, padding: false, children: [], offset: length });
    insertNode(parent, mk(0x120_0000, 0xff_ffff));
    insertNode(parent, mk(0x110_0000, 0xff_ffff));
    insertNode(parent, mk(0x100_0000, 0xff_ffff));
    expect(parent.children.map((c) => c.length)).toEqual([0x100_0000, 0x120_0000, 0x110_0000]);
  });
});

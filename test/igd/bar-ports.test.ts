import { describe, expect, it } from 'vitest';
import { igdProps, type LegacyFacts } from '../../devices/igd/behaviour.js';
import { IgdFunction } from '../../devices/igd/device.js';
import { resolveHostIgd } from '../../devices/igd/host.js';
import type { HostIgdSpec } from '../../devices/igd/spec.js';
import { gttOffset, MMIO_BDSM } from '../../devices/igd/tables.js';

/**
 * The IGD hands the PCI host its own BAR0 and BAR4 handler objects (IgdFunction.ownBarHandler), whose BAR4 data
 * path goes straight to the GTT. They must do exactly what barRead/barWrite do: same GTT, same registers, same reads.
 */

const PC: LegacyFacts = { machineType: 'pc', atIgdAddress: true, slot1f: undefined, qemu: '10.1' };
const make = (spec: HostIgdSpec): IgdFunction => new IgdFunction(resolveHostIgd(spec), igdProps({}), PC);

type Access = readonly [offset: number, width: 1 | 2 | 4, value: number];
/** BAR4's own handler offers the bus's IoHandler.forPair (spelled structurally: devices/ does not import vmm/). */
type PairOffer = { forPair(a: number, wa: 1 | 2 | 4, b: number, wb: 1 | 2 | 4): { writePair(a: number, b: number): void } | undefined };

/** Index/data pairs around every edge of BAR4's window: GTT start and end, BAR0's end, registers, partial widths. */
function accesses(gen: number, gttBytes: number): Access[] {
  const half = gttOffset(gen);
  const out: Access[] = [];
  const pair = (index: number, data: number, width: 1 | 2 | 4 = 4): void => void out.push([0, 4, index], [4, width, data]);
  pair(1, 0x8000_0001);
  pair(5, 0xffff_ffff);
  pair(gttBytes - 4 + 1, 0x1234_5678);
  pair(gttBytes + 1, 0x9abc_def0); // past the GTT (which fills BAR0's upper half here: past BAR0 too)
  pair(half - 4 + 1, 0x1111_1111); // BAR0's last dword
  pair(half + 1, 0x2222_2222); // past BAR0
  pair(0xffff_fffd, 0x3333_3333);
  pair(MMIO_BDSM, 0x7b80_0001); // a register through the window
  pair(0x10, 0x4444_4444); // plain register storage
  pair(9, 0x5555_5555, 2); // a partial data write is ignored
  out.push([0, 2, 0x21], [4, 4, 0x6666_6666]); // a partial index write too
  pair(0x23, 0x7777_7777); // index bit 1 set: the same dword as 0x21
  return out;
}

describe('the IGD\'s own BAR handlers', () => {
  for (const spec of [{ generation: 9, generationName: 'skl', ggms: 3 }, { generation: 6, generationName: 'snb', ggms: 2 }] as const) {
    it(`BAR4 through its own handler changes and reads what barWrite/barRead do (${spec.generationName})`, () => {
      const own = make(spec);
      const plain = make(spec);
      const narrowed = make(spec); // each access through the handler narrowed to its offset (forOffset)
      const port = own.ownBarHandler(4)!;
      const narrowPort = narrowed.ownBarHandler(4)!;
      const seenOwn: number[] = [];
      const seenPlain: number[] = [];
      const seenNarrowed: number[] = [];
      for (const [o, w, v] of accesses(spec.generation, own.gtt.bytes)) {
        port.write(o, w, v);
        plain.barWrite(4, o, w, v);
        narrowPort.forOffset!(o).write(o, w, v);
        seenOwn.push(port.read(4, 4), port.read(0, 4));
        seenPlain.push(plain.barRead(4, 4, 4), plain.barRead(4, 0, 4));
        seenNarrowed.push(narrowPort.forOffset!(4).read(4, 4), narrowPort.forOffset!(0).read(0, 4));
      }
      expect(seenOwn).toEqual(seenPlain);
      expect(seenNarrowed).toEqual(seenPlain);
      expect(narrowed.gtt.validEntries()).toEqual(plain.gtt.validEntries());
      expect(narrowed.gtt.writes).toBe(plain.gtt.writes);
      expect(own.gtt.writes).toBe(plain.gtt.writes);
      expect(own.gtt.validEntries()).toEqual(plain.gtt.validEntries());
      for (let off = 0; off < own.gtt.bytes; off += 4) if (own.gtt.readDword(off) !== plain.gtt.readDword(off)) throw new Error(`GTT differs at ${off}`);
      expect(own.gtt.readDword(0)).toBe(0x8000_0001);
      // The GTT fills BAR0's upper half on both: BAR0's last dword is the GTT's last, written twice.
      expect(own.gtt.bytes).toBe(gttOffset(spec.generation));
      expect(own.gtt.readDword(own.gtt.bytes - 4)).toBe(0x1111_1111);
      expect(own.gtt.readDword(0x20)).toBe(0x7777_7777);
      expect(own.gtt.writes).toBe(6); // dwords 0, 4, the last one twice, 0x20 twice; nothing past BAR0 or partial
    });
  }

  for (const spec of [{ generation: 9, generationName: 'skl', ggms: 3 }, { generation: 6, generationName: 'snb', ggms: 2 }] as const) {
    it(`BAR4's index/data pair writer changes what the two dword writes do, values as int32 bit patterns (${spec.generationName})`, () => {
      const paired = make(spec);
      const plain = make(spec);
      const pair = (paired.ownBarHandler(4) as unknown as PairOffer).forPair(0, 4, 4, 4);
      expect(pair).toBeDefined();
      // GTT dwords, past the GTT and BAR0 (the GTT fills BAR0's upper half), registers; data above 2^31 as negative int32s.
      const pairs: [number, number][] = [
        [1, 0x8000_0001], [5, 0xffff_ffff], [paired.gtt.bytes - 4 + 1, 0x9234_5678], [paired.gtt.bytes + 1, 0x9abc_def0],
        [gttOffset(spec.generation) + 1, 0xa222_2222], [0xffff_fffd, 0xb333_3333], [MMIO_BDSM, 0x7b80_0001],
        [0x10, 0xc444_4444], [0x23, 0xf777_7777],
      ];
      for (const [i, d] of pairs) {
        pair!.writePair(i | 0, d | 0);
        plain.barWrite(4, 0, 4, i);
        plain.barWrite(4, 4, 4, d);
        expect(paired.barRead(4, 0, 4)).toBe(plain.barRead(4, 0, 4));
        expect(paired.barRead(4, 4, 4)).toBe(plain.barRead(4, 4, 4));
      }
      expect(paired.gtt.writes).toBe(plain.gtt.writes);
      for (let off = 0; off < paired.gtt.bytes; off += 4) if (paired.gtt.readDword(off) !== plain.gtt.readDword(off)) throw new Error(`GTT differs at ${off}`);
      expect(paired.gtt.readDword(0)).toBe(0x8000_0001);
      expect(paired.gtt.readDword(4)).toBe(0xffff_ffff);
      expect(paired.gtt.readDword(0x20)).toBe(0xf777_7777);
      paired.barWrite(4, 0, 4, 0x10);
      expect(paired.barRead(4, 4, 4)).toBe(0xc444_4444); // a register written through the pair reads back as the uint32
      expect(paired.gtt.writes).toBe(4); // dwords 0, 4, the GTT's last, 0x20; nothing past the GTT
    });
  }

  it('BAR4\'s pair writer is offered for a dword MMIO_Index then a dword MMIO_Data only', () => {
    const port = make({ generation: 9, generationName: 'skl' }).ownBarHandler(4) as unknown as PairOffer;
    expect(port.forPair(0, 4, 4, 4)).toBeDefined();
    expect(port.forPair(4, 4, 0, 4)).toBeUndefined();
    expect(port.forPair(0, 2, 4, 4)).toBeUndefined();
    expect(port.forPair(0, 4, 4, 2)).toBeUndefined();
    expect(port.forPair(0, 4, 8, 4)).toBeUndefined();
  });

  it('BAR0 through its own handler is barRead/barWrite; BARs without one fall back to the host\'s', () => {
    const own = make({ generation: 9, generationName: 'skl' });
    const plain = make({ generation: 9, generationName: 'skl' });
    const mmio = own.ownBarHandler(0)!;
    const gtt = gttOffset(9);
    for (const [o, w, v] of [[0x10, 4, 0xdead_beef], [0x12, 2, 0x1234], [gtt + 8, 4, 0xcafe_0001], [gtt + 9, 1, 0x7f]] as const) {
      mmio.write(o, w, v);
      plain.barWrite(0, o, w, v);
      expect(mmio.read(o, w)).toBe(plain.barRead(0, o, w));
    }
    expect(own.gtt.readDword(8)).toBe(0xcafe_7f01);
    expect(own.ownBarHandler(2)).toBeUndefined();
    expect(own.ownBarHandler(4)).toBe(own.ownBarHandler(4));
  });
});

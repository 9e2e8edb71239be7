/**
 * QEMU's IGD BAR4 index/data quirk as QEMU 2.7 … 9.x had it (docs/igd.md §4; QEMU hw/vfio/pci-quirks.c
 * c4c45e943e51, hw/vfio/igd.c 03828b00a2bf; removed by 5aed8b0f0be2 for 10.0). The vBIOS reaches the
 * GTT through BAR4: MMIO_Index at +0, MMIO_Data at +4. The quirk watches the index and, for data
 * writes that land on a GTT PTE below gtt_max, relocates the value from the host's stolen memory to
 * the guest's BDSM (low dwords), or forces 0 (gen 8+ high dwords). With the guest BDSM still 0 QEMU
 * calls hw_error() and the VM dies: here that is a recorded fatal error and every later access is dropped.
 *
 * Which values move: exactly QEMU's formula (vfio_igd_quirk_data_write, hw/vfio/igd.c ≤ v9.2): every classified
 * low dword (index % 4 == 1 and index < vfio_igd_gtt_max(); on gen 8+ index % 8 == 1) becomes
 * `data - host BDSM + guest BDSM`, whatever range `data` lies in — so a vBIOS that already writes guest
 * addresses is relocated twice (the reason 5aed8b0f0be2 removed the quirk for 10.0). `relocation: 'host-range'`
 * is a what-if that moves only values inside the host stolen range.
 */
import type { PciFunction } from '../../../devices/pci/function.js';
import type { IoHandler, PairWriter } from '../../core/bus/address-space.js';
import { bdfOf, type RegionQuirk, type TrapEngine } from './engine.js';

export const IGD_IO_BAR = 4; // LK-DRM intel_pci_config.h GEN4_IO_BAR
export const IGD_MMIO_INDEX = 0; // docs/igd.md §4
export const IGD_MMIO_DATA = 4; // docs/igd.md §4
export const IGD_GMCH = 0x50; // docs/igd.md §1.1
export const IGD_BDSM = 0x5c; // docs/igd.md §1.1 (gen < 11)
export const IGD_BDSM_GEN11 = 0xc0; // docs/igd.md §1.1 (gen 11+, 64-bit)
export const BDSM_ALIGN = 0x10_0000; // QEMU masks the host BDSM to 1 MiB (docs/igd.md §4 item 4)
export const IGD_QUIRK_RULE = 'igd-bar4-quirk';
/** QEMU's hw_error text, verbatim (docs/igd.md §3.6). */
export const IGD_FATAL_MESSAGE = 'vfio-igd: Guest attempted to program IGD GTT before BIOS reserved stolen memory.  Unsupported BIOS?';

const MiB = 0x10_0000;
const TWO32 = 0x1_0000_0000;
const PAGE = 4096;
/** Typed arrays use the host's byte order; config space is little-endian (PCI), so dword views need a little-endian host. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * `fn`'s config registers as little-endian dwords: a view of the same bytes (not a copy), so a load sees every
 * change however it was made (guest config cycle, the BAR0 mirror's write, the VMM). Undefined where a dword
 * view would not read as PCI does (a big-endian host, an unaligned buffer): callers then use get32.
 */
function configDwords(fn: PciFunction): Uint32Array | undefined {
  const c = fn.cfg;
  if (!HOST_LITTLE_ENDIAN || c.byteOffset % 4 !== 0) return undefined;
  return new Uint32Array(c.buffer, c.byteOffset, c.length >>> 2);
}

/**
 * QEMU ≤ 9.x vfio_igd_gtt_max(): GSM bytes / 4 KiB × PTE size, GGMS from the guest-visible GMCH.
 * Gen < 8 (i915 numbering; QEMU's "gen 6" covered SNB…HSW): GGMS MiB, linear. Gen 8+: 1 << GGMS MiB,
 * which gives 1 MiB for GGMS 0 (the bug Tomita's Dec 2024 fix removed in 10.0; docs/igd.md §2.3).
 */
export function quirkGttMax(gen: number, gmch: number): number {
  if (gen < 8) return ((((gmch >>> 8) & 3) * MiB) / PAGE) * 4;
  return (((1 << ((gmch >>> 6) & 3)) * MiB) / PAGE) * 8;
}

export type QuirkRelocation = 'host-range' | 'all';

export interface IgdQuirkParams {
  /** QEMU's generation of the assigned IGD (igd_gen: decides PTE size, gtt_max, the BDSM register). */
  readonly generation: number;
  /** The host's BDSM as QEMU read it at realize (masked to 1 MiB here). */
  readonly hostBdsm: number;
  /** Bytes of the host's data stolen memory (from the host GMCH): the range values are relocated from. */
  readonly hostStolenSize: number;
  /** Which low dwords move (default 'all', QEMU's formula; see the file comment). */
  readonly relocation?: QuirkRelocation;
}

export class IgdBar4Quirk implements RegionQuirk {
  readonly bar = IGD_IO_BAR;
  /** QEMU initialises the index to all ones; reads and data writes reset it. */
  index = 0xffffffff;
  readonly hostBdsm: number;
  private readonly hostEnd: number;
  private readonly relocateAll: boolean;
  private ruleId = -1;
  private engine: TrapEngine | undefined;
  private readonly dwords: Uint32Array | undefined;
  /** Offset of the BDSM register this generation's quirk reads (the low dword on gen 11+). */
  private readonly bdsmAt: number;

  constructor(readonly fn: PciFunction, readonly params: IgdQuirkParams) {
    this.hostBdsm = params.hostBdsm - (params.hostBdsm % BDSM_ALIGN);
    this.hostEnd = this.hostBdsm + params.hostStolenSize;
    this.relocateAll = params.relocation !== 'host-range';
    this.dwords = configDwords(fn);
    this.bdsmAt = params.generation < 11 ? IGD_BDSM : IGD_BDSM_GEN11;
  }

  attach(engine: TrapEngine): void {
    this.engine = engine;
    this.ruleId = engine.addQuirk(this, IGD_QUIRK_RULE);
  }

  /** The register's raw bytes at dword-aligned `off`: one load through the dword view. */
  private raw32(off: number): number {
    const d = this.dwords;
    return d !== undefined ? d[off >>> 2]! : this.fn.get32(off);
  }

  private bdsmLoSeen = -1;
  private bdsmHiSeen = -1;
  private bdsmCached = 0;

  /**
   * The guest BDSM as the emulated register holds it (0x5C, or the 64-bit 0xC0 on gen 11+). QEMU reads it on every
   * relocated write (vfio_igd_quirk_data_write); here the value is cached on the quirk, keyed by the register's raw
   * dwords, so a changed BDSM is seen on the next write whichever path changed it: the guest's config write through
   * the write mask, the BAR0 mirror forwarding a write to config space, the VMM setting it (docs/igd.md §4).
   */
  guestBdsm(): number {
    const lo = this.raw32(this.bdsmAt);
    const hi = this.params.generation < 11 ? 0 : this.raw32(IGD_BDSM_GEN11 + 4);
    if (lo !== this.bdsmLoSeen || hi !== this.bdsmHiSeen) {
      const f = this.fn;
      this.bdsmLoSeen = lo;
      this.bdsmHiSeen = hi;
      this.bdsmCached = this.params.generation < 11
        ? f.configRead(IGD_BDSM, 4)
        : f.configRead(IGD_BDSM_GEN11 + 4, 4) * TWO32 + f.configRead(IGD_BDSM_GEN11, 4);
    }
    return this.bdsmCached;
  }

  private gmchSeen = -1;
  private gttMaxCached = 0;

  /** QEMU re-reads GMCH on every write; GMCH is read-only, so the bound is recomputed only if its bytes change. */
  gttMax(): number {
    const d = this.dwords; // raw32(IGD_GMCH), spelled out: this runs on every data write
    const raw = d !== undefined ? d[IGD_GMCH >>> 2]! : this.fn.get32(IGD_GMCH);
    return raw === this.gmchSeen ? this.gttMaxCached : this.gttMaxChanged();
  }

  private gttMaxChanged(): number {
    this.gmchSeen = this.raw32(IGD_GMCH);
    this.gttMaxCached = quirkGttMax(this.params.generation, this.fn.configRead(IGD_GMCH, 4));
    return this.gttMaxCached;
  }

  /**
   * What QEMU's realize did after installing the quirk: index = i, data = 0 for i = 1, 5, 9, … below
   * gtt_max, straight to the device ("to avoid spurious DMA faults").
   */
  clearGtt(): void {
    const max = this.gttMax();
    for (let i = 1; i < max; i += 4) {
      this.fn.barWrite(IGD_IO_BAR, IGD_MMIO_INDEX, 4, i);
      this.fn.barWrite(IGD_IO_BAR, IGD_MMIO_DATA, 4, 0);
    }
  }

  wrap(inner: IoHandler): IoHandler {
    const e = this.engine;
    if (e === undefined) throw new Error('bug: IGD BAR4 quirk used before attach()');
    return new IgdBar4Handler(this, inner, e, bdfOf(this.fn));
  }

  /**
   * vfio_igd_quirk_data_write for a classified dword (`index` % 4 == 1, below gtt_max): the value forwarded, or -1
   * when the write killed the VM. Kept out of the handler so the common path stays small enough to inline.
   */
  relocate(e: TrapEngine, bdf: number, index: number, offset: number, width: 1 | 2 | 4, data: number): number {
    let val: number;
    if (this.params.generation < 8 || (index & 7) === 1) {
      const base = this.guestBdsm();
      if (base === 0) {
        e.hit(bdf, IGD_IO_BAR, offset, width, true, data, data, true, this.ruleId);
        e.halt(this.fn, IGD_FATAL_MESSAGE);
        return -1;
      }
      const page = data - (data % 4096);
      if (!this.relocateAll && (page < this.hostBdsm || page >= this.hostEnd)) val = data;
      else val = (((data - this.hostBdsm + base) % TWO32) + TWO32) % TWO32;
    } else {
      val = 0; // upper 32 bits of a gen 8+ PTE: QEMU "only enable[s] below 4G PTEs"
    }
    if (width !== 4) val &= (1 << (8 * width)) - 1;
    e.hit(bdf, IGD_IO_BAR, offset, width, true, data, val, false, this.ruleId);
    return val;
  }
}

/**
 * The handler the CPU reaches BAR4 through while the quirk is installed: one class (not closures made per view
 * rebuild) dispatching to two small ones, MMIO_Index's and MMIO_Data's, so V8 can inline more of the chain into a
 * ROM's loop within its inlining budget (docs/performance.md §15). Accesses at offset 8 and up
 * pass straight through; every access below 8 is a step of the trap engine.
 */
class IgdBar4Handler implements IoHandler {
  private readonly index: IgdBar4IndexPort;
  private readonly data: IgdBar4DataPort;

  constructor(
    private readonly quirk: IgdBar4Quirk,
    private readonly inner: IoHandler,
    private readonly engine: TrapEngine,
    private readonly bdf: number,
  ) {
    this.index = new IgdBar4IndexPort(this, quirk, engine, inner);
    this.data = new IgdBar4DataPort(this, quirk, engine, bdf, inner);
  }

  read(offset: number, width: 1 | 2 | 4): number {
    if (offset >= 8) return this.inner.read(offset, width);
    this.engine.step++;
    this.quirk.index = 0xffffffff;
    return this.inner.read(offset, width);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    if (offset >= 8) this.inner.write(offset, width, value);
    else if (offset < IGD_MMIO_DATA) this.index.write(offset, width, value);
    else this.data.write(offset, width, value);
  }

  /**
   * For a ROM's port step bound to one offset: MMIO_Index's or MMIO_Data's handler, with the device's own handler
   * for that offset behind it (IoHandler.forOffset); offsets 8 and up, the device's handler itself.
   */
  forOffset(offset: number): IoHandler {
    const inner = this.inner.forOffset?.(offset) ?? this.inner;
    if (offset >= 8) return inner;
    return offset < IGD_MMIO_DATA
      ? new IgdBar4IndexPort(this, this.quirk, this.engine, inner)
      : new IgdBar4DataPort(this, this.quirk, this.engine, this.bdf, inner);
  }

  /**
   * For a ROM loop writing MMIO_Index and then MMIO_Data (dwords; the vBIOS's GTT sequence): both writes in one call
   * (IgdBar4IndexData), so the loop pays one call and passes no boxed value per PTE dword instead of two calls
   * (docs/performance.md §18). An index write only records the index (here and in the device), so it cannot move a
   * BAR; any other pair is not offered.
   */
  forPair(a: number, wa: 1 | 2 | 4, b: number, wb: 1 | 2 | 4): PairWriter | undefined {
    if (a !== IGD_MMIO_INDEX || wa !== 4 || b !== IGD_MMIO_DATA || wb !== 4) return undefined;
    const index = this.inner.forOffset?.(a) ?? this.inner;
    const data = this.inner.forOffset?.(b) ?? this.inner;
    const pair = this.inner.forPair?.(a, wa, b, wb) ?? new TwoWrites(index, data);
    return new IgdBar4IndexData(this.quirk, this.engine, this.bdf, index, data, pair);
  }
}

/**
 * MMIO_Index then MMIO_Data, dword writes (IgdBar4Handler.forPair): exactly IgdBar4IndexPort.write(0, 4, a) followed
 * by IgdBar4DataPort.write(4, 4, b), the same steps, trace hits, fatal drops and device writes, in one method; the
 * relocation (relocated or forced-0 dwords, the fatal path and its trace hit) stays out of line in
 * IgdBar4Quirk.relocate. `a` and `b` are int32 bit patterns (PairWriter).
 *
 * A pass-through pair (not a PTE dword below gtt_max: all but the first gtt_max bytes of a GTT fill) reaches the device
 * as one call of the device's own pair writer (`pair`), not an index call and a data call through two port layers
 * (docs/performance.md §28). Both steps are counted at once and the quirk's index is stored only at the end: between
 * the two writes nothing reads either (the device's index write does not reach the engine; relocate is given the
 * index and reads the step after both increments, as before), and the VM dies only in relocate, after the index write.
 */
class IgdBar4IndexData implements PairWriter {
  constructor(
    private readonly quirk: IgdBar4Quirk,
    private readonly engine: TrapEngine,
    private readonly bdf: number,
    private readonly indexPort: IoHandler,
    private readonly dataPort: IoHandler,
    private readonly pair: PairWriter,
  ) {}

  writePair(a: number, b: number): void {
    const e = this.engine;
    const q = this.quirk;
    const index = a >>> 0;
    e.step += 2;
    if (e.fatal !== null) return; // the VM is gone: both writes dropped
    if ((index & 3) !== 1 || index >= q.gttMax()) this.pair.writePair(a, b);
    else {
      this.indexPort.write(IGD_MMIO_INDEX, 4, index);
      const val = q.relocate(e, this.bdf, index, IGD_MMIO_DATA, 4, b >>> 0);
      if (val >= 0) this.dataPort.write(IGD_MMIO_DATA, 4, val);
    }
    q.index = 0xffffffff;
  }
}

/** A pair as its two writes, for an inner handler that offers no pair of its own. */
class TwoWrites implements PairWriter {
  constructor(private readonly index: IoHandler, private readonly data: IoHandler) {}
  writePair(a: number, b: number): void {
    this.index.write(IGD_MMIO_INDEX, 4, a >>> 0);
    this.data.write(IGD_MMIO_DATA, 4, b >>> 0);
  }
}

/** One of BAR4's two ports for a bound ROM step: reads go to the whole window's handler, writes to the subclass. */
abstract class IgdBar4Port implements IoHandler {
  constructor(
    protected readonly whole: IoHandler,
    protected readonly quirk: IgdBar4Quirk,
    protected readonly engine: TrapEngine,
    protected readonly inner: IoHandler,
  ) {}

  read(offset: number, width: 1 | 2 | 4): number {
    return this.whole.read(offset, width);
  }

  abstract write(offset: number, width: 1 | 2 | 4, value: number): void;
}

/** Writes below MMIO_Data (IgdBar4Handler): the quirk records the index, the device gets the write. */
class IgdBar4IndexPort extends IgdBar4Port {
  write(offset: number, width: 1 | 2 | 4, value: number): void {
    const e = this.engine;
    e.step++;
    if (e.fatal !== null) return; // the VM is gone
    this.quirk.index = value >>> 0;
    this.inner.write(offset, width, value);
  }
}

/**
 * Writes to MMIO_Data (`offset` 4…7; IgdBar4Handler): vfio_igd_quirk_data_write. Only a GTT PTE dword below gtt_max
 * is classified; everything else passes as is. index is a uint32 (value >>> 0, or all ones): its low bits by & (an
 * integer op), not % (a float modulus in V8). A value below 0 (or NaN) is not forwarded (the -1 of the fatal path
 * doubles as "drop").
 */
class IgdBar4DataPort extends IgdBar4Port {
  constructor(whole: IoHandler, quirk: IgdBar4Quirk, engine: TrapEngine, private readonly bdf: number, inner: IoHandler) {
    super(whole, quirk, engine, inner);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    const e = this.engine;
    e.step++;
    if (e.fatal !== null) return; // the VM is gone
    const q = this.quirk;
    const index = q.index;
    // Two forwarding calls, not one after a merged value: V8 would give the merge the call result's tagged
    // representation and box every pass-through value above 2^31 on its way to the device.
    if ((index & 3) !== 1 || index >= q.gttMax()) {
      if (value >= 0) this.inner.write(offset, width, value);
    } else {
      const val = q.relocate(e, this.bdf, index, offset, width, value);
      if (val >= 0) this.inner.write(offset, width, val);
    }
    q.index = 0xffffffff;
  }
}

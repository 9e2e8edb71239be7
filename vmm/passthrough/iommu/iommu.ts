/**
 * The host IOMMU: translation structures in host memory, a context cache and an IOTLB that go stale
 * until invalidated, fault recording registers, a host-side fault log and corruption detection
 * (docs/iommu.md §3-§2.7, §4 items 10-14). Devices reach it only through DmaPort (port()).
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import { capWords, ecapWords, sagawFor } from './caps.js';
import {
  AW_BITS_DEFAULT,
  CAP_MAMV,
  FR_ADDR_BEYOND_MGAW,
  FR_READ,
  FR_WRITE,
  IOTLB_MAX_SIZE,
  MSI_FIRST,
  MSI_LAST,
  PTE_R,
  PTE_W,
  QUALIFIED_FAULT,
  REG_CAP,
  REG_ECAP,
  REG_VER,
  VER_VALUE,
} from './constants.js';
import { CorruptionDetector, type GivenRange } from './corruption.js';
import { FaultLog } from './fault-log.js';
import { D_FPD, FaultUnit } from './fault-unit.js';
import { HOST_WINDOW_SIZE, HostTables, pageSpan } from './host-tables.js';
import { Iotlb, L1_SIZE } from './iotlb.js';
import { IommuDmaPort } from './port.js';
import { vfioError, VfioType1Container, type ContainerHost, type ContainerOptions } from './vfio-container.js';
import { Walker } from './walk.js';
import type { DmaAccess, DmaTarget, IommuOptions, MappingKind, VfioResult } from './types.js';

const KIND_RAM = 1;
const KIND_EXTRA = 2;
const MAX_WINDOWS = 256; // 2^48 host addresses / 1 TiB windows; window 0 holds the tables
const GEN_MAX = 0xffffffff; // QEMU VTD_CONTEXT_CACHE_GEN_MAX

export class Iommu implements ContainerHost {
  readonly awBits: 39 | 48;
  /** Page-table depth of new domains: 3 (39-bit) or 4 (48-bit). */
  readonly levels: number;
  readonly tables: HostTables;
  readonly iotlb: Iotlb;
  readonly faults: FaultUnit;
  readonly log: FaultLog;
  readonly corruption = new CorruptionDetector();
  /** Root table address (RTADDR); changing it needs a global context invalidation, as SRTP does. */
  rootTable: number;

  /** Target memory of the last successful translate(); valid until the next call. */
  lastTarget: DmaTarget | null = null;
  hits = 0;
  misses = 0;
  /** Accesses to the MSI window, which is never DMA-translated (docs/iommu.md §4). */
  msiAccesses = 0;
  /** Translations that resolved to no DMA target (a PTE pointing at tables or an unused window). */
  unbacked = 0;

  private readonly walker: Walker;
  private readonly cap: [number, number];
  // context cache, by source id (QEMU VTDContextCacheEntry + generation)
  private ccGeneration = 1;
  private readonly ccGen = new Uint32Array(65536);
  private readonly ccRoot = new Float64Array(65536);
  private readonly ccLevels = new Uint8Array(65536);
  private readonly ccAgaw = new Uint8Array(65536);
  private readonly ccDid = new Uint16Array(65536);
  private readonly ccFpd = new Uint8Array(65536);
  // host windows
  private readonly windowTarget: (DmaTarget | undefined)[] = new Array<DmaTarget | undefined>(MAX_WINDOWS).fill(undefined);
  private readonly windowKind = new Uint8Array(MAX_WINDOWS);
  private readonly windows = new Map<DmaTarget, [number, number]>();
  private nextWindow = 1;
  // domains
  private nextDomain = 1;
  private readonly owner = new Map<number, VfioType1Container>();

  constructor(opts: IommuOptions = {}) {
    this.awBits = opts.awBits ?? AW_BITS_DEFAULT;
    if (this.awBits !== 39 && this.awBits !== 48) throw new Error(`aw-bits must be 39 or 48, got ${String(this.awBits)}`);
    this.levels = this.awBits === 48 ? 4 : 3;
    const records = opts.faultRecords ?? 1;
    this.tables = new HostTables(opts.tableMemoryBytes ?? 2 ** 30);
    this.rootTable = this.tables.rootTable;
    this.iotlb = new Iotlb(opts.iotlbEntries ?? IOTLB_MAX_SIZE);
    this.faults = new FaultUnit(records, opts.onFaultInterrupt);
    this.log = new FaultLog(opts.faultLogCap ?? 1 << 20);
    this.cap = capWords(this.awBits, records);
    this.walker = new Walker(this.tables.mem, this.tables.limitBytes, this.awBits, sagawFor(this.awBits));
  }

  /** A new vfio container with its own domain (page-table root and domain id). */
  createContainer(opts: ContainerOptions = {}): VfioType1Container {
    const root = this.tables.newDomainRoot();
    if (root < 0 || this.nextDomain > 0xffff) throw new Error('out of IOMMU domains or table memory');
    return new VfioType1Container(this, this.nextDomain++, root, this.levels, this.awBits, opts);
  }

  /** The DMA interface a device at `sourceId` (bus << 8 | devfn) gets. */
  port(sourceId: number): IommuDmaPort {
    return new IommuDmaPort(this, sourceId & 0xffff);
  }

  /** Guest-RAM ranges [start, end) a source was given; null stops checking it. */
  setGiven(sourceId: number, ranges: readonly GivenRange[] | null): void {
    this.corruption.setGiven(sourceId, ranges);
  }

  /**
   * Translates one access. Returns the address inside `lastTarget`, or -1 when the access faulted (the
   * fault is recorded), hit the MSI window, or reached no target. `len` (bytes, within one page) only
   * feeds corruption detection.
   */
  translate(sourceId: number, iova: number, access: DmaAccess, len = 1): number {
    // Hit path, small enough for V8 to inline into callers: the IOTLB's front holds the translation itself.
    // A front key exists only for a frame lookup() answered, which never happens for MSI-window or
    // negative addresses (translateSlow returns before), and NaN (an empty entry) equals no key.
    // Below 2^31 the frame is an integer shift (floor(trunc(x) / 4096) = floor(x / 4096) for x >= 0); V8 compiles the
    // division and Math.floor of the general case to float operations.
    const pfn = iova >= 0 && iova < 0x8000_0000 ? iova >>> PAGE_SHIFT : Math.floor(iova / PAGE_SIZE);
    const tlb = this.iotlb;
    const j = pfn & (L1_SIZE - 1);
    if (tlb.l1Key[j] === pfn * 65536 + sourceId + 1 && (tlb.l1Flags[j]! & (access === 'write' ? PTE_W : PTE_R)) !== 0) {
      const win = tlb.l1Win[j]!;
      const target = this.windowTarget[win];
      if (target !== undefined) {
        this.hits++;
        const addr = iova + tlb.l1Delta[j]!;
        if (this.lastTarget !== target) this.lastTarget = target; // a load instead of a store with its write barrier
        const c = this.corruption;
        if (c.watchedCount !== 0 && this.windowKind[win] === KIND_RAM && c.watched[sourceId] === 1) {
          c.check(sourceId, addr, len, access === 'write');
        }
        return addr;
      }
    }
    return this.translateSlow(sourceId, iova, access, len);
  }

  /** Everything but a permitted front hit: MSI window, bad addresses, probes, walks, faults, unbacked targets. */
  private translateSlow(sourceId: number, iova: number, access: DmaAccess, len: number): number {
    if ((iova >= MSI_FIRST && iova <= MSI_LAST) || !(iova >= 0)) {
      if (iova >= 0) this.msiAccesses++;
      else this.fault(sourceId, 0, FR_ADDR_BEYOND_MGAW, access === 'write', false);
      return -1;
    }
    const write = access === 'write';
    const tlb = this.iotlb;
    const pfn = Math.floor(iova / PAGE_SIZE);
    const slot = tlb.lookup(sourceId, pfn);
    let win: number;
    let addr: number;
    if (slot >= 0) {
      this.hits++;
      const f = tlb.flags[slot]!;
      // The cached PTE denies this access: hardware faults from the cached entry (QEMU would just fail it).
      if ((f & (write ? PTE_W : PTE_R)) === 0) {
        this.fault(sourceId, iova, write ? FR_WRITE : FR_READ, write, (f & 4) !== 0);
        return -1;
      }
      win = tlb.win[slot]!;
      addr = tlb.base[slot]! + (iova - tlb.pageIova(slot));
    } else {
      this.misses++;
      const hpa = this.walk(sourceId, iova, pfn, write);
      if (hpa < 0) return -1;
      win = Math.floor(hpa / HOST_WINDOW_SIZE);
      addr = hpa - win * HOST_WINDOW_SIZE;
    }
    const target = this.windowTarget[win];
    if (target === undefined) {
      this.unbacked++;
      return -1;
    }
    this.lastTarget = target;
    if (this.windowKind[win] === KIND_RAM && this.corruption.watched[sourceId] === 1) {
      this.corruption.check(sourceId, addr, len, write);
    }
    return addr;
  }

  /** IOTLB miss: context (cached by generation) then the page walk; -1 after recording a fault. */
  private walk(sid: number, iova: number, pfn: number, write: boolean): number {
    const w = this.walker;
    if (this.ccGen[sid] === this.ccGeneration) {
      w.ctxRoot = this.ccRoot[sid]!;
      w.ctxLevels = this.ccLevels[sid]!;
      w.ctxAgaw = this.ccAgaw[sid]!;
      w.ctxDid = this.ccDid[sid]!;
      w.ctxFpd = this.ccFpd[sid] === 1;
    } else {
      const r = w.context(this.rootTable, sid);
      if (r !== 0) {
        this.fault(sid, iova, r, write, w.ctxFpd);
        return -1;
      }
      this.ccGen[sid] = this.ccGeneration;
      this.ccRoot[sid] = w.ctxRoot;
      this.ccLevels[sid] = w.ctxLevels;
      this.ccAgaw[sid] = w.ctxAgaw;
      this.ccDid[sid] = w.ctxDid;
      this.ccFpd[sid] = w.ctxFpd ? 1 : 0;
    }
    const r = w.pages(iova, write);
    if (r !== 0) {
      this.fault(sid, iova, r, write, w.ctxFpd);
      return -1;
    }
    this.iotlb.insert(sid, w.level, pfn, w.hpa, w.ctxDid, w.perms | (w.ctxFpd ? 4 : 0));
    return w.hpa + (iova % pageSpan(w.level));
  }

  private fault(sid: number, iova: number, reason: number, write: boolean, fpd: boolean): void {
    const page = iova - (iova % PAGE_SIZE);
    const code = fpd && QUALIFIED_FAULT[reason] === true ? D_FPD : this.faults.report(sid, page, reason, write);
    this.log.add(sid, page, reason, write, code);
  }

  // ---- invalidation (docs/iommu.md §5) ----

  invalidateIotlbGlobal(): void {
    this.iotlb.flushAll();
  }

  invalidateIotlbDomain(domainId: number): void {
    this.iotlb.flushDomain(domainId);
  }

  /** Page-selective: 2^am pages at `addr` (aligned down), for one domain. */
  invalidateIotlbPages(domainId: number, addr: number, am: number): void {
    this.iotlb.flushPages(domainId, addr, am);
  }

  /** Global (and domain-selective, which QEMU treats as global) context-cache invalidation. */
  invalidateContextGlobal(): void {
    if (++this.ccGeneration === GEN_MAX) {
      this.ccGen.fill(0);
      this.ccGeneration = 1;
    }
  }

  /** Device-selective context-cache invalidation; `fm` masks SID bits 2, 2:1 or 2:0 (FM 1..3). */
  invalidateContextDevice(sourceId: number, fm = 0): void {
    const mask = [0, 4, 6, 7][fm & 3]!;
    const base = sourceId & ~mask & 0xffff;
    for (let d = 0; d <= mask; d++) if ((d & ~mask) === 0) this.ccGen[base | d] = 0;
  }

  /** intel-iommu's unmap flush: one page-selective invalidation covering the range, or domain-wide past MAMV. */
  flushRange(domainId: number, iova: number, size: number): void {
    const first = Math.floor(iova / PAGE_SIZE);
    const last = Math.ceil((iova + size) / PAGE_SIZE) - 1;
    let am = 0;
    while (am <= CAP_MAMV && Math.floor(first / 2 ** am) !== Math.floor(last / 2 ** am)) am++;
    if (am > CAP_MAMV) this.iotlb.flushDomain(domainId);
    else this.iotlb.flushPages(domainId, first * PAGE_SIZE, am);
  }

  // ---- ContainerHost ----

  windowFor(target: DmaTarget, kind: MappingKind): number {
    const k = kind === 'ram' ? 0 : 1;
    let pair = this.windows.get(target);
    if (pair === undefined) {
      pair = [-1, -1];
      this.windows.set(target, pair);
    }
    if (pair[k]! < 0) {
      if (this.nextWindow >= MAX_WINDOWS) return -1;
      const w = this.nextWindow++;
      this.windowTarget[w] = target;
      this.windowKind[w] = kind === 'ram' ? KIND_RAM : KIND_EXTRA;
      pair[k] = w;
    }
    return pair[k]!;
  }

  attachSource(sid: number, c: VfioType1Container, fpd: boolean): VfioResult {
    const cur = this.owner.get(sid);
    if (cur !== undefined && cur !== c) return vfioError('EBUSY', `source ${sid.toString(16)} belongs to another container`);
    if (!this.tables.setContext(sid, c.ptRoot, c.domainId, c.levels, fpd)) return vfioError('ENOMEM', 'IOMMU table memory exhausted');
    this.owner.set(sid, c);
    // As intel-iommu does after writing a context entry: context cache for the device, then the domain's IOTLB.
    this.invalidateContextDevice(sid);
    this.iotlb.flushDomain(c.domainId);
    return { ok: true };
  }

  detachSource(sid: number, c: VfioType1Container): VfioResult {
    if (this.owner.get(sid) !== c) return vfioError('EINVAL', `source ${sid.toString(16)} is not attached to this container`);
    this.tables.clearContext(sid);
    this.owner.delete(sid);
    this.invalidateContextDevice(sid);
    this.iotlb.flushDomain(c.domainId);
    return { ok: true };
  }

  // ---- registers (32-bit accesses at DMAR offsets; docs/iommu.md §2.1) ----

  readReg32(offset: number): number {
    switch (offset) {
      case REG_VER:
        return VER_VALUE;
      case REG_CAP:
        return this.cap[0];
      case REG_CAP + 4:
        return this.cap[1];
      case REG_ECAP:
        return ecapWords()[0];
      case REG_ECAP + 4:
        return ecapWords()[1];
    }
    return this.faults.read32(offset) ?? 0;
  }

  writeReg32(offset: number, value: number): void {
    this.faults.write32(offset, value);
  }
}

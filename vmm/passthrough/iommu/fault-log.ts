/**
 * The host-side fault log: every fault the IOMMU saw, whatever the registers did with it (recorded,
 * compressed, overflowed, FPD-suppressed), so a report never loses one. Details live in growable typed
 * arrays up to `cap` entries; past the cap details are dropped but `total` and the per-(source, reason,
 * access) groups keep counting, so every count stays exact.
 */
import { DISPOSITIONS } from './fault-unit.js';
import type { DmaAccess, DmarFault, FaultDisposition } from './types.js';

export interface FaultGroup {
  readonly sourceId: number;
  readonly reason: number;
  readonly access: DmaAccess;
  count: number;
  /** Lowest and highest faulting page addresses seen. */
  low: number;
  high: number;
}

export class FaultLog {
  /** Every fault ever logged. */
  total = 0;
  /** Counts by disposition code (see DISPOSITIONS). */
  readonly byDisposition = new Float64Array(DISPOSITIONS.length);
  private kept = 0;
  private sid = new Uint16Array(256);
  private addr = new Float64Array(256);
  private reason = new Uint8Array(256);
  /** bit 0: write; bits 3:1: disposition code. */
  private flags = new Uint8Array(256);
  private readonly groups = new Map<number, FaultGroup>();

  constructor(readonly cap: number) {}

  add(sourceId: number, page: number, reason: number, write: boolean, disposition: number): void {
    this.total++;
    this.byDisposition[disposition]!++;
    if (this.kept < this.cap) {
      if (this.kept === this.sid.length) this.grow();
      const i = this.kept++;
      this.sid[i] = sourceId;
      this.addr[i] = page;
      this.reason[i] = reason;
      this.flags[i] = (write ? 1 : 0) | (disposition << 1);
    }
    const key = sourceId * 512 + (reason & 0xff) * 2 + (write ? 1 : 0);
    const g = this.groups.get(key);
    if (g === undefined) {
      this.groups.set(key, { sourceId, reason, access: write ? 'write' : 'read', count: 1, low: page, high: page });
    } else {
      g.count++;
      if (page < g.low) g.low = page;
      if (page > g.high) g.high = page;
    }
  }

  private grow(): void {
    const n = Math.min(this.cap, this.sid.length * 2);
    const sid = new Uint16Array(n);
    sid.set(this.sid);
    const addr = new Float64Array(n);
    addr.set(this.addr);
    const reason = new Uint8Array(n);
    reason.set(this.reason);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.sid = sid;
    this.addr = addr;
    this.reason = reason;
    this.flags = flags;
  }

  /** Faults whose details were kept (the first `cap`). */
  get detailsKept(): number {
    return this.kept;
  }

  /** Faults counted but without details. */
  get detailsDropped(): number {
    return this.total - this.kept;
  }

  at(i: number): DmarFault {
    const f = this.flags[i]!;
    return {
      sourceId: this.sid[i]!,
      address: this.addr[i]!,
      reason: this.reason[i]!,
      access: (f & 1) !== 0 ? 'write' : 'read',
      disposition: DISPOSITIONS[f >> 1] as FaultDisposition,
    };
  }

  details(): DmarFault[] {
    const out: DmarFault[] = [];
    for (let i = 0; i < this.kept; i++) out.push(this.at(i));
    return out;
  }

  /** Exact per-(source, reason, access) counts, ordered by source, reason, access. */
  summary(): FaultGroup[] {
    return [...this.groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => ({ ...g }));
  }

  clear(): void {
    this.total = 0;
    this.kept = 0;
    this.byDisposition.fill(0);
    this.groups.clear();
  }
}

/**
 * Primary fault recording: FSTS, FECTL, the fault-event MSI registers and the FRCD array, with the
 * semantics of QEMU's vtd_report_dmar_fault and friends (docs/iommu.md §7). The number of records comes from
 * the configuration (CAP.NFR = records - 1); QEMU has one.
 */
import {
  FEADDR_WMASK,
  FEDATA_WMASK,
  FECTL_IM,
  FECTL_IP,
  FRCD_F,
  FRCD_LEN,
  FRCD_T,
  FSTS_FRI_SHIFT,
  FSTS_IQE,
  FSTS_PFO,
  FSTS_PPF,
  FSTS_W1C_MASK,
  REG_FEADDR,
  REG_FECTL,
  REG_FEDATA,
  REG_FEUADDR,
  REG_FRCD,
  REG_FSTS,
} from './constants.js';
import type { FaultDisposition } from './types.js';

const TWO32 = 0x1_0000_0000;

/** Disposition codes; DISPOSITIONS[code] is the public name. */
export const D_RECORDED = 0;
export const D_COMPRESSED = 1;
export const D_OVERFLOW = 2;
export const D_DROPPED_PFO = 3;
export const D_FPD = 4;
export const DISPOSITIONS: readonly FaultDisposition[] = ['recorded', 'compressed', 'overflow', 'dropped-pfo', 'fpd'];

export class FaultUnit {
  fsts = 0;
  fectl = FECTL_IM;
  fedata = 0;
  feaddr = 0;
  readonly feuaddr = 0;
  /** Four 32-bit words per record: FI low/high (low qword), SID.. / F,T,FR (high qword). */
  readonly frcd: Uint32Array;
  /** QEMU's s->next_frcd_reg. */
  next = 0;
  /** Fault-event MSIs sent. */
  interrupts = 0;

  constructor(
    readonly records: number,
    private readonly onInterrupt?: (address: number, data: number) => void,
  ) {
    if (records < 1 || records > 256) throw new Error(`fault records must be 1..256, got ${records}`);
    this.frcd = new Uint32Array(records * 4);
  }

  private isSet(i: number): boolean {
    return (this.frcd[i * 4 + 3]! & FRCD_F) !== 0;
  }

  /** PPF follows the F bits (QEMU vtd_update_fsts_ppf). */
  private updatePpf(): void {
    let any = false;
    for (let i = 0; i < this.records; i++) if (this.isSet(i)) any = true;
    this.fsts = any ? this.fsts | FSTS_PPF : this.fsts & ~FSTS_PPF;
  }

  /** Records a fault (docs/iommu.md §7 steps 2-5); `pageAddr` has bits 11:0 clear. */
  report(sourceId: number, pageAddr: number, reason: number, write: boolean): number {
    const pre = this.fsts;
    if ((pre & FSTS_PFO) !== 0) return D_DROPPED_PFO;
    for (let i = 0; i < this.records; i++) {
      if (this.isSet(i) && (this.frcd[i * 4 + 2]! & 0xffff) === sourceId) return D_COMPRESSED;
    }
    const n = this.next;
    if (this.isSet(n)) {
      this.fsts |= FSTS_PFO;
      return D_OVERFLOW;
    }
    const w = n * 4;
    this.frcd[w] = pageAddr % TWO32;
    this.frcd[w + 1] = Math.floor(pageAddr / TWO32);
    this.frcd[w + 2] = sourceId & 0xffff;
    this.frcd[w + 3] = (reason & 0xff) | (write ? 0 : FRCD_T);
    if ((pre & FSTS_PPF) === 0) this.fsts = (this.fsts & ~0xff00) | (n << FSTS_FRI_SHIFT);
    this.frcd[w + 3] = this.frcd[w + 3]! | FRCD_F;
    this.updatePpf();
    this.next = (n + 1) % this.records;
    if ((pre & FSTS_PPF) === 0) this.faultEvent(pre);
    return D_RECORDED;
  }

  /** QEMU vtd_generate_fault_event: nothing while earlier conditions are unserviced. */
  private faultEvent(pre: number): void {
    if ((pre & (FSTS_PPF | FSTS_PFO | FSTS_IQE)) !== 0) return;
    this.fectl |= FECTL_IP;
    if ((this.fectl & FECTL_IM) === 0) this.sendMsi();
  }

  private sendMsi(): void {
    this.interrupts++;
    this.fectl &= ~FECTL_IP;
    this.onInterrupt?.(this.feuaddr * TWO32 + this.feaddr, this.fedata);
  }

  /** 32-bit register read; offsets outside this unit's registers return undefined. */
  read32(offset: number): number | undefined {
    switch (offset) {
      case REG_FSTS:
        return this.fsts >>> 0;
      case REG_FECTL:
        return this.fectl >>> 0;
      case REG_FEDATA:
        return this.fedata;
      case REG_FEADDR:
        return this.feaddr;
      case REG_FEUADDR:
        return this.feuaddr;
    }
    const rel = offset - REG_FRCD;
    if (rel >= 0 && rel < this.records * FRCD_LEN && (rel & 3) === 0) return this.frcd[rel >> 2]!;
    return undefined;
  }

  /** 32-bit register write; returns false for offsets this unit does not own. */
  write32(offset: number, value: number): boolean {
    value >>>= 0;
    switch (offset) {
      case REG_FSTS:
        // RW1C on PFO and IQE only; PPF and FRI are read-only.
        this.fsts &= ~(value & FSTS_W1C_MASK);
        if ((this.fsts & (FSTS_PFO | FSTS_PPF | FSTS_IQE)) === 0) this.fectl &= ~FECTL_IP;
        return true;
      case REG_FECTL: {
        // Only IM is writable; unmasking with IP pending sends the held-back MSI.
        this.fectl = (this.fectl & ~FECTL_IM) | (value & FECTL_IM);
        if ((this.fectl & FECTL_IP) !== 0 && (this.fectl & FECTL_IM) === 0) this.sendMsi();
        return true;
      }
      case REG_FEDATA:
        this.fedata = value & FEDATA_WMASK;
        return true;
      case REG_FEADDR:
        this.feaddr = (value & FEADDR_WMASK) >>> 0;
        return true;
      case REG_FEUADDR:
        return true;
    }
    const rel = offset - REG_FRCD;
    if (rel >= 0 && rel < this.records * FRCD_LEN && (rel & 3) === 0) {
      // Only F (bit 127 of a record) is writable, as write-1-to-clear; PPF is recomputed.
      if ((rel & 15) === 12 && (value & FRCD_F) !== 0) {
        this.frcd[rel >> 2] = this.frcd[rel >> 2]! & ~FRCD_F;
        this.updatePpf();
      }
      return true;
    }
    return false;
  }

  reset(): void {
    this.fsts = 0;
    this.fectl = FECTL_IM;
    this.frcd.fill(0);
    this.next = 0;
  }
}

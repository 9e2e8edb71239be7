import { decodePte, pteSize } from './tables.js';

/**
 * The IGD's global GTT: the second half of BAR0, as big as the GSM (GGMS). Held as dwords in a typed
 * array allocated on the first write (a machine whose GTT is never written pays nothing); accesses
 * never allocate. Entries are 4 bytes before gen 8 and 8 bytes (two dwords, low first) from gen 8.
 */
export class Gtt {
  private dw: Uint32Array | undefined;
  /** Dword writes so far (what the trap layer and tests count). */
  writes = 0;

  constructor(readonly gen: number, readonly bytes: number) {}

  get pteBytes(): 4 | 8 {
    return pteSize(this.gen);
  }

  /** Number of entries (each maps 4 KiB of graphics address space). */
  get entries(): number {
    return this.bytes / this.pteBytes;
  }

  readDword(off: number): number {
    if (this.dw === undefined || off < 0 || off >= this.bytes) return 0;
    return this.dw[off >>> 2]!;
  }

  writeDword(off: number, value: number): void {
    const d = this.dw;
    if (d === undefined || off < 0 || off >= this.bytes) {
      this.firstWrite(off, value);
      return;
    }
    d[off >>> 2] = value >>> 0;
    this.writes++;
  }

  /** A write before the table exists allocates it (out of line: the vBIOS's millions of writes find it there). */
  private firstWrite(off: number, value: number): void {
    if (off < 0 || off >= this.bytes) return;
    this.dw = new Uint32Array(this.bytes >>> 2);
    this.dw[off >>> 2] = value >>> 0;
    this.writes++;
  }

  /** Entry `i` as one number (64-bit entries exact up to 2^53, far above any PTE address). */
  entry(i: number): number {
    if (this.dw === undefined || i < 0 || i >= this.entries) return 0;
    if (this.pteBytes === 4) return this.dw[i]!;
    return this.dw[2 * i + 1]! * 0x1_0000_0000 + this.dw[2 * i]!;
  }

  setEntry(i: number, pte: number): void {
    if (i < 0 || i >= this.entries) return;
    if (this.pteBytes === 4) this.writeDword(4 * i, pte);
    else {
      this.writeDword(8 * i, pte % 0x1_0000_0000);
      this.writeDword(8 * i + 4, Math.floor(pte / 0x1_0000_0000));
    }
  }

  /** The page entry `i` maps, or -1 when it is not valid. */
  pageAddress(i: number): number {
    return decodePte(this.gen, this.entry(i));
  }

  /** Indices of valid entries (for reports and tests; not a hot path). */
  validEntries(): number[] {
    const out: number[] = [];
    if (this.dw === undefined) return out;
    for (let i = 0; i < this.entries; i++) if (this.pageAddress(i) >= 0) out.push(i);
    return out;
  }

  clear(): void {
    this.dw?.fill(0);
  }
}

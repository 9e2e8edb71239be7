/**
 * Sparse guest RAM. A 64 GiB guest costs only the 4 KiB pages that something touched: pages are
 * allocated on first write and reads of untouched pages return zeros, as freshly booted RAM does.
 *
 * Addresses are guest-physical and held in JS numbers (exact up to 2^53, far above any x86 physical
 * address width). Callers must only pass addresses inside RAM: the MMIO dispatcher decides what is RAM.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;

export class GuestMemory {
  private readonly pages = new Map<number, Uint8Array>();
  // One-entry cache: accesses cluster on one page (ring walks, GTT fills, framebuffer copies).
  private lastPfn = -1;
  private lastPage: Uint8Array | undefined;
  /**
   * The second half of the last two-page buffer, until a page needs it. Pages are made in pairs: every SeaBIOS or
   * OVMF boot writes exactly two (the fw_cfg DMA descriptor's and the bounce buffer's), and an ArrayBuffer per
   * 4 KiB page costs about a microsecond to make and collect (docs/performance.md §22, §26). At most one page of
   * memory is made early; a discarded page's sibling keeps the pair's buffer alive.
   */
  private spare: Uint8Array | undefined;
  private static readonly ZERO = new Uint8Array(PAGE_SIZE);
  /**
   * Where the first pair of pages goes when the owner gave room for it (`firstPair`): a machine makes one buffer
   * for its functions' config space and these two pages, one ArrayBuffer per boot fewer (docs/performance.md §27).
   */
  private firstPair: ArrayBuffer | undefined;
  private readonly firstPairAt: number;

  /**
   * `firstPair`: 2 * PAGE_SIZE zeroed bytes at `firstPairAt` that nothing else uses, for the first two pages
   * written; without it (or once they are taken) pages come in pairs of their own buffer.
   */
  constructor(firstPair?: ArrayBuffer, firstPairAt = 0) {
    this.firstPair = firstPair;
    this.firstPairAt = firstPairAt;
  }

  /** Called with the page frame number of each page written; dirty tracking hooks in here. */
  onWrite: ((pfn: number) => void) | undefined;

  /** Number of pages that hold data (the host memory this guest really costs). */
  get residentPages(): number {
    return this.pages.size;
  }

  private pageForRead(pfn: number): Uint8Array {
    if (pfn === this.lastPfn && this.lastPage !== undefined) return this.lastPage;
    const p = this.pages.get(pfn);
    if (p === undefined) return GuestMemory.ZERO;
    this.lastPfn = pfn;
    this.lastPage = p;
    return p;
  }

  private pageForWrite(pfn: number): Uint8Array {
    if (this.onWrite !== undefined) this.onWrite(pfn);
    if (pfn === this.lastPfn && this.lastPage !== undefined) return this.lastPage;
    let p = this.pages.get(pfn);
    if (p === undefined) {
      p = this.spare;
      if (p !== undefined) this.spare = undefined;
      else {
        let pair = this.firstPair;
        let at = 0;
        if (pair !== undefined) {
          this.firstPair = undefined;
          at = this.firstPairAt;
        } else pair = new ArrayBuffer(2 * PAGE_SIZE);
        p = new Uint8Array(pair, at, PAGE_SIZE);
        this.spare = new Uint8Array(pair, at + PAGE_SIZE, PAGE_SIZE);
      }
      this.pages.set(pfn, p);
    }
    this.lastPfn = pfn;
    this.lastPage = p;
    return p;
  }

  read8(addr: number): number {
    return this.pageForRead(Math.floor(addr / PAGE_SIZE))[addr & PAGE_MASK]!;
  }

  write8(addr: number, value: number): void {
    this.pageForWrite(Math.floor(addr / PAGE_SIZE))[addr & PAGE_MASK] = value;
  }

  /** Little-endian read of 1, 2 or 4 bytes; the result is an unsigned 32-bit number. */
  read(addr: number, width: 1 | 2 | 4): number {
    const off = addr & PAGE_MASK;
    if (off + width <= PAGE_SIZE) {
      const p = this.pageForRead(Math.floor(addr / PAGE_SIZE));
      if (width === 1) return p[off]!;
      if (width === 2) return p[off]! | (p[off + 1]! << 8);
      return (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) >>> 0;
    }
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = v * 256 + this.read8(addr + i);
    return v >>> 0;
  }

  write(addr: number, width: 1 | 2 | 4, value: number): void {
    const off = addr & PAGE_MASK;
    if (off + width <= PAGE_SIZE) {
      const p = this.pageForWrite(Math.floor(addr / PAGE_SIZE));
      p[off] = value;
      if (width > 1) p[off + 1] = value >>> 8;
      if (width === 4) {
        p[off + 2] = value >>> 16;
        p[off + 3] = value >>> 24;
      }
      return;
    }
    for (let i = 0; i < width; i++) this.write8(addr + i, (value >>> (8 * i)) & 0xff);
  }

  read64(addr: number): number {
    return this.read(addr + 4, 4) * 0x1_0000_0000 + this.read(addr, 4);
  }

  write64(addr: number, value: number): void {
    this.write(addr, 4, value >>> 0);
    this.write(addr + 4, 4, Math.floor(value / 0x1_0000_0000) >>> 0);
  }

  readBytes(addr: number, out: Uint8Array, start = 0, length = out.length - start): void {
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const off = a & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, length - done);
      const p = this.pageForRead(Math.floor(a / PAGE_SIZE));
      out.set(p.subarray(off, off + n), start + done);
      done += n;
    }
  }

  writeBytes(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const off = a & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      // Data within one page (a DMA descriptor, a status word) is copied as it is, without a view of it.
      this.pageForWrite(Math.floor(a / PAGE_SIZE)).set(n === data.length ? data : data.subarray(done, done + n), off);
      done += n;
    }
  }

  /**
   * Backs the pages of [start, end) that have none yet with one buffer, for a caller about to write all of them: a
   * QXL device initialises its two-page RAM header at realize, every boot, and an ArrayBuffer per 4 KiB page costs
   * about a microsecond to make and collect (docs/performance.md §22). The pages read as zeros as before; which
   * pages are resident is the caller's promise (it writes each of them next).
   */
  populate(start: number, end: number): void {
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.ceil(end / PAGE_SIZE);
    let absent = 0;
    for (let pfn = first; pfn < last; pfn++) if (!this.pages.has(pfn)) absent++;
    if (absent === 0) return;
    const buffer = new ArrayBuffer(absent * PAGE_SIZE);
    let at = 0;
    for (let pfn = first; pfn < last; pfn++) {
      if (this.pages.has(pfn)) continue;
      this.pages.set(pfn, new Uint8Array(buffer, at, PAGE_SIZE));
      at += PAGE_SIZE;
    }
  }

  /** Drops the backing of whole pages in [start, end): they read as zero again (balloon, reset). */
  discard(start: number, end: number): void {
    for (let pfn = Math.ceil(start / PAGE_SIZE); pfn < Math.floor(end / PAGE_SIZE); pfn++) this.pages.delete(pfn);
    this.lastPfn = -1;
    this.lastPage = undefined;
  }
}

/**
 * Config-space storage for one machine's functions: each function's registers and write mask are a view into
 * a chunk the machine's arena hands out, instead of an ArrayBuffer of their own. A machine is built per boot,
 * and a separate 4.25 KiB buffer per PCIe function (its own backing store and external-memory accounting) was
 * most of what building a 200-root-port machine cost (docs/performance.md §14). A function made without an
 * arena (tests, config checks) allocates its own, as before; the bytes are the same either way.
 */
export class ConfigSpaceArena {
  private chunk: ArrayBuffer | undefined;
  private used = 0;
  /** Bytes of `chunk` this arena may hand out (a first chunk given by the owner may be longer). */
  private limit = 0;
  /** The next chunk's size: doubling from `firstChunk` up to `maxChunk`, so a machine of a few functions zero-fills little. */
  private nextChunk: number;

  /**
   * `first`: a zeroed buffer whose bytes [0, firstChunk) are this arena's first chunk (the owner keeps the rest:
   * a machine puts guest RAM's first two pages after it, vmm/core/machine/machine.ts); without it the first
   * chunk is allocated on the first take.
   */
  constructor(firstChunk = 8 * 1024, private readonly maxChunk = 128 * 1024, first?: ArrayBuffer) {
    this.nextChunk = firstChunk;
    if (first !== undefined) {
      this.chunk = first;
      this.limit = firstChunk;
      this.nextChunk = Math.min(2 * firstChunk, maxChunk);
    }
  }

  /** `bytes` zeroed bytes no other view of this arena shares (`bytes` a multiple of 8 keeps views aligned). */
  take(bytes: number): Uint8Array {
    const at = this.reserve(bytes);
    return new Uint8Array(this.chunk!, at, bytes);
  }

  /**
   * Reserves `bytes` zeroed bytes in the current chunk (`buffer` after the call) and returns their offset, for a
   * caller that makes its own views of them: a PCI function makes its registers and its write mask as two views
   * straight from the buffer, instead of one view and two `subarray`s of it (docs/performance.md §22).
   */
  reserve(bytes: number): number {
    let c = this.chunk;
    if (c === undefined || this.used + bytes > this.limit) {
      const size = Math.max(bytes, this.nextChunk);
      c = new ArrayBuffer(size);
      this.nextChunk = Math.min(2 * this.nextChunk, this.maxChunk);
      this.chunk = c;
      this.limit = size;
      this.used = 0;
    }
    const at = this.used;
    this.used = at + bytes;
    return at;
  }

  /** The chunk the last `reserve` took its bytes from. */
  get buffer(): ArrayBuffer {
    return this.chunk!;
  }
}

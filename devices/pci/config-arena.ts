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
  /** The next chunk's size: doubling from `firstChunk` up to `maxChunk`, so a machine of a few functions zero-fills little. */
  private nextChunk: number;

  constructor(firstChunk = 8 * 1024, private readonly maxChunk = 128 * 1024) {
    this.nextChunk = firstChunk;
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
    if (c === undefined || this.used + bytes > c.byteLength) {
      c = new ArrayBuffer(Math.max(bytes, this.nextChunk));
      this.nextChunk = Math.min(2 * this.nextChunk, this.maxChunk);
      this.chunk = c;
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

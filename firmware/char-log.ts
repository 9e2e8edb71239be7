/**
 * Append-only text kept as bytes: the debug console's text (SeaBIOS's log, ROM `log:` steps) is written a
 * few characters at a time, ~100 lines per boot, and read back only by tests and tools. Appending bytes to
 * one buffer allocates nothing per line (a string built with `+=` allocates a rope node per piece, and the
 * pieces themselves); the string is made once, when it is read (docs/performance.md §12).
 *
 * Character codes above 0xff (a ROM `log:` text may hold any Unicode) do not fit a byte: the bytes so far
 * become the string prefix and that text is appended as a string, so the text read back is always exactly
 * what was appended.
 *
 * The buffer is made on the first append: the machine's console gets the firmware's own lines as deferred
 * records (vmm/core/machine/debugcon.ts), so most boots never append a byte (docs/performance.md §20).
 */
export class CharLog {
  private prefix = '';
  /** Made on the first append. */
  private bytes: Uint8Array | undefined;
  private n = 0;
  private readonly capacity: number;

  constructor(capacity = 4096) {
    this.capacity = Math.max(16, capacity);
  }

  /** Characters appended so far. */
  get length(): number {
    return this.prefix.length + this.n;
  }

  appendByte(b: number): void {
    const bytes = this.bytes === undefined || this.n === this.bytes.length ? this.grow(1) : this.bytes;
    bytes[this.n++] = b;
  }

  /** Appends `count` character codes from `chars` (a reused formatting buffer). */
  appendChars(chars: Uint16Array, count: number): void {
    const b = this.bytes === undefined || this.n + count > this.bytes.length ? this.grow(count) : this.bytes;
    let n = this.n;
    for (let i = 0; i < count; i++) {
      const c = chars[i]!;
      if (c > 0xff) {
        this.n = n;
        this.appendWide(charsText(chars.subarray(i, count), count - i));
        return;
      }
      b[n++] = c;
    }
    this.n = n;
  }

  appendString(s: string): void {
    const len = s.length;
    const b = this.bytes === undefined || this.n + len > this.bytes.length ? this.grow(len) : this.bytes;
    let n = this.n;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.n = n;
        this.appendWide(s.slice(i));
        return;
      }
      b[n++] = c;
    }
    this.n = n;
  }

  /** The whole text (made once per read after new appends; reading again returns the same string). */
  text(): string {
    if (this.n > 0) {
      this.prefix += charsText(this.bytes!, this.n);
      this.n = 0;
    }
    return this.prefix;
  }

  private appendWide(s: string): void {
    this.prefix = this.text() + s;
  }

  /** Makes room for `extra` more bytes (the first time, `capacity`); returns the buffer. */
  private grow(extra: number): Uint8Array {
    const old = this.bytes;
    let cap = old === undefined ? this.capacity : old.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const next = new Uint8Array(cap);
    if (old !== undefined) next.set(old.subarray(0, this.n));
    this.bytes = next;
    return next;
  }
}

/** The text of codes[0, n) (each element one UTF-16 code unit), in chunks within the argument-count limit. */
export function charsText(codes: Uint8Array | Uint16Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 8192) {
    // fromCharCode reads an array-like of numbers; a typed array is one (no copy into an Array).
    s += String.fromCharCode.apply(null, codes.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  }
  return s;
}

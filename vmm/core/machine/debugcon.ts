import type { IoHandler } from '../bus/address-space.js';
import { CharLog } from '../../../firmware/char-log.js';
import { DEBUGCON_READBACK, type DeferredText } from '../../../firmware/io.js';

/**
 * A run of records of a firmware's deferred log that reached the console, placed at `at` characters of the
 * byte text (the port writes that came before it). A boot has one or a few: a new one starts only when port
 * bytes or a dropped line come between two records.
 */
interface DeferredRun {
  readonly text: DeferredText;
  readonly at: number;
  readonly from: number;
  to: number;
}

/**
 * isa-debugcon: collects what firmware prints on port 0x402; reads return the readback byte SeaBIOS checks.
 * Bytes written to the port (a ROM's `io-write`, `outb`) are kept as bytes; the firmware's own lines arrive
 * as references to its record store (firmware/seabios/debug-log.ts) and are made text only when read, in
 * their place among the bytes (docs/performance.md §16).
 */
export class DebugCon implements IoHandler {
  // Bytes kept in one growing buffer, made a string only when read (firmware/char-log.ts).
  private readonly out = new CharLog();
  private readonly runs: DeferredRun[] = [];

  /** `allow(n)`: whether n more bytes may be kept (the boot's log budget); text past it is dropped. */
  constructor(private readonly allow: (bytes: number) => boolean = () => true) {}

  read(): number {
    return DEBUGCON_READBACK;
  }

  write(_offset: number, _width: 1 | 2 | 4, value: number): void {
    if (this.allow(1)) this.out.appendByte(value & 0xff);
  }

  /** `rep outsb`: each character code (0..255) as one byte write. */
  writeText(text: string): void {
    if (this.allow(text.length)) this.out.appendString(text);
  }

  /** `rep outsb` from a buffer: the first `count` codes of `chars`. */
  writeChars(chars: Uint16Array, count: number): void {
    if (this.allow(count)) this.out.appendChars(chars, count);
  }

  /** `rep outsb` of record `index` of `text`, `length` characters, made text when read. */
  writeDeferred(text: DeferredText, index: number, length: number): void {
    if (!this.allow(length)) return;
    const at = this.out.length;
    const last = this.runs.length > 0 ? this.runs[this.runs.length - 1]! : undefined;
    if (last !== undefined && last.text === text && last.to === index && last.at === at) last.to = index + 1;
    else this.runs.push({ text, at, from: index, to: index + 1 });
  }

  text(): string {
    const bytes = this.out.text();
    const runs = this.runs;
    if (runs.length === 0) return bytes;
    let s = '';
    let pos = 0;
    for (const r of runs) {
      s += bytes.slice(pos, r.at) + r.text.textOf(r.from, r.to);
      pos = r.at;
    }
    return s + bytes.slice(pos);
  }
}

import { DEBUGCON_READBACK, PORT_DEBUGCON, type FirmwareIo } from '../io.js';
import { PrintfLog } from './debug-log.js';
import { CharBuffer, type PrintfArg } from './printf.js';
import type { SeabiosFormat } from './printf-length.js';

/**
 * The debug console as SeaBIOS drives it (CONFIG_DEBUG_IO, debug level 1): every character of a
 * dprintf goes out with `outb` to port 0x402, once a read of that port has returned 0xe9 (QEMU's
 * isa-debugcon readback). The same text is kept here for FirmwareResult.log.
 *
 * Each line is recorded, not formatted (debug-log.ts): the text is made when the log or the console is read
 * (docs/performance.md §16). The port gets the record and its length (`outsbDeferred`), so the machine's
 * console keeps the same store and its log budget charges the same lengths at the same points. An io without
 * it gets the formatted line from one reused buffer (`outsbFrom`), and an io that offers `outsb` (a wrapper
 * watching the text) gets it as a string.
 */
export class DebugOutput {
  private readonly records = new PrintfLog();
  /** The line being printed when the io takes characters, not records: made on first use. */
  private line: CharBuffer | undefined;
  private readonly port: boolean;

  constructor(private readonly io: FirmwareIo) {
    this.port = io.inb(PORT_DEBUGCON) === DEBUGCON_READBACK;
  }

  /**
   * dprintf(1, fmt, ...): formats with SeaBIOS's printf and writes the result. Up to six arguments (SeaBIOS's
   * level-1 messages use at most five); a conversion past the last one reads undefined, as it always did.
   * The arguments go straight into the record store (no array per line, none reused in between). SeaBIOS's
   * call sites pass a module constant SeabiosFormat (its length plan made once per process); a string works too.
   */
  printf(fmt: SeabiosFormat | string, a0?: PrintfArg, a1?: PrintfArg, a2?: PrintfArg, a3?: PrintfArg, a4?: PrintfArg, a5?: PrintfArg): void {
    const records = this.records;
    const r = records.addPrintf(fmt, a0, a1, a2, a3, a4, a5);
    if (!this.port) return;
    const io = this.io;
    if (io.outsb === undefined && io.outsbDeferred !== undefined) {
      io.outsbDeferred(PORT_DEBUGCON, records, r, records.lengthOfPrintf(r));
      return;
    }
    const line = (this.line ??= new CharBuffer());
    line.n = 0;
    records.renderInto(r, line);
    this.emit(line);
  }

  /** Writes text as is (already formatted). */
  write(s: string): void {
    const r = this.records.addText(s);
    if (!this.port) return;
    const io = this.io;
    if (io.outsb === undefined && io.outsbDeferred !== undefined) {
      io.outsbDeferred(PORT_DEBUGCON, this.records, r, s.length);
      return;
    }
    const line = (this.line ??= new CharBuffer());
    line.n = 0;
    line.pushString(s);
    this.emit(line);
  }

  private emit(line: CharBuffer): void {
    const io = this.io;
    if (io.outsb !== undefined) io.outsb(PORT_DEBUGCON, line.text());
    else if (io.outsbFrom !== undefined) io.outsbFrom(PORT_DEBUGCON, line.chars, line.n);
    else for (let i = 0; i < line.n; i++) io.outb(PORT_DEBUGCON, line.chars[i]! & 0xff);
  }

  get log(): string {
    return this.records.all();
  }
}

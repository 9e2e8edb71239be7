import { CharLog } from '../char-log.js';
import { DEBUGCON_READBACK, PORT_DEBUGCON, type FirmwareIo } from '../io.js';
import { CharBuffer, formatInto, type PrintfArg } from './printf.js';

/**
 * The debug console as SeaBIOS drives it (CONFIG_DEBUG_IO, debug level 1): every character of a
 * dprintf goes out with `outb` to port 0x402, once a read of that port has returned 0xe9 (QEMU's
 * isa-debugcon readback). The same text is kept here for FirmwareResult.log.
 *
 * Each line is formatted into one reused character buffer, appended to a byte log and handed to the
 * port from that buffer (`outsbFrom`): no strings per line (docs/performance.md §12). An io that offers
 * `outsb` (a wrapper watching the text) gets the line as a string instead.
 */
export class DebugOutput {
  private readonly text = new CharLog();
  private readonly line = new CharBuffer();
  /** The arguments of the line being printed: one array for every line (a rest parameter is one per call). */
  private readonly args: (PrintfArg | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  private readonly port: boolean;

  constructor(private readonly io: FirmwareIo) {
    this.port = io.inb(PORT_DEBUGCON) === DEBUGCON_READBACK;
  }

  /**
   * dprintf(1, fmt, ...): formats with SeaBIOS's printf and writes the result. Up to six arguments (SeaBIOS's
   * level-1 messages use at most five); a conversion past the last one reads undefined, as it always did.
   */
  printf(fmt: string, a0?: PrintfArg, a1?: PrintfArg, a2?: PrintfArg, a3?: PrintfArg, a4?: PrintfArg, a5?: PrintfArg): void {
    const args = this.args;
    args[0] = a0;
    args[1] = a1;
    args[2] = a2;
    args[3] = a3;
    args[4] = a4;
    args[5] = a5;
    const line = this.line;
    line.n = 0;
    formatInto(line, fmt, args);
    this.text.appendChars(line.chars, line.n);
    if (this.port) this.emit(line);
  }

  /** Writes text as is (already formatted). */
  write(s: string): void {
    this.text.appendString(s);
    if (!this.port) return;
    const line = this.line;
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
    return this.text.text();
  }
}

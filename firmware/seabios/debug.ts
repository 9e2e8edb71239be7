import { DEBUGCON_READBACK, PORT_DEBUGCON, type FirmwareIo } from '../io.js';
import { format, type PrintfArg } from './printf.js';

/**
 * The debug console as SeaBIOS drives it (CONFIG_DEBUG_IO, debug level 1): every character of a
 * dprintf goes out with `outb` to port 0x402, once a read of that port has returned 0xe9 (QEMU's
 * isa-debugcon readback). The same text is kept here for FirmwareResult.log.
 */
export class DebugOutput {
  private text = '';
  private readonly port: boolean;

  constructor(private readonly io: FirmwareIo) {
    this.port = io.inb(PORT_DEBUGCON) === DEBUGCON_READBACK;
  }

  /** dprintf(1, fmt, ...): formats with SeaBIOS's printf and writes the result. */
  printf(fmt: string, ...args: PrintfArg[]): void {
    this.write(format(fmt, args));
  }

  /** Writes text as is (already formatted). */
  write(s: string): void {
    this.text += s;
    if (!this.port) return;
    const io = this.io;
    if (io.outsb !== undefined) {
      io.outsb(PORT_DEBUGCON, s);
      return;
    }
    for (let i = 0; i < s.length; i++) io.outb(PORT_DEBUGCON, s.charCodeAt(i) & 0xff);
  }

  get log(): string {
    return this.text;
  }
}

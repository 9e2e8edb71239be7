import type { IoHandler } from '../bus/address-space.js';
import { CharLog } from '../../../firmware/char-log.js';
import { DEBUGCON_READBACK } from '../../../firmware/io.js';

/** isa-debugcon: collects what firmware prints on port 0x402; reads return the readback byte SeaBIOS checks. */
export class DebugCon implements IoHandler {
  // Bytes kept in one growing buffer, made a string only when read (firmware/char-log.ts).
  private readonly out = new CharLog();

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

  text(): string {
    return this.out.text();
  }
}

import type { IoHandler } from '../bus/address-space.js';
import { DEBUGCON_READBACK } from '../../firmware/io.js';

/** isa-debugcon: collects what firmware prints on port 0x402; reads return the readback byte SeaBIOS checks. */
export class DebugCon implements IoHandler {
  private readonly bytes: number[] = [];

  read(): number {
    return DEBUGCON_READBACK;
  }

  write(_offset: number, _width: 1 | 2 | 4, value: number): void {
    this.bytes.push(value & 0xff);
  }

  text(): string {
    return String.fromCharCode(...this.bytes.slice(0, 1 << 16)) + decodeRest(this.bytes);
  }
}

function decodeRest(bytes: readonly number[]): string {
  let s = '';
  for (let i = 1 << 16; i < bytes.length; i += 1 << 16) s += String.fromCharCode(...bytes.slice(i, i + (1 << 16)));
  return s;
}

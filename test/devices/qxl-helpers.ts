import type { PropValue } from '../../devices/spec.js';
import { QxlDriver, type DriverOptions } from '../../devices/qxl/driver.js';
import { createStandaloneQxl, type StandaloneOptions, type StandaloneQxl } from '../../devices/qxl/standalone.js';
import type { QxlDevice } from '../../devices/qxl/device.js';

export const RAM_INT_PENDING = 4;
export const RAM_INT_MASK = 8;

export function setup(props: Record<string, PropValue> = {}, opts: StandaloneOptions = {}): StandaloneQxl {
  return createStandaloneQxl(props, opts);
}

export function driverFor(q: StandaloneQxl, opts: DriverOptions = {}): QxlDriver {
  const d = new QxlDriver(q.cpu, q.dev, opts);
  if (!d.init()) throw new Error(`driver init failed: ${JSON.stringify(d.errors)}`);
  return d;
}

export function hdr(dev: QxlDevice, off: number): number {
  return dev.ramMem.read32(dev.ramHeaderOffset + off);
}

export function setHdr(dev: QxlDevice, off: number, v: number): void {
  dev.ram.write(dev.ramHeaderOffset + off, 4, v >>> 0);
}

export function bugs(dev: QxlDevice): string[] {
  return dev.events.filter((e) => e.kind === 'guest-bug').map((e) => e.message);
}

export function kinds(dev: QxlDevice, kind: string): string[] {
  return dev.events.filter((e) => e.kind === kind).map((e) => e.message);
}

/** u32 pixel at (x, y) of a top-down 32 bpp surface read as bytes. */
export function pixel(bytes: Uint8Array, stride: number, x: number, y: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(y * stride + x * 4, true);
}

/** Writes `bytes` at BAR0 offset `at` and pushes a command pointing there (main slot 1) on the command ring. */
export function pushRaw(q: StandaloneQxl, at: number, bytes: Uint8Array, type: number, cursor = false): void {
  const dev = q.dev;
  dev.ram.writeBytes(at, bytes);
  const ring = dev.ramHeaderOffset + (cursor ? 4640 : 4108);
  const prod = dev.ram.read(ring + 4, 4);
  const item = ring + 20 + 16 * (prod & 31);
  dev.ram.write(item, 4, at);
  dev.ram.write(item + 4, 4, 1 << 24);
  dev.ram.write(item + 8, 4, type);
  dev.ram.write(ring + 4, 4, prod + 1);
  dev.ioWrite(cursor ? 1 : 0, 0);
}

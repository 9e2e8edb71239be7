import type { DmaPort } from '../memory/dma.js';
import type { GuestMemory } from '../memory/guest-memory.js';

/** Which memory a device-side pointer lands in; also the high part of host-object keys. */
export const enum Space {
  Ram = 0, // BAR0 ("qxl.vgavram"): surface0, command pages, the QXLRam header
  Vram = 1, // the vram region behind BAR1 (first vram32 bytes) and BAR4 (all of it)
  Dma = 2, // guest RAM reached through the IOMMU (our memslot extension; QEMU has none)
}

/**
 * Memory the device reads and writes by offset: its own BAR memory or guest RAM through DMA.
 * Every write reports (space, offset, length) so dirty tracking sees device-side writes.
 */
export interface MemTarget {
  readonly space: Space;
  /** Bytes addressable from offset 0 (region size; guest address-space limit for DMA). */
  readonly size: number;
  read32(off: number): number;
  read64(off: number): number;
  readBytes(off: number, out: Uint8Array): boolean;
  write32(off: number, v: number): boolean;
  write64(off: number, v: number): boolean;
  writeBytes(off: number, data: Uint8Array): boolean;
  /** Zeroes [off, off + len) (surface creation without KEEP_DATA). */
  zero(off: number, len: number): boolean;
}

const ZERO_CHUNK = new Uint8Array(65536);

export type WriteNotify = (space: Space, off: number, len: number) => void;

/** Device-owned memory (a BAR's backing) over a sparse GuestMemory. */
export class DeviceMemory implements MemTarget {
  constructor(
    readonly space: Space,
    readonly size: number,
    readonly mem: GuestMemory,
    private readonly notify: WriteNotify,
  ) {}
  read32(off: number): number {
    return this.mem.read(off, 4);
  }
  read64(off: number): number {
    return this.mem.read64(off);
  }
  readBytes(off: number, out: Uint8Array): boolean {
    this.mem.readBytes(off, out);
    return true;
  }
  write32(off: number, v: number): boolean {
    this.mem.write(off, 4, v >>> 0);
    this.notify(this.space, off, 4);
    return true;
  }
  write64(off: number, v: number): boolean {
    this.mem.write64(off, v);
    this.notify(this.space, off, 8);
    return true;
  }
  writeBytes(off: number, data: Uint8Array): boolean {
    this.mem.writeBytes(off, data);
    this.notify(this.space, off, data.length);
    return true;
  }
  zero(off: number, len: number): boolean {
    // Whole pages are dropped (they read as zero and cost nothing), partial edges are written.
    const end = off + len;
    const firstPage = Math.ceil(off / 4096) * 4096;
    const lastPage = Math.floor(end / 4096) * 4096;
    if (lastPage > firstPage) {
      this.mem.discard(firstPage, lastPage);
      this.mem.writeBytes(off, ZERO_CHUNK.subarray(0, firstPage - off));
      this.mem.writeBytes(lastPage, ZERO_CHUNK.subarray(0, end - lastPage));
    } else {
      for (let p = off; p < end; p += ZERO_CHUNK.length) this.mem.writeBytes(p, ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, end - p)));
    }
    this.notify(this.space, off, len);
    return true;
  }
}

/** Guest RAM through the device's DMA port (the IOMMU records faults; a faulting read returns 0xff bytes). */
export class DmaMemory implements MemTarget {
  readonly space = Space.Dma;
  readonly size = 2 ** 48; // x86 IOVA width used by the IOMMU model; memslot bounds do the real limiting
  private cached: DmaPort | undefined;
  /** The port is fetched on first use: the machine may install its IOMMU after the device is plugged. */
  constructor(private readonly factory: () => DmaPort) {}
  private port(): DmaPort {
    return (this.cached ??= this.factory());
  }
  read32(off: number): number {
    return this.port().read32(off);
  }
  read64(off: number): number {
    return this.port().read64(off);
  }
  readBytes(off: number, out: Uint8Array): boolean {
    return this.port().readBytes(off, out);
  }
  write32(off: number, v: number): boolean {
    return this.port().write32(off, v >>> 0);
  }
  write64(off: number, v: number): boolean {
    return this.port().write64(off, v);
  }
  writeBytes(off: number, data: Uint8Array): boolean {
    return this.port().writeBytes(off, data);
  }
  zero(off: number, len: number): boolean {
    let ok = true;
    for (let p = off; p < off + len; p += ZERO_CHUNK.length) {
      if (!this.port().writeBytes(p, ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, off + len - p)))) ok = false;
    }
    return ok;
  }
}

/** A resolved device-side pointer. */
export interface MemLoc {
  readonly target: MemTarget;
  readonly offset: number;
}

/** Reads a little-endian signed 32-bit value. */
export function readI32(t: MemTarget, off: number): number {
  return t.read32(off) | 0;
}

/** Reads one byte. */
export function readU8(t: MemTarget, off: number): number {
  const buf = new Uint8Array(1);
  t.readBytes(off, buf);
  return buf[0]!;
}

/** Reads a small structure into a fresh buffer and returns a DataView over it (little-endian reads by the caller). */
export function readStruct(t: MemTarget, off: number, size: number): DataView {
  const buf = new Uint8Array(size);
  t.readBytes(off, buf);
  return new DataView(buf.buffer);
}

/** A u64 from a DataView as a JS number (exact below 2^53; QXLPHYSICAL decoding uses the halves instead). */
export function u64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 0x1_0000_0000 + dv.getUint32(off, true);
}

/** A little-endian value of `width` bytes from a byte array, or `ones` past its end (ROM BARs). */
export function readLe(buf: Uint8Array, off: number, width: number, ones: number): number {
  if (off + width > buf.length) return ones;
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + buf[off + i]!;
  return v >>> 0;
}

/** e820 entry types (ACPI spec; QEMU hw/i386/e820_memory_layout.h). */
export const E820_RAM = 1;
export const E820_RESERVED = 2;
export const E820_ACPI = 3;
export const E820_NVS = 4;

export interface E820Entry {
  readonly start: number;
  readonly size: number;
  readonly type: number;
}

/** QEMU's fw_cfg `etc/e820` layout: le64 address, le64 length, le32 type per entry. */
export function encodeE820(entries: readonly E820Entry[]): Uint8Array {
  const buf = new Uint8Array(entries.length * 20);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    putLe64(buf, i * 20, e.start);
    putLe64(buf, i * 20 + 8, e.size);
    putLe32(buf, i * 20 + 16, e.type);
  }
  return buf;
}

/**
 * Stores `v` (an integer below 2^53, as every address and size here is) as a little-endian u64 at `off`, in two
 * 32-bit halves: no BigInt and no DataView per value (a machine writes a few per boot; docs/performance.md §22).
 */
export function putLe64(buf: Uint8Array, off: number, v: number): void {
  putLe32(buf, off, v >>> 0);
  putLe32(buf, off + 4, Math.floor(v / 0x1_0000_0000) >>> 0);
}

export function putLe32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v;
  buf[off + 1] = v >>> 8;
  buf[off + 2] = v >>> 16;
  buf[off + 3] = v >>> 24;
}

export function decodeE820(buf: Uint8Array): E820Entry[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: E820Entry[] = [];
  for (let o = 0; o + 20 <= buf.length; o += 20) {
    out.push({ start: Number(dv.getBigUint64(o, true)), size: Number(dv.getBigUint64(o + 8, true)), type: dv.getUint32(o + 16, true) });
  }
  return out;
}

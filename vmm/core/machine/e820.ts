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
  const dv = new DataView(buf.buffer);
  entries.forEach((e, i) => {
    dv.setBigUint64(i * 20, BigInt(e.start), true);
    dv.setBigUint64(i * 20 + 8, BigInt(e.size), true);
    dv.setUint32(i * 20 + 16, e.type, true);
  });
  return buf;
}

export function decodeE820(buf: Uint8Array): E820Entry[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: E820Entry[] = [];
  for (let o = 0; o + 20 <= buf.length; o += 20) {
    out.push({ start: Number(dv.getBigUint64(o, true)), size: Number(dv.getBigUint64(o + 8, true)), type: dv.getUint32(o + 16, true) });
  }
  return out;
}

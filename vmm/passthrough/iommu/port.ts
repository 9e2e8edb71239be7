/**
 * DmaPort over the IOMMU: every access is translated page by page for one source id, then moved to the
 * target memory. Faulted pieces read as 0xff and make the call return false; the IOMMU records the fault.
 */
import { PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import type { DmaAccess, DmaTarget } from './types.js';
import type { DmaPort } from '../../../devices/memory/dma.js';

/** The slice of Iommu a port uses (kept narrow so the port does not import the class). */
export interface Translator {
  lastTarget: DmaTarget | null;
  translate(sourceId: number, iova: number, access: DmaAccess, len?: number): number;
}

const TWO32 = 0x1_0000_0000;

export class IommuDmaPort implements DmaPort {
  /** Accesses (calls) that hit at least one fault. */
  faultedAccesses = 0;
  private readonly scratch = new Uint8Array(8);

  constructor(
    private readonly iommu: Translator,
    readonly sourceId: number,
  ) {}

  read32(iova: number): number {
    if (iova % PAGE_SIZE <= PAGE_SIZE - 4) {
      const a = this.iommu.translate(this.sourceId, iova, 'read', 4);
      if (a < 0) {
        this.faultedAccesses++;
        return 0xffffffff;
      }
      return this.iommu.lastTarget!.read(a, 4);
    }
    const s = this.scratch;
    this.move(iova, s, 0, 4, false);
    return (s[0]! | (s[1]! << 8) | (s[2]! << 16) | (s[3]! << 24)) >>> 0;
  }

  write32(iova: number, value: number): boolean {
    if (iova % PAGE_SIZE <= PAGE_SIZE - 4) {
      const a = this.iommu.translate(this.sourceId, iova, 'write', 4);
      if (a < 0) {
        this.faultedAccesses++;
        return false;
      }
      this.iommu.lastTarget!.write(a, 4, value >>> 0);
      return true;
    }
    const s = this.scratch;
    for (let i = 0; i < 4; i++) s[i] = (value >>> (8 * i)) & 0xff;
    return this.move(iova, s, 0, 4, true);
  }

  read64(iova: number): number {
    if (iova % PAGE_SIZE <= PAGE_SIZE - 8) {
      const a = this.iommu.translate(this.sourceId, iova, 'read', 8);
      if (a < 0) {
        this.faultedAccesses++;
        return 0xffffffff * TWO32 + 0xffffffff;
      }
      const t = this.iommu.lastTarget!;
      return t.read(a + 4, 4) * TWO32 + t.read(a, 4);
    }
    const s = this.scratch;
    this.move(iova, s, 0, 8, false);
    const lo = (s[0]! | (s[1]! << 8) | (s[2]! << 16) | (s[3]! << 24)) >>> 0;
    const hi = (s[4]! | (s[5]! << 8) | (s[6]! << 16) | (s[7]! << 24)) >>> 0;
    return hi * TWO32 + lo;
  }

  write64(iova: number, value: number): boolean {
    const lo = value % TWO32 >>> 0;
    const hi = Math.floor(value / TWO32) >>> 0;
    if (iova % PAGE_SIZE <= PAGE_SIZE - 8) {
      const a = this.iommu.translate(this.sourceId, iova, 'write', 8);
      if (a < 0) {
        this.faultedAccesses++;
        return false;
      }
      const t = this.iommu.lastTarget!;
      t.write(a, 4, lo);
      t.write(a + 4, 4, hi);
      return true;
    }
    const s = this.scratch;
    for (let i = 0; i < 4; i++) {
      s[i] = (lo >>> (8 * i)) & 0xff;
      s[i + 4] = (hi >>> (8 * i)) & 0xff;
    }
    return this.move(iova, s, 0, 8, true);
  }

  readBytes(iova: number, out: Uint8Array): boolean {
    return this.move(iova, out, 0, out.length, false);
  }

  writeBytes(iova: number, data: Uint8Array): boolean {
    return this.move(iova, data, 0, data.length, true);
  }

  /** Moves buf[start, start + len) to or from iova, one page at a time. */
  private move(iova: number, buf: Uint8Array, start: number, len: number, write: boolean): boolean {
    let ok = true;
    let done = 0;
    while (done < len) {
      const a = iova + done;
      const n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), len - done);
      const t = this.iommu.translate(this.sourceId, a, write ? 'write' : 'read', n);
      if (t < 0) {
        ok = false;
        if (!write) buf.fill(0xff, start + done, start + done + n);
      } else if (write) {
        const whole = start + done === 0 && n === buf.length;
        this.iommu.lastTarget!.writeBytes(t, whole ? buf : buf.subarray(start + done, start + done + n));
      } else {
        this.iommu.lastTarget!.readBytes(t, buf, start + done, n);
      }
      done += n;
    }
    if (!ok) this.faultedAccesses++;
    return ok;
  }
}

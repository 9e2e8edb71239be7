/**
 * The hardware walk, reading the tables from host memory exactly as QEMU's vtd_dev_to_context_entry
 * and vtd_iova_to_slpte do (docs/iommu.md §3, §4): root entry → context entry → second-level levels, with
 * the check order range → entry read → permission (every level, ANDed) → reserved bits → leaf.
 * Results land in fields (no allocation); methods return 0 or a VT-d fault reason.
 */
import type { GuestMemory } from '../../../devices/memory/guest-memory.js';
import {
  CTX_FPD,
  CTX_RSVD_HI_HI32,
  CTX_RSVD_HI_LO32,
  CTX_RSVD_LO,
  CTX_TT_MULTI_LEVEL,
  CTX_TT_SHIFT,
  ENTRY_P,
  FR_ADDR_BEYOND_MGAW,
  FR_CONTEXT_ENTRY_INV,
  FR_CONTEXT_ENTRY_P,
  FR_CONTEXT_ENTRY_RSVD,
  FR_CONTEXT_TABLE_INV,
  FR_PAGING_ENTRY_INV,
  FR_PAGING_ENTRY_RSVD,
  FR_READ,
  FR_ROOT_ENTRY_P,
  FR_ROOT_ENTRY_RSVD,
  FR_ROOT_TABLE_INV,
  FR_WRITE,
  PTE_PS,
  PTE_R,
  PTE_RSVD_HI32,
  PTE_RSVD_LO_L1_L3,
  PTE_RSVD_LO_L4,
  PTE_RSVD_LO_LARGE_L2,
  PTE_RSVD_LO_LARGE_L3,
  PTE_W,
  ROOT_RSVD_LO,
} from './constants.js';
import { pageSpan } from './host-tables.js';

const TWO32 = 0x1_0000_0000;
/** High-word bits of an entry's address qword above HAW = 48 (b63:48). */
const ABOVE_HAW_HI32 = 0xffff0000;

export class Walker {
  // context results (valid after context() returned 0; ctxFpd whenever a context entry was read)
  ctxRoot = 0;
  ctxLevels = 0;
  ctxAgaw = 0;
  ctxDid = 0;
  ctxFpd = false;
  // page-walk results (valid after pages() returned 0)
  hpa = 0; // host address of the leaf page's first byte
  level = 0; // 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB
  perms = 0; // PTE_R | PTE_W, ANDed over the levels

  /**
   * @param limit table reads at or above this host address fail (the unbacked-memory case)
   * @param sagaw CAP.SAGAW field value: bit (levels - 2) set when that table depth is supported
   */
  constructor(
    private readonly mem: GuestMemory,
    private readonly limit: number,
    private readonly awBits: number,
    private readonly sagaw: number,
  ) {}

  private readable(addr: number, len: number): boolean {
    return addr + len <= this.limit;
  }

  /** Root → context for a source id. */
  context(rootTable: number, sourceId: number): number {
    this.ctxFpd = false;
    const m = this.mem;
    const re = rootTable + (sourceId >>> 8) * 16;
    if (!this.readable(re, 16)) return FR_ROOT_TABLE_INV;
    const r0 = m.read(re, 4);
    const r1 = m.read(re + 4, 4);
    if ((r0 & ENTRY_P) === 0) return FR_ROOT_ENTRY_P;
    if ((r0 & ROOT_RSVD_LO) !== 0 || (r1 & ABOVE_HAW_HI32) !== 0 || m.read(re + 8, 4) !== 0 || m.read(re + 12, 4) !== 0) {
      return FR_ROOT_ENTRY_RSVD;
    }
    const ce = (r1 & 0xffff) * TWO32 + ((r0 & 0xfffff000) >>> 0) + (sourceId & 0xff) * 16;
    if (!this.readable(ce, 16)) return FR_CONTEXT_TABLE_INV;
    const c0 = m.read(ce, 4);
    const c1 = m.read(ce + 4, 4);
    const c2 = m.read(ce + 8, 4);
    const c3 = m.read(ce + 12, 4);
    // QEMU takes FPD from whatever context entry it read, present or not.
    this.ctxFpd = (c0 & CTX_FPD) !== 0;
    if ((c0 & ENTRY_P) === 0) return FR_CONTEXT_ENTRY_P;
    if ((c0 & CTX_RSVD_LO) !== 0 || (c1 & ABOVE_HAW_HI32) !== 0 || (c2 & CTX_RSVD_HI_LO32) !== 0 || (c3 & CTX_RSVD_HI_HI32) !== 0) {
      return FR_CONTEXT_ENTRY_RSVD;
    }
    const aw = c2 & 7;
    if ((this.sagaw & (1 << aw)) === 0) return FR_CONTEXT_ENTRY_INV; // level 2 + aw not in SAGAW
    // TT: device-TLB needs ECAP.DT and pass-through ECAP.PT, neither offered; 3 is undefined.
    if (((c0 >>> CTX_TT_SHIFT) & 3) !== CTX_TT_MULTI_LEVEL) return FR_CONTEXT_ENTRY_INV;
    this.ctxRoot = (c1 & 0xffff) * TWO32 + ((c0 & 0xfffff000) >>> 0);
    this.ctxLevels = 2 + aw;
    this.ctxAgaw = 30 + 9 * aw;
    this.ctxDid = (c2 >>> 8) & 0xffff;
    return 0;
  }

  /** Second-level walk of `iova` under the context last resolved (or restored into the ctx fields). */
  pages(iova: number, write: boolean): number {
    if (iova >= 2 ** Math.min(this.ctxAgaw, this.awBits)) return FR_ADDR_BEYOND_MGAW;
    const m = this.mem;
    const need = write ? PTE_W : PTE_R;
    const top = this.ctxLevels;
    let table = this.ctxRoot;
    let perms = PTE_R | PTE_W;
    for (let level = top; level >= 1; level--) {
      const span = pageSpan(level);
      const ea = table + (Math.floor(iova / span) % 512) * 8;
      if (!this.readable(ea, 8)) return level === top ? FR_CONTEXT_ENTRY_INV : FR_PAGING_ENTRY_INV;
      const lo = m.read(ea, 4);
      const hi = m.read(ea + 4, 4);
      perms &= lo;
      if ((lo & need) === 0) return write ? FR_WRITE : FR_READ;
      const large = (lo & PTE_PS) !== 0 && (level === 2 || level === 3);
      const rsvdLo = level === 4 ? PTE_RSVD_LO_L4 : !large ? PTE_RSVD_LO_L1_L3 : level === 2 ? PTE_RSVD_LO_LARGE_L2 : PTE_RSVD_LO_LARGE_L3;
      if ((hi & PTE_RSVD_HI32) !== 0 || (lo & rsvdLo) !== 0) return FR_PAGING_ENTRY_RSVD;
      const addr = (hi & 0xffff) * TWO32 + ((lo & 0xfffff000) >>> 0);
      if (level === 1 || (lo & PTE_PS) !== 0) {
        this.hpa = addr;
        this.level = level;
        this.perms = perms & (PTE_R | PTE_W);
        return 0;
      }
      table = addr;
    }
    return FR_PAGING_ENTRY_INV; // unreachable: level 1 is always a leaf
  }
}

/**
 * Linux's dmar_fault() run against the register file (docs/iommu.md §7, LD): read FSTS, walk the records
 * from FSTS.FRI while F is set (clearing each), then write PFO | PPF | PRO back to FSTS. Returns what
 * it would print (rate limiting not modelled), so a test or the report can show the host's dmesg.
 */
import { FRCD_F, FRCD_LEN, FRCD_PP, FRCD_T, FSTS_PFO, FSTS_PPF, FSTS_PRO, REG_CAP, REG_FRCD, REG_FSTS } from './constants.js';
import { formatDmar, formatFaultStatus } from './format.js';

/** Register access the handler needs (Iommu provides it). */
export interface DmarRegisters {
  readReg32(offset: number): number;
  writeReg32(offset: number, value: number): void;
}

export function linuxDmarFault(regs: DmarRegisters): string[] {
  const lines: string[] = [];
  const fsts = regs.readReg32(REG_FSTS);
  if (fsts !== 0) lines.push(formatFaultStatus(fsts));
  if ((fsts & FSTS_PPF) === 0) return lines;
  const capHi = regs.readReg32(REG_CAP + 4);
  const records = ((capHi >>> 8) & 0xff) + 1; // cap_num_fault_regs = NFR + 1
  let index = (fsts >>> 8) & 0xff;
  for (let guard = 0; guard < records; guard++) {
    const base = REG_FRCD + index * FRCD_LEN;
    const top = regs.readReg32(base + 12);
    if ((top & FRCD_F) === 0) break;
    const reason = top & 0xff;
    const isRead = (top & FRCD_T) !== 0;
    const pasid = (top >>> 8) & 0xfffff; // b59:40
    const mid = regs.readReg32(base + 8);
    const sourceId = mid & 0xffff;
    const pp = (mid & FRCD_PP) !== 0;
    const addr = regs.readReg32(base + 4) * 0x1_0000_0000 + ((regs.readReg32(base) & 0xfffff000) >>> 0);
    regs.writeReg32(base + 12, FRCD_F);
    lines.push(formatDmar({ sourceId, address: addr, reason, access: isRead ? 'read' : 'write', ...(pp ? { pasid } : {}) }));
    index = (index + 1) % records;
  }
  regs.writeReg32(REG_FSTS, FSTS_PFO | FSTS_PPF | FSTS_PRO);
  return lines;
}

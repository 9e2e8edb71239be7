/**
 * Address-space hazards that follow from the profile: where the firmware put the 64-bit PCI window against what
 * the vCPU can address and what QEMU reserved. A BAR the guest cannot address, or one inside a range the e820
 * map reserves, is broken in the guest even though the firmware logged nothing wrong.
 */
import { HT_HOLE_END as AMD_HT_END, HT_HOLE_START as AMD_HT_START } from '../machine/layout.js';
import type { MachineProfile } from './profile.js';
import { hex } from '../format.js';

export interface ProfileHazard {
  readonly id: 'mem64-in-ht-hole' | 'mem64-beyond-phys-bits';
  readonly message: string;
}


/**
 * Hazards of the 64-bit window [base, end): overlapping QEMU's reserved HyperTransport range (AMD vCPU only —
 * SeaBIOS 1.16.3 places the overflow window just below 1 TiB without padding, and only moves it down when the
 * whole padded range is reserved), or ending above the vCPU's physical address width.
 */
export function profileHazards(profile: MachineProfile, mem64: readonly [number, number] | null): ProfileHazard[] {
  if (mem64 === null || mem64[1] <= mem64[0]) return [];
  const [base, end] = mem64;
  const out: ProfileHazard[] = [];
  if (profile.cpu.vendor === 'amd' && base < AMD_HT_END && end > AMD_HT_START) {
    out.push({
      id: 'mem64-in-ht-hole',
      message: `64-bit PCI window ${hex(base)}-${hex(end)} overlaps the HyperTransport range ${hex(AMD_HT_START)}-${hex(AMD_HT_END)} QEMU reserves for an AMD vCPU: BARs there do not decode on AMD hosts`,
    });
  }
  const top = 2 ** profile.cpu.physBits;
  if (end > top) {
    out.push({
      id: 'mem64-beyond-phys-bits',
      message: `64-bit PCI window ${hex(base)}-${hex(end)} ends above the vCPU's ${profile.cpu.physBits} physical address bits (${hex(top)}): the guest cannot reach those BARs`,
    });
  }
  return out;
}

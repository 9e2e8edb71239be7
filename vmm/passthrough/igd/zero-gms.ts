import { PciBridge } from '../../../devices/pci/bridge.js';
import type { Machine } from '../../core/machine/machine.js';
import type { IgdMachineState } from './state.js';

/** Name of the VMM's OpRegion MMIO range in the memory address space. */
export const OPREGION_MMIO_NAME = 'igd-opregion-mmio';
const PAGE = 0x1000;
const PCIMEM_END = 0xfec0_0000; // the 32-bit window ends at the IOAPIC (SeaBIOS, docs/firmware-seabios.md)

/** crosvm's GMCH quirk is on from the start; ASLS becomes a VMM register (0 until the range is placed). */
export function setupZeroGms(st: IgdMachineState): void {
  st.igd.zeroGmsQuirk = true;
  st.igd.setVmmAsls(0);
}

/** Memory ranges something in the PCI tree decodes or forwards now: BARs and root bridges' windows. */
function occupied(m: Machine): [number, number][] {
  const out: [number, number][] = m.pci.regions(false).map((r) => [r.start, r.start + r.size]);
  for (const fn of m.pci.root.slots) {
    if (!(fn instanceof PciBridge)) continue;
    for (const w of [fn.memWindow(), fn.prefWindow()]) if (w.base <= w.limit) out.push([w.base, w.limit + 1]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Places the host OpRegion as a read-only MMIO range (the vfio region is read-only) the way a VMM
 * allocates from its own MMIO space: the lowest page-aligned hole of the 32-bit PCI window the
 * firmware's placement left free. ASLS gets its address.
 */
export function placeZeroGmsOpRegion(m: Machine, st: IgdMachineState, windowStart: number): void {
  const op = st.opregion;
  const size = Math.ceil(op.length / PAGE) * PAGE;
  let a = Math.ceil(windowStart / PAGE) * PAGE;
  for (const [s, e] of occupied(m)) {
    if (e <= a) continue;
    if (s >= a + size) break;
    a = Math.ceil(e / PAGE) * PAGE;
  }
  if (a + size > PCIMEM_END) {
    st.refused = 'zero-gms: no free 32-bit MMIO space for the OpRegion';
    return;
  }
  m.mmio.addFixed(a, size, { read: (o, w) => readLe(op, o, w), write: () => {} }, OPREGION_MMIO_NAME);
  st.igd.setVmmAsls(a);
  st.opregionMmio = { base: a, size };
}

function readLe(b: Uint8Array, o: number, w: 1 | 2 | 4): number {
  let v = 0;
  for (let i = w - 1; i >= 0; i--) v = v * 256 + (b[o + i] ?? 0);
  return v;
}

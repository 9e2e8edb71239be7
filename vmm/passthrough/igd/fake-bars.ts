import { IGD_LPC_MODEL, LPC_DEVFN, makeIgdLpcBridge, type IgdFunction } from '../../../devices/igd/index.js';
import { PciFunction } from '../../../devices/pci/function.js';
import type { FakeBarCarrier } from '../../../firmware/igd/index.js';
import type { IoHandler } from '../../core/bus/address-space.js';
import type { Machine } from '../../core/machine/machine.js';
import { GuestMemory } from '../../../devices/memory/guest-memory.js';
import type { FakeBar, IgdMachineState } from './state.js';

/** The dummy device of the dummy-device strategy: an ID no guest has a driver for, class 0500 (RAM controller). */
export const DUMMY_MODEL = 'igd-stolen-dummy';
export const DUMMY_IDS = { vendor: 0x1b36, device: 0x00f0, classCode: 0x0500 } as const;
/** IOMMU label of the fake-BAR stolen memory in the IGD's domain. */
export const FAKE_STOLEN_LABEL = 'igd-fake-bar-stolen';
const PAGE = 0x1000;

const pow2ceil = (n: number): number => {
  let p = PAGE;
  while (p < n) p *= 2;
  return p;
};
const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

/** pc: QEMU's dummy LPC bridge at 00:1f.0, created with the host PCH IDs when the slot is free. */
export function ensureLpcBridge(m: Machine, igd: IgdFunction): PciFunction | undefined {
  const root = m.pci.root;
  const existing = root.slots[LPC_DEVFN];
  if (existing !== undefined || m.spec.machine.type !== 'pc') return existing;
  const fn = makeIgdLpcBridge(igd.host.lpc);
  fn.model = IGD_LPC_MODEL;
  m.pci.plug(root, LPC_DEVFN, fn);
  return fn;
}

function firstFreeSlot(m: Machine): number {
  for (let devfn = 0; devfn < 256; devfn += 8) if (m.pci.root.slots[devfn] === undefined) return devfn;
  return -1;
}

/** A fake BAR's backing memory as a region handler (what the VMM maps where the guest put the BAR). */
function backing(mem: GuestMemory): IoHandler {
  return { read: (o, w) => mem.read(o, w), write: (o, w, v) => mem.write(o, w, v) };
}

/**
 * Keeps BDSM/ASLS and the IOMMU mapping of the stolen memory in step with where the fake BARs
 * decode: a VMM maps a BAR's backing memory where the guest put the BAR, and unmaps it while decode
 * is off (so device DMA to an undecoded or moved fake BAR faults).
 */
function follow(m: Machine, igd: IgdFunction, fn: PciFunction, bars: FakeBar[], stolenBytes: number, mems: Map<FakeBar, GuestMemory>): void {
  const lastDecoded = new Map<FakeBar, number>();
  // The fake BARs' backing memory sits beneath every other decorator (registered first: traps wrap it), and
  // BDSM/ASLS and the IOMMU mapping follow the BARs whenever the carrier's decoding changes.
  const byBar = new Map(bars.map((fb) => [fb.bar, backing(mems.get(fb)!)]));
  m.intercept({
    name: 'igd-fake-bars',
    ...(fn === igd ? {} : { bar: (f, bar, inner) => (f === fn ? byBar.get(bar) ?? inner : inner) }),
    mappingChanged: (f) => {
      if (f === fn) moved();
    },
  });
  const moved = (): void => {
    for (const fb of bars) {
      const a = fn.barAddress(fb.bar);
      if (a === fb.address) continue;
      fb.address = a;
      if (a >= 0) {
        const last = lastDecoded.get(fb);
        if (last === undefined) fb.firstAddress = a;
        else if (last !== a) fb.moves++;
        lastDecoded.set(fb, a);
      }
      if (fb.stolenOffset >= 0) {
        if (a >= 0) {
          igd.setVmmBdsm(a + fb.stolenOffset);
          m.dma.setExtra(FAKE_STOLEN_LABEL, { iova: a + fb.stolenOffset, size: stolenBytes, target: mems.get(fb)!, targetAddr: fb.stolenOffset, label: FAKE_STOLEN_LABEL });
        } else m.dma.setExtra(FAKE_STOLEN_LABEL, null);
      }
      if (fb.opregionOffset >= 0 && a >= 0) igd.setVmmAsls(a + fb.opregionOffset);
    }
  };
}

/**
 * Adds the fake BARs of lpc-bars / igd-bar5 / dummy-device before firmware runs, so the normal PCI
 * allocator places them: stolen memory (the guest GMCH's DSM size, rounded up to a power of two) and
 * the OpRegion copy. BDSM and ASLS become VMM registers the guest cannot write.
 */
export function setupFakeBars(m: Machine, st: IgdMachineState, carrier: FakeBarCarrier): void {
  const igd = st.igd;
  const dsm = igd.stolenSize();
  const op = st.opregion;
  let fn: PciFunction | undefined;
  const plan: { bar: number; size: number; stolenOffset: number; opregionOffset: number; prefetch: boolean }[] = [];
  if (carrier === 'igd-bar5') {
    fn = igd;
    plan.push({ bar: 5, size: pow2ceil(dsm + pageUp(op.length)), stolenOffset: dsm > 0 ? 0 : -1, opregionOffset: dsm, prefetch: false });
  } else {
    if (carrier === 'lpc') {
      fn = ensureLpcBridge(m, igd);
      if (fn !== undefined && fn.get16(0x0a) !== 0x0601) {
        st.refused = `lpc-bars needs the LPC bridge at 00:1f.0, which holds ${fn.model || 'another device'}`;
        fn = undefined;
      }
      if (fn !== undefined && fn.model === IGD_LPC_MODEL && !st.lpcIdsCopied) st.lpcIdsCopied = fn.get16(0x02) === igd.host.lpc.device;
    } else {
      const devfn = firstFreeSlot(m);
      if (devfn < 0) st.refused = 'dummy-device: no free slot on the root bus';
      else {
        fn = new PciFunction(DUMMY_IDS);
        fn.model = DUMMY_MODEL;
        m.pci.plug(m.pci.root, devfn, fn);
        st.dummy = fn;
      }
    }
    if (dsm > 0) plan.push({ bar: 0, size: pow2ceil(dsm), stolenOffset: 0, opregionOffset: -1, prefetch: true });
    plan.push({ bar: 1, size: pow2ceil(op.length), stolenOffset: -1, opregionOffset: 0, prefetch: false });
  }
  if (fn === undefined) return;
  igd.setVmmBdsm(0);
  igd.setVmmAsls(0);
  const bars: FakeBar[] = [];
  const mems = new Map<FakeBar, GuestMemory>();
  for (const p of plan) {
    fn.defineBar(p.bar, { size: p.size, space: 'mem', is64: false, prefetch: p.prefetch });
    const fb: FakeBar = { fn, bar: p.bar, size: p.size, stolenOffset: p.stolenOffset, opregionOffset: p.opregionOffset, address: -1, moves: 0, firstAddress: -1 };
    const mem = new GuestMemory();
    if (p.opregionOffset >= 0) mem.writeBytes(p.opregionOffset, op);
    // BAR5 on the IGD itself is a device feature (vfio-igd's BAR5 carrier); other carriers get a decorator.
    if (fn === igd) igd.bar5 = backing(mem);
    mems.set(fb, mem);
    bars.push(fb);
  }
  st.fakeBars.push(...bars);
  follow(m, igd, fn, bars, dsm, mems);
}

import type { IgdFunction } from '../../../devices/igd/index.js';
import type { Machine } from '../../core/machine/machine.js';
import type { IgdMachineState } from './state.js';
import { hex } from '../../core/format.js';

/** A guest-compatibility risk a boot carries, with a one-line reason (issue 7 item 5). */
export interface IgdHazard {
  readonly id: string;
  readonly message: string;
}

const mib = (n: number): string => (n >= 0x10_0000 ? `${n / 0x10_0000} MiB` : `${n / 1024} KiB`);
const id4 = (n: number): string => n.toString(16).padStart(4, '0');

function carrierName(st: IgdMachineState): string {
  const fb = st.fakeBars[0];
  return fb === undefined ? 'the fake BAR' : `${fb.fn.bdf} BAR${fb.bar}`;
}

/** Hazards that follow from the strategy's mechanism itself. */
function strategyHazards(st: IgdMachineState, igd: IgdFunction, out: IgdHazard[]): void {
  const s = st.strategy.name;
  if (st.fakeBars.length > 0) {
    const fb = st.fakeBars[0]!;
    out.push({
      id: 'fake-bar-moves',
      message: `${carrierName(st)} can move while in use: Linux disables decode and resizes BARs during boot while BDSM and the GTT keep the old address (and the guest must never disable ${fb.fn.bdf})`,
    });
    if (fb.moves > 0) out.push({ id: 'fake-bar-moved', message: `${carrierName(st)} moved ${fb.moves} time(s) after first decoding at ${hex(fb.firstAddress)}: GTT entries written before point at the old address` });
  }
  if (s === 'igd-bar5' && st.fakeBars.length > 0) out.push({ id: 'windows-igd-bar5', message: 'the Windows IGD driver rejects an unknown BAR (BAR5) on the IGD' });
  if (s === 'dummy-device' && st.dummy !== undefined) {
    out.push({ id: 'windows-unknown-device', message: `the dummy device ${st.dummy.bdf} (${id4(st.dummy.identity.vendor)}:${id4(st.dummy.identity.device)}) shows up in Windows as an unknown device` });
  }
  if (st.identity !== undefined) {
    if ('refused' in st.identity) out.push({ id: 'identity-refused', message: `identity refused: ${st.identity.refused}` });
    else out.push({ id: 'identity-leaks-host-layout', message: `identity placement leaks the host physical layout: guest stolen memory sits at the host's ${hex(st.identity.base)}` });
  }
  if (st.strategy.vmm.zeroGms === true) {
    if (igd.gen <= 7) {
      out.push({
        id: 'zero-gms-gen6-ggms',
        message: `on gen ${igd.gen} byte 0x51 holds GGMS, not GMS: clearing it zeroes the GTT size and leaves GMS announcing ${mib(igd.stolenSize())} of stolen memory at BDSM ${hex(igd.guestBdsmBase())}`,
      });
    } else out.push({ id: 'zero-gms-no-stolen', message: 'zero-gms leaves the vBIOS and drivers no stolen memory (GMCH byte 0x51 reads 0, so GMS = 0)' });
  }
  if (st.refused !== undefined) out.push({ id: 'strategy-refused', message: st.refused });
}

/** Hazards read off the final registers: what a guest driver would find. */
function registerHazards(m: Machine, st: IgdMachineState, igd: IgdFunction, out: IgdHazard[]): void {
  const h = igd.host;
  const bdsm = igd.guestBdsmBase();
  const size = igd.stolenSize();
  const zeroGms = st.strategy.vmm.zeroGms === true; // its own hazards say it
  if (!zeroGms && size > 0 && bdsm === 0 && !h.dsmInLmembar) {
    if (h.gen >= 11 && st.strategy.firmwareKind === 'seabios' && st.fwcfg.has('etc/igd-bdsm-size') && st.fakeBars.length === 0) {
      out.push({ id: 'bdsm-0xc0-unset', message: `SeaBIOS writes BDSM at 0x5C only; gen ${h.gen} drivers read the 64-bit BDSM at 0xC0, which stays 0 (the memory it reserved is never used)` });
    } else {
      out.push({ id: 'no-stolen-memory', message: `GMCH announces ${mib(size)} of stolen memory but BDSM reads 0: the vBIOS and drivers aim the GTT at address 0, or at host addresses from a cached host BDSM` });
    }
  }
  const identityOk = st.identity !== undefined && !('refused' in st.identity);
  if (bdsm === h.bdsm && !identityOk && !h.dsmInLmembar) {
    const why = st.features.skipped ?? (st.features.qgen < 0 ? `QEMU knows no generation for ${id4(h.deviceId)}` : st.features.bdsmEmulatedAt !== null ? `QEMU emulates 0x${st.features.bdsmEmulatedAt.toString(16)}, the driver reads 0x${igd.bdsmOffset.toString(16)}` : 'legacy mode is off');
    out.push({ id: 'host-bdsm-visible', message: `QEMU does not emulate BDSM here (${why}): the guest reads the host's ${hex(h.bdsm)}, which is not guest stolen memory` });
  }
  if (h.gen >= 11 && h.stolenReserved !== null && bdsm !== h.bdsm) {
    const r = h.stolenReserved;
    out.push({ id: 'gen11-stolen-reserved', message: `gen ${h.gen} GPU firmware (GuC/HuC) reaches STOLEN_RESERVED [${hex(r.base)}, ${hex(r.base + r.size)}) by host address, outside the guest's stolen memory` });
  }
  if (size > 0 && size !== h.dsmSize) {
    out.push({ id: 'stolen-size-mismatch', message: `the guest's ${mib(size)} of stolen memory differs from the host BIOS's ${mib(h.dsmSize)}: the Windows driver crashes when they differ` });
  }
  if (igd.guestAsls() !== 0 && igd.guestAsls() === h.asls) {
    out.push({ id: 'host-asls-visible', message: `QEMU does not emulate ASLS here: the guest reads the host's OpRegion address ${hex(h.asls)}, which is not an OpRegion in guest memory` });
  }
  if (igd.guestAsls() === 0) out.push({ id: 'no-opregion', message: 'no OpRegion (ASLS reads 0): the Windows driver fails (Code 43) and i915 runs without the VBT' });
  const lpc = m.pci.root.slots[0xf8];
  if (!st.lpcIdsCopied && (lpc === undefined || lpc.get16(0x02) !== h.lpc.device)) {
    const what = lpc === undefined ? 'no LPC bridge' : `${lpc.model || 'a device'} (${id4(lpc.get16(0))}:${id4(lpc.get16(2))})`;
    out.push({ id: 'lpc-ids-missing', message: `00:1f.0 holds ${what}, not the host PCH (${id4(h.lpc.vendor)}:${id4(h.lpc.device)}): the vBIOS, GOP and Windows driver check these IDs` });
  }
}

/** Every hazard of one prepared and booted machine, strategy mechanisms first. */
export function igdHazards(m: Machine, st: IgdMachineState): IgdHazard[] {
  const out: IgdHazard[] = [];
  strategyHazards(st, st.igd, out);
  registerHazards(m, st, st.igd, out);
  return out;
}

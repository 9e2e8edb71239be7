import {
  buildOpRegion, copyHostBridgeIds, copyLpcIds, findIgd, fwCfgFilesOf, IGD_DEVFN, IGD_LPC_MODEL, LPC_DEVFN,
  type LegacyFacts,
} from '../../../devices/igd/index.js';
import { resolveIgdStrategy, type IgdStrategy } from '../../../firmware/igd/index.js';
import type { Machine } from '../../core/machine/machine.js';
import { ensureLpcBridge, setupFakeBars } from './fake-bars.js';
import { setupIdentity } from './identity.js';
import { igdState, setIgdState, type IgdMachineState } from './state.js';
import { placeZeroGmsOpRegion, setupZeroGms } from './zero-gms.js';
import { inspectIgdRomfile } from './romfile.js';

/** Event source for everything the IGD layer records. */
export const IGD_EVENT_SOURCE = 'vfio-igd 00:02.0';

/** Where the IGD sits and what holds 00:1f.0: the facts QEMU's legacy-mode rules read. */
function legacyFacts(m: Machine, devfn: number, onRoot: boolean): LegacyFacts {
  const at1f = m.pci.root.slots[LPC_DEVFN];
  return {
    machineType: m.spec.machine.type,
    atIgdAddress: onRoot && devfn === IGD_DEVFN,
    slot1f: at1f === undefined ? undefined : at1f.model || 'unknown',
    qemu: m.profile.qemu,
  };
}

/**
 * The VMM's IGD work after the Machine is built and before firmware runs (QEMU's realize of
 * vfio-pci on an IGD, plus the strategy's VMM half): decide QEMU's behaviour with the real machine
 * (QEMU's messages become events), copy host-bridge and LPC IDs when QEMU would, publish the fw_cfg
 * files, and set up fake BARs / identity reservation / the zero-GMS quirk. Returns the state, or
 * undefined when the machine has no vfio-igd.
 */
export function prepareIgdMachine(m: Machine, strategy: IgdStrategy | string | undefined, configPath?: string): IgdMachineState | undefined {
  const igd = findIgd(m.pci.functions());
  if (igd === undefined) return undefined;
  const s = typeof strategy === 'object' ? strategy : resolveIgdStrategy(strategy ?? m.spec.firmware.igdStrategy);
  const features = igd.configure(legacyFacts(m, igd.devfn, igd.busNode === m.pci.root));
  for (const msg of features.messages) m.recordEvent({ source: IGD_EVENT_SOURCE, kind: `qemu-${msg.level}`, message: msg.text });
  for (const fn of m.pci.functions()) {
    if (fn.model === IGD_LPC_MODEL && (fn.busNode !== m.pci.root || fn.devfn !== LPC_DEVFN)) {
      m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'qemu-error', message: 'VFIO dummy ISA/LPC bridge must have address 1f.0' });
    }
  }
  const st: IgdMachineState = {
    strategy: s, igd, features, fwcfg: new Map(), lpcIdsCopied: false, hostBridgeIdsCopied: false, lpc: m.pci.root.slots[LPC_DEVFN],
    fakeBars: [], dummy: undefined, identity: undefined, opregionMmio: undefined, refused: undefined, opregion: buildOpRegion(igd.host),
  };
  if (features.lpc && features.refused === null) {
    const lpc = ensureLpcBridge(m, igd);
    if (lpc !== undefined && lpc.model === IGD_LPC_MODEL) {
      copyLpcIds(lpc, igd.host.lpc);
      st.lpcIdsCopied = true;
      st.lpc = lpc;
    }
    const hostBridge = m.pci.root.slots[0];
    if (hostBridge !== undefined) {
      copyHostBridgeIds(hostBridge, igd.host.hostBridge);
      st.hostBridgeIdsCopied = true;
    }
  }
  if (s.vmm.fwcfg && features.refused === null) {
    for (const [name, data] of fwCfgFilesOf(igd.host, features)) {
      m.fwcfg.addFile(name, data);
      st.fwcfg.set(name, data);
    }
  }
  const rom = inspectIgdRomfile(igd, configPath);
  if (rom !== undefined) st.romfile = rom;
  setIgdState(m, st);
  if (features.refused !== null) {
    // vfio-pci realize failed: QEMU prints the error and exits; nothing else of the IGD setup happens.
    m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'qemu-refused', message: `QEMU refuses to start: ${features.refused}` });
    return st;
  }
  if (features.skipped !== null) m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'qemu-skipped', message: features.skipped });
  if (s.vmm.fakeBars !== undefined) setupFakeBars(m, st, s.vmm.fakeBars);
  st.lpc = m.pci.root.slots[LPC_DEVFN];
  if (s.vmm.identity === true) setupIdentity(m, st);
  if (s.vmm.zeroGms === true) setupZeroGms(st);
  if (st.refused !== undefined) m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'strategy-refused', message: st.refused });
  if (st.identity !== undefined && 'refused' in st.identity) {
    m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'strategy-refused', message: `identity refused: ${st.identity.refused}` });
  }
  return st;
}

/** What finishIgdMachine needs from the firmware's result: its 32-bit PCI window. */
export interface FirmwareWindows {
  readonly windows: { readonly mem32: readonly [number, number] };
}

/**
 * The VMM's IGD work after firmware ran: zero-gms places the OpRegion MMIO range in the 32-bit PCI
 * window the firmware left free and writes ASLS. Nothing for other strategies (fake BARs follow the
 * guest on their own).
 */
export function finishIgdMachine(m: Machine, fw?: FirmwareWindows): void {
  const st = igdState(m);
  if (st === undefined || st.strategy.vmm.zeroGms !== true || st.opregionMmio !== undefined) return;
  const start = fw?.windows.mem32[0] ?? Math.max(m.layout.below4g, m.spec.machine.type === 'q35' ? 0xc000_0000 : 0);
  placeZeroGmsOpRegion(m, st, start);
  if (st.refused !== undefined) m.recordEvent({ source: IGD_EVENT_SOURCE, kind: 'strategy-refused', message: st.refused });
}

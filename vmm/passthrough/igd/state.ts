import type { IgdFeatures, IgdFunction } from '../../../devices/igd/index.js';
import type { PciFunction } from '../../../devices/pci/function.js';
import type { IgdStrategy } from '../../../firmware/igd/index.js';
import { StateKey, type Machine } from '../../core/machine/machine.js';
import type { RomfileReport } from './romfile.js';

/** One fake BAR the VMM added: where it is declared and what part of it holds what. */
export interface FakeBar {
  readonly fn: PciFunction;
  readonly bar: number;
  /** BAR size (a power of two). */
  readonly size: number;
  /** Offsets inside the BAR, or -1 when this BAR does not hold that part. */
  readonly stolenOffset: number;
  readonly opregionOffset: number;
  /** Where it decodes now (-1 = nowhere). */
  address: number;
  /** How many times it moved to a new address after first decoding (the "BAR moves while in use" hazard). */
  moves: number;
  firstAddress: number;
}

/** What prepareIgdMachine did for one machine (read by finishIgdMachine, igdReport and compare). */
export interface IgdMachineState {
  readonly strategy: IgdStrategy;
  readonly igd: IgdFunction;
  readonly features: IgdFeatures;
  /** fw_cfg files published, by name. */
  readonly fwcfg: Map<string, Uint8Array>;
  /** Host PCH IDs now at 00:1f.0, and the function carrying them. */
  lpcIdsCopied: boolean;
  hostBridgeIdsCopied: boolean;
  lpc: PciFunction | undefined;
  /** Fake BARs (lpc-bars, igd-bar5, dummy-device). */
  readonly fakeBars: FakeBar[];
  /** The dummy device the VMM plugged. */
  dummy: PciFunction | undefined;
  /** identity: the reserved host range, or why it was refused. */
  identity: { readonly base: number; readonly size: number } | { readonly refused: string } | undefined;
  /** zero-gms: the VMM-placed OpRegion range. */
  opregionMmio: { readonly base: number; readonly size: number } | undefined;
  /** A strategy the VMM could not set up (e.g. 1f.0 taken on pc): the reason. */
  refused: string | undefined;
  /** OpRegion bytes (the kernel region copy) whatever the strategy does with them. */
  readonly opregion: Uint8Array;
  /** The user's romfile, parsed, when the IGD names one. */
  romfile?: RomfileReport;
}

/** Where a machine keeps its IGD state (the machine owns it; no module-level map). */
const IGD_STATE = new StateKey<IgdMachineState>('igd');

export function setIgdState(m: Machine, s: IgdMachineState): void {
  m.setState(IGD_STATE, s);
}

/** The IGD state of a machine prepareIgdMachine ran on, or undefined. */
export function igdState(m: Machine): IgdMachineState | undefined {
  return m.state(IGD_STATE);
}

import type { IgdSetupHook } from '../igd-hook.js';

/** The IGD stolen-memory strategies (issue 7), in the order reports and compare tables list them. */
export const IGD_STRATEGY_NAMES = [
  'e820-reserved', 'uefi-reserved', 'lpc-bars', 'igd-bar5', 'dummy-device', 'identity', 'zero-gms', 'none',
] as const;
export type IgdStrategyName = (typeof IGD_STRATEGY_NAMES)[number];

/** SeaBIOS runs intel_igd_setup with no configuration: the default when a config names no strategy. */
export const DEFAULT_IGD_STRATEGY: IgdStrategyName = 'e820-reserved';

/** Where fake BARs go: the LPC bridge at 00:1f.0, BAR5 of the IGD itself, or a dummy PCI device. */
export type FakeBarCarrier = 'lpc' | 'igd-bar5' | 'dummy-device';

/**
 * What the VMM does for a strategy before firmware runs (vmm/passthrough/igd interprets it; firmware code never
 * touches the machine). Declarative, so the firmware side stays a pure FirmwareContext program.
 */
export interface IgdVmmPlan {
  /** Publish QEMU's fw_cfg files (as the chosen QEMU behaviour decides); false = the VMM keeps them. */
  readonly fwcfg: boolean;
  /** Expose the guest stolen memory and the OpRegion as memory BARs the normal PCI allocator places. */
  readonly fakeBars?: FakeBarCarrier;
  /** Reserve the host's DSM range in the guest e820 and publish etc/igd-stolen-base (bhyve / EVE). */
  readonly identity?: boolean;
  /** crosvm: GMCH byte 0x51 reads 0; the OpRegion becomes a VMM-placed MMIO range in ASLS. */
  readonly zeroGms?: boolean;
}

/** One strategy: its firmware half (where SeaBIOS runs intel_igd_setup) and its VMM half. */
export interface IgdStrategy {
  readonly name: IgdStrategyName;
  /** One line for help texts and compare headers. */
  readonly summary: string;
  /** The firmware the strategy models. */
  readonly firmwareKind: 'seabios' | 'ovmf' | 'patched' | 'none';
  readonly vmm: IgdVmmPlan;
  /** Runs for each Intel VGA function during device init; undefined = the firmware does nothing. */
  readonly firmware: IgdSetupHook | undefined;
}

import type { FirmwareContext, IgdSetupHook, OptionRomHook } from './igd-hook.js';

/** SeaBIOS's region types, in its order (pciinit.c enum pci_region_type). */
export const REGION_IO = 0;
export const REGION_MEM = 1;
export const REGION_PREFMEM = 2;
export type RegionType = typeof REGION_IO | typeof REGION_MEM | typeof REGION_PREFMEM;
export const REGION_NAMES = ['io', 'mem', 'prefmem'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** One probed function (SeaBIOS struct pci_device), in probe order. */
export interface FwPciDevice {
  readonly bdf: number;
  readonly vendor: number;
  readonly device: number;
  /** Base class << 8 | subclass. */
  readonly classCode: number;
  readonly progIf: number;
  readonly revision: number;
  readonly headerType: number;
  /** Secondary bus number as probed (bridges and CardBus), else 0. */
  readonly secondaryBus: number;
  /** The first bridge in probe order whose secondary bus is this device's bus (null on a root bus). */
  readonly parent: FwPciDevice | null;
  readonly rootbus: number;
}

export type E820Type = 'ram' | 'reserved' | 'acpi' | 'nvs';

export interface E820Range {
  start: number;
  end: number;
  type: E820Type;
}

/** One `PCI: map device` line: a device BAR (6 = ROM) and where SeaBIOS put it. */
export interface Placement {
  bdf: string;
  bar: number;
  type: RegionName;
  address: number;
  size: number;
}

export interface FirmwareResult {
  /** Everything written to the debug console (port 0x402). */
  log: string;
  /** SeaBIOS's panic message (e.g. "PCI: out of 32bit address space"), or null. */
  panic: string | null;
  /** The final e820 table SeaBIOS prints; empty after a panic. */
  e820: E820Range[];
  /** Device BARs in the order SeaBIOS mapped them (64-bit window first, then per bus io, mem, prefmem). */
  placements: Placement[];
  /** The root windows as the `PCI: IO:`, `PCI: 32:` and `PCI: 64:` lines print them (IO end inclusive). */
  windows: { io: [number, number] | null; mem32: [number, number]; mem64: [number, number] | null };
}

export interface ExtraHooks {
  /** After pci_setup (device init and VGA selection), before SMP/ACPI/option ROMs. */
  afterPciSetup?: (ctx: FirmwareContext) => void;
  /** After the option-ROM scan, just before ZoneHigh is returned and the e820 map printed. */
  beforePrepboot?: (ctx: FirmwareContext) => void;
}

export interface PostOptions {
  /** Runs where SeaBIOS runs intel_igd_setup: device init, for Intel VGA-class functions. */
  igdSetup?: IgdSetupHook;
  /**
   * Runs where SeaBIOS's option-ROM scan maps a device's ROM BAR (map_pcirom: the primary VGA first,
   * then every non-VGA-class device in probe order), with the ROM BAR enabled. Whether SeaBIOS would
   * execute the image (signature, PCIR match, PnP header for non-VGA ROMs) is the hook's business.
   */
  runOptionRom?: OptionRomHook;
  extraHooks?: ExtraHooks;
  /**
   * The EFI drivers inside a device's option ROM image (its romfile), e.g. ['IgdAssignmentDxe', 'IntelGopDriver'].
   * OVMF dispatches them when it loads the ROM; the VMM knows what the romfile holds (vfio-igd `romfile-drivers`).
   */
  optionRomDrivers?: (bdf: number) => readonly string[];
}

import type { DebugOutput } from './debug.js';
import type { E820Map } from './e820.js';
import type { FwCfgClient } from './fwcfg.js';
import type { FirmwareIo } from '../io.js';
import type { Zones } from './malloc.js';
import type { PciConfig } from './pci-config.js';
import type { SeabiosRelease } from './versions.js';
import type { FwPciDevice, Placement } from '../types.js';

/** How INTx pins map to IRQs: chosen by the platform hook (pciinit.c pci_slot_get_irq). */
export type IrqRouting = 'none' | 'piix' | 'mch';

/** SeaBIOS's globals for one POST, shared by the phases (each phase is its own module). */
export interface PostState {
  /** Which SeaBIOS release runs: the facts that differ between releases (versions.ts). */
  readonly release: SeabiosRelease;
  readonly io: FirmwareIo;
  readonly cfg: PciConfig;
  readonly debug: DebugOutput;
  readonly fwcfg: FwCfgClient;
  readonly e820: E820Map;
  zones: Zones | undefined;
  /** RAM below 4 GiB (RamSize) and above (RamSizeOver4G), from QEMU's etc/e820. */
  ramSize: number;
  ramSizeOver4G: number;
  acpiPmBase: number;
  /** pci_io_low_end: end of the low IO fallback region. */
  ioLowEnd: number;
  pcimemStart: number;
  pcimemEnd: number;
  irqRouting: IrqRouting;
  /** Probe list (struct pci_device list) and MaxPCIBus. */
  devices: FwPciDevice[];
  maxBus: number;
  placements: Placement[];
  ioWindow: [number, number] | null;
  mem64Window: [number, number] | null;
  /** CPUPhysBits and CPULongMode (rel-1.16.3 paravirt.c physbits): 0 when not read or not trusted. */
  cpuPhysBits: number;
  cpuLongMode: boolean;
  /** pci_mem64_top (0 = none) and pci_pad_mem64 (rel-1.16.3 pciinit.c pci_setup). */
  mem64Top: number;
  padMem64: boolean;
}

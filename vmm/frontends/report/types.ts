/**
 * The boot report: plain data, the one thing every renderer (text, JSON Lines, SVG, compare, sweep)
 * and every test reads. Addresses and sizes are lowercase hex strings so 64-bit values survive JSON.
 */
import type { FramebufferDirtyReport } from '../../passthrough/dirty/index.js';
import type { IgdReport } from '../../passthrough/igd/report.js';
import type { IommuReport } from '../../passthrough/iommu/index.js';
import type { ProfileReport } from '../../core/profile/profile.js';
import type { DisplayReport, RomReport } from '../../passthrough/traps/passthrough.js';
import type { TrapsReport } from '../../passthrough/traps/report.js';
import type { QxlReport } from '../../passthrough/workload/qxl-report.js';
import type { VmSection, WorkloadSection } from '../../passthrough/workload/run.js';

export type { Hex } from '../../core/format.js';
import type { Hex } from '../../core/format.js';

export interface BarReport {
  bar: number; // 0..5, 6 = ROM BAR
  type: 'io' | 'mem' | 'prefmem';
  address: Hex | null; // null when firmware left it unplaced
  size: Hex; // as SeaBIOS placed it (memory BARs below 4 KiB are placed as 4 KiB)
  is64: boolean;
  prefetch: boolean;
}

export interface WindowReport {
  base: Hex;
  limit: Hex;
}

export interface BridgeReport {
  secondary: number;
  subordinate: number;
  io: WindowReport | null;
  mem: WindowReport | null;
  prefmem: WindowReport | null;
}

export interface DeviceReport {
  bdf: string;
  model: string;
  id?: string;
  vendor: Hex;
  device: Hex;
  class: Hex;
  bars: BarReport[];
  bridge?: BridgeReport;
}

export interface E820Report {
  start: Hex;
  end: Hex;
  type: 'ram' | 'reserved' | 'acpi' | 'nvs';
}

export interface EventReport {
  source: string;
  kind: string;
  message: string;
}

/** What OVMF decided that the base sections do not show (present only for an OVMF boot). */
export interface UefiReport {
  /** The apertures PlatformInitLib handed to PciHostBridgeDxe (inclusive ends). */
  apertures: { io: [Hex, Hex]; mem32: [Hex, Hex]; mem64: [Hex, Hex] | null };
  /** The UEFI memory map as the OS loader gets it: conventional RAM and firmware-owned descriptors (inclusive ends). */
  memoryMap: { start: Hex; end: Hex; type: string }[];
}

export interface BootReport {
  config: string;
  name: string | null;
  machine: { type: 'q35' | 'pc'; memory: Hex; below4g: Hex; above4g: Hex };
  panic: string | null;
  pci: {
    devices: DeviceReport[];
    windows: { io: [Hex, Hex] | null; mem32: [Hex, Hex]; mem64: [Hex, Hex] | null };
  };
  e820: E820Report[];
  events: EventReport[];
  /** The resolved machine profile: QEMU version, machine type, vCPU, firmware. */
  profile?: ProfileReport;
  /** OVMF only: its apertures and the UEFI memory map the `e820` section is derived from. */
  uefi?: UefiReport;
  /** Sections added by the IGD, trap/IOMMU, QXL and dirty-tracking layers when they apply. */
  igd?: IgdReport;
  traps?: TrapsReport;
  rom?: RomReport[];
  display?: DisplayReport[];
  iommu?: IommuReport;
  qxl?: QxlReport[];
  dirty?: FramebufferDirtyReport[];
  workload?: WorkloadSection;
  /** Present once a guest action ended the VM as QEMU would (QEMU's process is gone). */
  vm?: VmSection;
}

export { hex } from '../../core/format.js';

import type { FirmwareIo } from './io.js';
import type { E820Type, FwPciDevice } from './types.js';

/**
 * What firmware code outside the PCI core (the IGD setup of firmware/igd/, option-ROM programs) can
 * do, mirroring what SeaBIOS's own code has at that point of POST. Everything still goes through
 * the machine's ports, memory and fw_cfg; nothing here reaches device objects.
 */
export interface FirmwareContext {
  /** The CPU's view (ports and physical memory). */
  readonly io: FirmwareIo;
  /** 'q35' or 'i440fx', as SeaBIOS detected the host bridge. */
  readonly platform: 'q35' | 'i440fx' | 'unknown';

  // ---- config space (pci_config_read*/write*; CF8/CFC or MMCONFIG as SeaBIOS uses at that moment) ----
  configRead8(bdf: number, offset: number): number;
  configRead16(bdf: number, offset: number): number;
  configRead32(bdf: number, offset: number): number;
  configWrite8(bdf: number, offset: number, value: number): void;
  configWrite16(bdf: number, offset: number, value: number): void;
  configWrite32(bdf: number, offset: number, value: number): void;
  /** The probe list (bus numbers as SeaBIOS assigned them), in probe order. */
  readonly devices: readonly FwPciDevice[];

  // ---- fw_cfg (romfile_*) ----
  /** The whole fw_cfg file (read through the device), or undefined when QEMU does not provide it. */
  fwcfgFile(name: string): Uint8Array | undefined;
  /** The file's size from the fw_cfg directory, or undefined. */
  fwcfgFileSize(name: string): number | undefined;
  /** romfile copy: the file DMA'd into guest memory at `addr`; bytes copied, or −1 when absent or failed. */
  fwcfgReadInto(name: string, addr: number): number;
  /** romfile_loadint: a 1/2/4/8-byte little-endian file, else `def`. */
  fwcfgLoadInt(name: string, def: number): number;

  // ---- SeaBIOS malloc zones (top-down; 0 = no space, as NULL) ----
  /** memalign_high: ZoneHigh, the 16 MiB reserved block at the top of RAM below 4 GiB. */
  memalignHigh(align: number, size: number): number;
  /** memalign_tmphigh: ZoneTmpHigh, RAM below ZoneHigh (not reserved in e820 unless you add it). */
  memalignTmpHigh(align: number, size: number): number;
  /** memalign_low: ZoneLow in the 0xc0000–0xf0000 area (approximate bounds, see constants.ts). */
  memalignLow(align: number, size: number): number;

  // ---- memory map ----
  /** e820_add with SeaBIOS's split/merge semantics. */
  e820Add(start: number, size: number, type: E820Type): void;
  /** RamSize: RAM below 4 GiB as QEMU's e820 reported it. */
  readonly ramSize: number;
  /** RamSizeOver4G. */
  readonly ramSizeOver4G: number;
  /** Lowers RamSize (e.g. a strategy that keeps RAM for itself); values above the current size are refused. */
  lowerRamSize(bytes: number): boolean;

  /** dprintf(1, ...): text as is to the debug console and the log. */
  log(text: string): void;
}

/** SeaBIOS's intel_igd_setup hook point: called in device init for Intel VGA-class functions. */
export type IgdSetupHook = (ctx: FirmwareContext, bdf: number) => void;

/**
 * The option-ROM scan's hook: called for each device whose ROM BAR SeaBIOS maps (the primary VGA
 * first, then every non-VGA-class device in probe order), with the ROM BAR enabled at `romAddr`
 * (`romSize` bytes) for the duration of the call; SeaBIOS restores the disabled BAR afterwards.
 */
export type OptionRomHook = (ctx: FirmwareContext, bdf: number, romAddr: number, romSize: number) => void;

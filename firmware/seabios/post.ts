/**
 * The firmware: SeaBIOS 1.16.2's POST as it runs on QEMU 7.2 (docs/firmware-seabios.md), reduced to what
 * shapes the machine — fw_cfg, the e820 map, PCI bus numbering, BAR sizing and placement, device
 * init, VGA selection, the option-ROM scan — and printing SeaBIOS's level-1 debug log on port 0x402.
 * It reaches the machine only through `io`: ports, physical memory, config cycles, fw_cfg.
 */
import { checkDevices } from './collect.js';
import {
  BIOS_FLASH_SIZE, BIOS_FLASH_START, BUILD_LOWRAM_END, ACPI_TABLES_ALIGN, ACPI_TABLES_SIZE, EBDA_START,
  PCIMEM_END, PCI_IO_LOW_END_DEFAULT,
  PORT_ACPI_PM_BASE_DEFAULT, PORT_ACPI_PM_BASE_QEMU,
} from './constants.js';
import { makeContext } from './context.js';
import { DebugOutput } from './debug.js';
import { initDevices } from './device-init.js';
import { E820Map, E820_RESERVED } from './e820.js';
import { FwCfgClient } from './fwcfg.js';
import type { FirmwareContext } from '../igd-hook.js';
import type { FirmwareIo } from '../io.js';
import { legacyPortsSetup, smpSetup } from './legacy.js';
import { mallocPreinit, returnZoneHigh } from './malloc.js';
import { optionromSetup, vgaromSetup } from './optionroms.js';
import { detectPhysBits, detectPlatform, earlyE820, kvmDetect } from './paravirt.js';
import { initBuses, probeDevices } from './pci-bus.js';
import { PciConfig } from './pci-config.js';
import { mapDevices } from './place.js';
import { initPlatform } from './platform.js';
import type { PostState } from './state.js';
import type { E820Range, FirmwareResult, Placement, PostOptions } from '../types.js';
import { usbSetup } from './usb.js';
import { enableDefaultVga } from './vga.js';

import type { SeabiosRelease } from './versions.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_BUS_BRIDGE_INIT = seabiosFormat('=== PCI bus & bridge init ===\n');
const F_DETECTED_NON_PCI_SYSTEM = seabiosFormat('Detected non-PCI system\n');
const F_PCI_DEVICE_PROBING = seabiosFormat('=== PCI device probing ===\n');
const F_PCI_NEW_ALLOCATION_PASS_1 = seabiosFormat('=== PCI new allocation pass #1 ===\n');
const F_PCI_NEW_ALLOCATION_PASS_2 = seabiosFormat('=== PCI new allocation pass #2 ===\n');
const F_FMT = seabiosFormat('%s\n%s\n');
const F_NO_XEN_HYPERVISOR_FOUND = seabiosFormat('No Xen hypervisor found.\n');
const F_RELOCATING_INIT_FROM_0X_TO = seabiosFormat('Relocating init from 0x%08x to 0x%08x (size %d)\n');
const F_MOVING_PM_BASE_TO_0X = seabiosFormat('Moving pm_base to 0x%x\n');
const F_FMT_2 = seabiosFormat('%s\n');
const F_RETURNED_BYTES_OF_ZONEHIGH = seabiosFormat('Returned %d bytes of ZoneHigh\n');

/** pci_setup (rel-1.16.3): "Old linux kernels have trouble dealing with more than 46 phys-bits". */
const PHYS_BITS_CAP = 46;

/**
 * pci_setup (docs/firmware-seabios.md §1): numbering, probing, platform, pass #1, pass #2, device init, VGA.
 * Returns SeaBIOS's panic message, or null.
 */
function pciSetup(s: PostState, options: PostOptions, ctx: () => FirmwareContext): string | null {
  const { debug } = s;
  // rel-1.16.3 pci_setup: the top of the 64-bit window from the trusted phys-bits (capped at 46 for old guest
  // kernels' virtio-pci), and padding of the window when the guest has RAM above 4 GiB.
  if (s.cpuPhysBits !== 0) s.mem64Top = 2 ** Math.min(s.cpuPhysBits, PHYS_BITS_CAP);
  if (s.cpuPhysBits >= 36 && s.cpuLongMode && s.ramSizeOver4G !== 0) s.padMem64 = true;
  debug.printf(F_PCI_BUS_BRIDGE_INIT);
  if (!s.cfg.probeHost()) {
    debug.printf(F_DETECTED_NON_PCI_SYSTEM);
    return null;
  }
  initBuses(s);
  debug.printf(F_PCI_DEVICE_PROBING);
  probeDevices(s);
  s.pcimemStart = s.ramSize;
  initPlatform(s);
  debug.printf(F_PCI_NEW_ALLOCATION_PASS_1);
  const busses = checkDevices(s);
  debug.printf(F_PCI_NEW_ALLOCATION_PASS_2);
  const panic = mapDevices(s, busses);
  if (panic !== null) return panic;
  initDevices(s, options.igdSetup, ctx);
  enableDefaultVga(s);
  return null;
}

/**
 * What POST returns. The log is made a string only when someone reads it (tests, tools): a report never does.
 * A class getter rather than a getter in an object literal: that one was a per-boot closure over POST's
 * scope, and never called, it kept every boot's state alive across V8's scavenges (docs/performance.md §12).
 */
class PostResult implements FirmwareResult {
  constructor(
    private readonly debug: DebugOutput,
    readonly panic: string | null,
    readonly e820: E820Range[],
    readonly placements: Placement[],
    readonly windows: FirmwareResult['windows'],
  ) {}

  get log(): string {
    return this.debug.log;
  }
}

/** Runs POST of `release` on the machine behind `io` and returns what SeaBIOS printed and decided. */
export function seabiosPost(release: SeabiosRelease, io: FirmwareIo, options: PostOptions = {}): FirmwareResult {
  const debug = new DebugOutput(io);
  debug.printf(F_FMT, release.banner, release.build);
  debug.printf(F_NO_XEN_HYPERVISOR_FOUND);
  const cfg = new PciConfig(io);
  const platform = detectPlatform(cfg, debug);
  const cpu = release.physBitsWindow ? detectPhysBits(io, debug) : { physBits: 0, longMode: false };
  if (release.logsHypervisorLeaves) kvmDetect(io, debug);
  const fwcfg = new FwCfgClient(io, debug);
  const e820 = new E820Map();
  const s: PostState = {
    release,
    io,
    cfg,
    debug,
    fwcfg,
    e820,
    zones: undefined,
    ramSize: 0,
    ramSizeOver4G: 0,
    acpiPmBase: PORT_ACPI_PM_BASE_DEFAULT,
    ioLowEnd: PCI_IO_LOW_END_DEFAULT,
    pcimemStart: 0,
    pcimemEnd: PCIMEM_END,
    irqRouting: 'none',
    devices: [],
    maxBus: 0,
    placements: [],
    ioWindow: null,
    mem64Window: null,
    cpuPhysBits: cpu.physBits,
    cpuLongMode: cpu.longMode,
    mem64Top: 0,
    padMem64: false,
  };

  // qemu_preinit: QEMU's memory map, the BIOS flash below 4 GiB; malloc_preinit; the EBDA.
  earlyE820(s);
  e820.add(BIOS_FLASH_START, BIOS_FLASH_SIZE, E820_RESERVED);
  const reloc = release.initReloc;
  s.zones = mallocPreinit(e820, reloc.footprint);
  if (s.zones.highStart !== 0) {
    debug.printf(F_RELOCATING_INIT_FROM_0X_TO, reloc.source, s.zones.highStart - reloc.footprint, reloc.size);
  }
  e820.add(EBDA_START, BUILD_LOWRAM_END - EBDA_START, E820_RESERVED);

  // qemu_platform_setup.
  const hasLoader = fwcfg.has('etc/table-loader');
  if (hasLoader) {
    s.acpiPmBase = PORT_ACPI_PM_BASE_QEMU;
    debug.printf(F_MOVING_PM_BASE_TO_0X, s.acpiPmBase);
  }
  let ctxCache: FirmwareContext | undefined;
  const ctx = (): FirmwareContext => (ctxCache ??= makeContext(s, platform));
  const panic = pciSetup(s, options, ctx);
  const windows: FirmwareResult['windows'] = { io: s.ioWindow, mem32: [s.pcimemStart, s.pcimemEnd], mem64: s.mem64Window };
  if (panic !== null) {
    // panic(): the message, then the CPU halts.
    debug.printf(F_FMT_2, panic);
    return new PostResult(debug, panic, [], s.placements, windows);
  }
  options.extraHooks?.afterPciSetup?.(ctx());
  smpSetup(s);
  // The ACPI table loader's blob lands in ZoneHigh (QEMU pads it to 128 KiB).
  if (hasLoader) s.zones.high.memalign(ACPI_TABLES_ALIGN, ACPI_TABLES_SIZE);

  vgaromSetup(s, options.runOptionRom, ctx());
  // device_hardware_setup: USB, PS/2, block devices, then the legacy ports.
  usbSetup(s);
  legacyPortsSetup(s);
  optionromSetup(s, options.runOptionRom, ctx());
  options.extraHooks?.beforePrepboot?.(ctx());

  // malloc_prepboot: unused ZoneHigh goes back to RAM, then the final map is printed.
  const giveback = returnZoneHigh(s.zones, e820);
  if (giveback > 0) debug.printf(F_RETURNED_BYTES_OF_ZONEHIGH, giveback);
  e820.dump(debug);
  return new PostResult(debug, null, e820.entries(), s.placements, windows);
}

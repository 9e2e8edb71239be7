/**
 * The passthrough layer of a boot in one object, for the boot pipeline:
 *
 *   const machine = new Machine(spec);  … IGD preparation …
 *   const pt = installPassthrough(machine, { quirks, trace, vbios, configPath });   // before firmware
 *   const firmware = post(machine.cpu, { igdSetup, runOptionRom: pt.runOptionRom });
 *   if (firmware.panic === null) pt.afterFirmware();                                  // devices act
 *   Object.assign(report, pt.sections());  report.panic ??= pt.fatal;
 *
 * Trap rules and QEMU's IGD quirk sit between the CPU and the devices from the start; option ROMs
 * run in SeaBIOS's scan order; after firmware, assigned devices are attached to the IOMMU domain
 * with their given ranges, and the IGD scans its framebuffer out through the IOMMU.
 */
import { IgdFunction } from '../../../devices/igd/device.js';
import { igdScanOut, type ScanoutResult } from '../../../devices/igd/display.js';
import type { OptionRomHook } from '../../../firmware/igd-hook.js';
import { iommuReport, type IommuReport } from '../iommu/index.js';
import type { Machine } from '../../core/machine/machine.js';
import { romHook, type RomHook } from '../rom/hook.js';
import type { RomProgramCache } from '../rom/resolve.js';
import { wireIommu, type DmaWiring } from './dma-wiring.js';
import { bdfOf } from './engine.js';
import type { QuirkRelocation } from './igd-bar4.js';
import { installTraps, type InstalledTraps } from './install.js';
import { trapsReport, type TrapsReport } from './report.js';
import { atPosition, hex } from '../../core/format.js';

export interface PassthroughOptions {
  /** false = QEMU 10.0: no built-in IGD BAR4 quirk (`--no-quirks`). */
  readonly quirks?: boolean;
  /** Keep every trap hit for `--trace FILE` (true, or the most hits to keep). */
  readonly trace?: boolean | number;
  /** Which values the IGD quirk relocates (default 'host-range'). */
  readonly quirkRelocation?: QuirkRelocation;
  /** Overrides `firmware.vbios` (`--vbios`): reads-bdsm | cached-host-bdsm | a ROM program file. */
  readonly vbios?: string;
  /** The config file: relative `rom:` / vbios paths resolve from its directory. */
  readonly configPath?: string;
  /** Mode the IGD vBIOS sets (default 1024x768x32). */
  readonly mode?: { readonly width: number; readonly height: number; readonly bpp: number };
  /** Parsed bundled ROM programs shared across boots (BootOptions.romPrograms). */
  readonly romPrograms?: RomProgramCache;
}

export interface DisplayReport {
  bdf: string;
  mode: string;
  surface: string;
  pages: number;
  readPages: number;
  faultedPages: number;
  invalidEntries: number;
  outOfRange: number;
  firstPage: string | null;
  fingerprint: string;
}

export interface RomReport {
  bdf: string;
  program: string;
  ok: boolean;
  iterations: number;
  error?: string;
  stoppedBy?: string;
}

export interface PassthroughSections {
  traps: TrapsReport;
  rom: RomReport[];
  display?: DisplayReport[];
  iommu?: IommuReport;
}


export function displayReport(bdf: string, r: ScanoutResult): DisplayReport {
  return {
    bdf,
    mode: r.enabled ? `${r.width}x${r.height}` : 'off',
    surface: hex(r.surface),
    pages: r.pages,
    readPages: r.readPages,
    faultedPages: r.faultedPages,
    invalidEntries: r.invalidEntries,
    outOfRange: r.outOfRange,
    firstPage: r.firstPage === null ? null : hex(r.firstPage),
    fingerprint: hex(r.fingerprint),
  };
}

export class Passthrough {
  readonly traps: InstalledTraps;
  readonly roms: RomHook;
  wiring: DmaWiring | undefined;
  readonly scanouts: { bdf: string; result: ScanoutResult }[] = [];

  constructor(private readonly machine: Machine, options: PassthroughOptions) {
    // PassthroughOptions is a TrapOptions; the ROM hook reads each option as absent when undefined. No spreads of
    // conditional literals: they made six temporary objects per boot (docs/performance.md §25).
    this.traps = installTraps(machine, options);
    const m = options.mode;
    this.roms = romHook(machine, {
      stop: this.traps.engine,
      vbios: options.vbios,
      configPath: options.configPath,
      vars: m !== undefined ? { width: m.width, height: m.height, bpp: m.bpp } : undefined,
      romPrograms: options.romPrograms,
    });
  }

  /** PostOptions.runOptionRom. */
  get runOptionRom(): OptionRomHook {
    return this.roms.hook;
  }

  /** QEMU's hw_error text when a quirk killed the VM (the report's panic), else null. */
  get fatal(): string | null {
    return this.traps.engine.fatal;
  }

  /** After firmware: IOMMU wiring, then one frame of each assigned IGD's scan-out. Nothing when the VM died. */
  afterFirmware(): void {
    if (this.fatal !== null) return;
    this.wiring = wireIommu(this.machine);
    this.scanOut();
  }

  /**
   * One more frame from every IGD whose plane is enabled (a later frame, e.g. after the guest moved
   * a fake BAR); each frame is kept for the report. Returns this frame's results.
   */
  scanOut(): { bdf: string; result: ScanoutResult }[] {
    const frame: { bdf: string; result: ScanoutResult }[] = [];
    if (this.fatal !== null) return frame;
    this.wiring?.refreshGiven();
    for (const fn of this.machine.pci.functions()) {
      if (!(fn instanceof IgdFunction)) continue;
      const budget = this.machine.budget;
      const result = igdScanOut(fn, this.machine.dmaPort(bdfOf(fn)), budget.limits.pages);
      if (result.unfetched > 0) budget.charge('pages', Infinity, `IGD ${fn.bdf} scan-out of ${result.pages} pages (${result.width}x${result.height}, stride ${result.stride}) fetched only ${budget.limits.pages}`);
      if (result.enabled) frame.push({ bdf: fn.bdf, result });
    }
    this.scanouts.push(...frame);
    return frame;
  }

  sections(): PassthroughSections {
    const rom = this.roms.runs.map((r): RomReport => ({
      bdf: r.bdf,
      program: r.program,
      ok: r.ok,
      iterations: r.iterations,
      ...(r.error !== undefined ? { error: atPosition(r.error, r.error.message) } : {}),
      ...(r.stoppedBy !== undefined ? { stoppedBy: r.stoppedBy } : {}),
    }));
    return {
      traps: trapsReport(this.traps.engine),
      rom,
      ...(this.scanouts.length > 0 ? { display: this.scanouts.map((s) => displayReport(s.bdf, s.result)) } : {}),
      ...(this.machine.dma.isBuilt ? { iommu: iommuReport(this.machine.dma.iommu) } : {}),
    };
  }

  /** `--trace FILE` content: JSON Lines, one per trap hit (empty unless `trace` was asked for). */
  traceLines(): Generator<string> {
    return this.traps.engine.traceLines();
  }
}

export function installPassthrough(machine: Machine, options: PassthroughOptions = {}): Passthrough {
  return new Passthrough(machine, options);
}

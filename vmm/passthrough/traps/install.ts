/**
 * Puts the trap layer into a machine: the config's `traps:` rules, plus QEMU's IGD BAR4 quirk on the
 * assigned IGD unless quirks are off (`--no-quirks`) or the device says QEMU would not install it.
 * Call after the IGD's machine preparation (its QEMU features are final) and before firmware runs.
 */
import { IgdFunction } from '../../../devices/igd/device.js';
import type { PciFunction } from '../../../devices/pci/function.js';
import type { Machine } from '../../core/machine/machine.js';
import { TrapEngine } from './engine.js';
import { IgdBar4Quirk, type IgdQuirkParams, type QuirkRelocation } from './igd-bar4.js';

export interface TrapOptions {
  /** false = QEMU 10.0: no built-in quirks (`--no-quirks`). Default true. */
  readonly quirks?: boolean;
  /** Keep every hit for `--trace` (true, or the most hits to keep). */
  readonly trace?: boolean | number;
  /** Which values the IGD quirk relocates (default 'host-range'). */
  readonly quirkRelocation?: QuirkRelocation;
}

/**
 * What the trap layer needs from an assigned IGD: `bar4Quirk` says whether QEMU installs the quirk.
 * Other models (test doubles) may provide it through an `igdQuirkInfo()` method.
 */
export interface IgdQuirkInfo extends IgdQuirkParams {
  readonly bar4Quirk: boolean;
}

interface HasQuirkInfo {
  igdQuirkInfo(): IgdQuirkInfo;
}

/**
 * The vfio-igd model: QEMU ≤ 9.2 installed the quirk as part of legacy mode only (its probe
 * returns early otherwise: 1f.0 taken, unknown generation, no ROM, ...); QEMU 10.0 removed it (5aed8b0f0be2). The
 * generation is QEMU's own (igd_gen: HSW counts as 6, SKL as 8), since that is what the quirk used.
 */
export function igdQuirkInfo(fn: PciFunction): IgdQuirkInfo | undefined {
  if (fn instanceof IgdFunction) {
    const f = fn.features;
    return { generation: f.qgen, hostBdsm: fn.host.bdsm, hostStolenSize: fn.host.dsmSize, bar4Quirk: f.bar4Quirk };
  }
  const maybe = fn as unknown as Partial<HasQuirkInfo>;
  return typeof maybe.igdQuirkInfo === 'function' ? maybe.igdQuirkInfo() : undefined;
}

function recordFatal(machine: Machine, fn: PciFunction, message: string): void {
  machine.recordEvent({ source: fn.bdf, kind: 'fatal', message });
}

export interface InstalledTraps {
  readonly engine: TrapEngine;
  /** The IGD quirk when one was installed. */
  readonly igdQuirk: IgdBar4Quirk | undefined;
}

export function installTraps(machine: Machine, options: TrapOptions = {}): InstalledTraps {
  const engine = new TrapEngine(machine.spec.traps, options.trace !== undefined ? { trace: options.trace } : {});
  let igdQuirk: IgdBar4Quirk | undefined;
  if (options.quirks !== false) {
    for (const fn of machine.pci.functions()) {
      const info = igdQuirkInfo(fn);
      if (info === undefined || !info.bar4Quirk || fn.bars[4]?.space !== 'io') continue;
      igdQuirk = new IgdBar4Quirk(fn, { ...info, ...(options.quirkRelocation !== undefined ? { relocation: options.quirkRelocation } : {}) });
      igdQuirk.attach(engine);
      igdQuirk.clearGtt();
    }
  }
  // Bound, not an arrow function: almost never called, and a never-called arrow function stored per boot kept
  // the machine alive across V8's scavenges (docs/performance.md §12).
  engine.onFatal = recordFatal.bind(undefined, machine);
  // No rule and no quirk on any BAR (or in config space): leave that path undecorated (zero cost for ordinary machines).
  machine.intercept({
    name: 'traps',
    ...(engine.wrapsBars ? { bar: (fn, bar, h) => engine.wrapBar(fn, bar, h) } : {}),
    ...(engine.hasConfigRules ? { config: (fn, bdf, inner) => engine.configAccess(fn, bdf, inner) } : {}),
  });
  return { engine, igdQuirk };
}

/**
 * Puts the trap layer into a machine: the config's `traps:` rules, plus QEMU's IGD BAR4 quirk on the
 * assigned IGD unless quirks are off (QEMU 10.0) or the device says QEMU would not install it.
 * Call right after `new Machine(spec)`, before firmware runs.
 */
import type { PciFunction } from '../../devices/pci/function.js';
import type { Machine } from '../machine/machine.js';
import { TrapEngine } from './engine.js';
import { IgdBar4Quirk, type IgdQuirkParams } from './igd-bar4.js';

export interface TrapOptions {
  /** false = QEMU 10.0: no built-in quirks (`--no-quirks`). Default true. */
  readonly quirks?: boolean;
  /** Keep every hit for `--trace` (true, or the most hits to keep). */
  readonly trace?: boolean | number;
}

/**
 * What the trap layer needs from an assigned IGD. The vfio-igd model provides it (`igdQuirkInfo()`);
 * `bar4Quirk: false` when QEMU would not install the quirk (10.0 semantics, legacy mode refused).
 */
export interface IgdQuirkInfo extends IgdQuirkParams {
  readonly bar4Quirk: boolean;
}

interface HasQuirkInfo {
  igdQuirkInfo(): IgdQuirkInfo;
}

function quirkInfoOf(fn: PciFunction, machine: Machine): IgdQuirkInfo | undefined {
  const maybe = fn as unknown as Partial<HasQuirkInfo>;
  if (typeof maybe.igdQuirkInfo === 'function') return maybe.igdQuirkInfo();
  // A model without the accessor: fall back to the host description in the config.
  const igd = machine.spec.host?.igd;
  if (fn.model !== 'vfio-igd' || igd === undefined) return undefined;
  return { generation: igd.generation, hostBdsm: igd.bdsm ?? 0, bar4Quirk: true };
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
      const info = quirkInfoOf(fn, machine);
      if (info === undefined || !info.bar4Quirk || fn.bars[4]?.space !== 'io') continue;
      igdQuirk = new IgdBar4Quirk(fn, info);
      igdQuirk.attach(engine);
      igdQuirk.clearGtt();
    }
  }
  engine.onFatal = (fn, message) => machine.recordEvent({ source: fn.bdf, kind: 'fatal', message });
  machine.barWrapper = (fn, bar, h) => engine.wrapBar(fn, bar, h);
  machine.pci.configTrap = engine.configTrap();
  machine.io.invalidatePci();
  machine.mmio.invalidatePci();
  return { engine, igdQuirk };
}

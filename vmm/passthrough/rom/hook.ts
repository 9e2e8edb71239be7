/**
 * The firmware's option-ROM hook: SeaBIOS's ROM scan (VGA first) calls it for each mapped ROM BAR;
 * it runs the device's ROM program, if it has one, through the machine's CPU view.
 * Which program: the device's `rom:` (a bundled name or a file relative to the config), else for the
 * assigned IGD the vBIOS behaviour `firmware.vbios` / `--vbios` names (default reads-bdsm).
 */
import { dirname } from 'node:path';
import type { PciFunction } from '../../../devices/pci/function.js';
import type { OptionRomHook } from '../../../firmware/igd-hook.js';
import type { Machine } from '../../core/machine/machine.js';
import { IgdFunction } from '../../../devices/igd/device.js';
import { igdQuirkInfo } from '../traps/install.js';
import { igdPreOsProgram } from '../igd/pre-os.js';
import type { RomStopSignal } from './compile.js';
import { resolveRomProgram, type RomProgramCache } from './resolve.js';
import { romBusOf, runRomProgram, type RomRunResult } from './run.js';
import { atPosition } from '../../core/format.js';

export const DEFAULT_VBIOS = 'reads-bdsm';
const IGD_MODEL = 'vfio-igd';

export interface RomHookOptions {
  /** Overrides `firmware.vbios`. */
  readonly vbios?: string;
  /** The config file's path: relative `rom:` and `vbios` paths resolve from its directory. */
  readonly configPath?: string;
  /** The trap engine (a quirk's fatal error stops the ROM). */
  readonly stop?: RomStopSignal;
  /** Overrides of program vars for every ROM (e.g. the IGD mode: width, height, bpp). */
  readonly vars?: Readonly<Record<string, number>>;
  /** Parsed bundled programs shared across boots (BootOptions.romPrograms); default: parse here. */
  readonly romPrograms?: RomProgramCache;
}

export interface RomRun extends RomRunResult {
  readonly bdf: string;
}

export interface RomHook {
  readonly hook: OptionRomHook;
  /** Every ROM run, in scan order; load failures appear with ok: false and iterations 0. */
  readonly runs: RomRun[];
}

/**
 * Inputs an IGD vBIOS program reads: the hardware generation (i915 numbering: it decides the PTE
 * format) and the host's BDSM (what the cache slot of a shadow ROM holds).
 */
function igdVars(fn: PciFunction): Record<string, number> {
  if (fn instanceof IgdFunction) return { gen: fn.gen, hostBdsm: fn.host.bdsm };
  const info = igdQuirkInfo(fn);
  return info === undefined ? {} : { gen: info.generation, hostBdsm: info.hostBdsm };
}

export function romHook(machine: Machine, options: RomHookOptions = {}): RomHook {
  const runs: RomRun[] = [];
  const hook: OptionRomHook = (ctx, bdf, romAddr, romSize) => {
    const fn = machine.pci.find(bdf >> 8, bdf & 0xff);
    if (fn === undefined) return;
    const isIgd = fn.model === IGD_MODEL || fn instanceof IgdFunction;
    let ref = machine.specOf.get(fn)?.rom;
    if (ref === undefined && fn instanceof IgdFunction) {
      // Gen 11+ has no legacy VBIOS: the GOP under UEFI, else nothing (vmm/passthrough/igd/pre-os.ts).
      const choice = igdPreOsProgram(machine, fn, options.vbios ?? machine.spec.firmware.vbios);
      if (choice.note !== undefined) machine.recordEvent({ source: fn.bdf, kind: 'igd-pre-os', message: choice.note });
      ref = choice.program ?? undefined;
    } else if (ref === undefined && isIgd) ref = options.vbios ?? machine.spec.firmware.vbios ?? DEFAULT_VBIOS;
    if (ref === undefined) return;
    // The config's directory only when a program is resolved: most boots run none.
    const loaded = resolveRomProgram(ref, options.configPath !== undefined ? dirname(options.configPath) : undefined, options.romPrograms);
    if (!loaded.ok) {
      const e = loaded.errors[0]!;
      const message = `option ROM '${ref}' did not load: ${atPosition(e, e.message)}`;
      machine.recordEvent({ source: fn.bdf, kind: 'rom-error', message });
      runs.push({ bdf: fn.bdf, program: ref, ok: false, iterations: 0, vars: {}, error: e });
      return;
    }
    const vars = { ...(isIgd ? igdVars(fn) : {}), ...options.vars };
    const budget = machine.budget;
    const bus = romBusOf(ctx, machine.io);
    // `log:` text is budgeted before it reaches the firmware's log, which keeps its own copy.
    const log = (t: string): void => {
      if (budget.fits('log', t.length)) bus.log(t);
      else budget.charge('log', t.length, `ROM ${loaded.program.name} log output dropped past the limit`);
    };
    const r = runRomProgram(loaded.program, { ...bus, log }, { bdf, romAddr, romSize }, {
      vars,
      ...(options.stop ? { stop: options.stop } : {}),
      maxIterations: Math.max(0, budget.limits.steps - budget.usedOf('steps')),
      inTime: () => budget.inTime(`ROM ${loaded.program.name} stopped`),
    });
    budget.charge('steps', Math.min(r.iterations, budget.limits.steps - budget.usedOf('steps')), 'ROM loops');
    if (r.overBudget === 'steps') budget.charge('steps', Infinity, `ROM ${loaded.program.name} stopped at ${r.error?.file ?? ''}:${r.error?.line ?? 0}:${r.error?.col ?? 0}`);
    if (r.error !== undefined) {
      machine.recordEvent({ source: fn.bdf, kind: 'rom-fault', message: `option ROM ${r.program}: ${atPosition(r.error, r.error.message)}` });
    }
    runs.push({ bdf: fn.bdf, ...r });
  };
  return { hook, runs };
}

import { bootSpec } from '../../core/boot/index.js';
import { RomProgramCache } from '../../passthrough/rom/resolve.js';
import type { MachineSpec } from '../config/spec.js';
import { comboAt, type SweepPlan } from './plan.js';
import { errorRow, rowFromReport, type SweepRow } from './row.js';

/** `seabios`, `ovmf` or `type-version` as the CLI validated it. */
function firmwareOverride(label: string): { type: 'seabios' | 'ovmf'; version?: string } {
  const m = /^(seabios|ovmf)(?:-(.+))?$/.exec(label);
  if (m === null) throw new Error(`unknown firmware '${label}'`);
  return { type: m[1] === 'ovmf' ? 'ovmf' : 'seabios', ...(m[2] !== undefined ? { version: m[2] } : {}) };
}

/** A spec by plan config index, or an error message when it cannot be loaded. */
export type SpecSource = (configIndex: number) => MachineSpec | string;

/** A task: combinations [from, to) of the plan. Tiny on purpose: one message per chunk. */
export interface ChunkTask {
  from: number;
  to: number;
}

/**
 * Boots combinations [from, to) and returns their rows in index order. The same function runs
 * inline (--jobs 1) and in every worker, which is what makes serial and parallel sweeps agree.
 */
export function runChunk(plan: SweepPlan, starts: readonly number[], specs: SpecSource, task: ChunkTask): SweepRow[] {
  const rows: SweepRow[] = [];
  // Every boot of an IGD config runs a bundled vBIOS program: parse each once per chunk, not once per boot.
  const romPrograms = new RomProgramCache();
  for (let i = task.from; i < task.to; i++) {
    const combo = comboAt(plan, starts, i);
    const path = plan.configs[combo.configIndex]!.path;
    // A run that errors is still counted under the strategy it ran with (not under "no IGD").
    const strategy = combo.strategy ?? plan.configs[combo.configIndex]!.ownStrategy ?? null;
    const spec = specs(combo.configIndex);
    if (typeof spec === 'string') {
      rows.push(errorRow(combo, path, spec, strategy));
      continue;
    }
    try {
      const { report } = bootSpec(spec, {
        configPath: path,
        ...(combo.strategy !== null ? { strategy: combo.strategy } : {}),
        ...(combo.vbios !== null ? { vbios: combo.vbios } : {}),
        ...(combo.firmware !== undefined ? { profile: { firmware: firmwareOverride(combo.firmware) } } : {}),
        quirks: plan.quirks,
        romPrograms,
        ...(plan.budget !== undefined ? { budget: plan.budget } : {}),
      });
      rows.push(rowFromReport(combo, path, report));
    } catch (e) {
      // An exception is a bug in our code (guest misbehaviour is an event): record it, keep sweeping.
      rows.push(errorRow(combo, path, e instanceof Error ? e.message : String(e), strategy));
    }
  }
  return rows;
}

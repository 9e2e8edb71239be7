/** The `traps` section of the boot report. */
import type { TrapEngine } from './engine.js';

export interface TrapsReport {
  /** (access, rule) pairs that matched, built-in quirks included. */
  hits: number;
  /** Hits that changed the value on its way to the device or the CPU. */
  rewrites: number;
  /** Hits that kept an access from the device. */
  drops: number;
  /** A quirk's fatal error (QEMU's hw_error text), or null. */
  fatal: string | null;
}

export function trapsReport(engine: TrapEngine): TrapsReport {
  return { hits: engine.hits, rewrites: engine.rewrites, drops: engine.drops, fatal: engine.fatal };
}

/**
 * The workload language's vocabulary: its step kinds, in the order messages list them. Plain data, so that
 * validating a workload does not load TypeBox (~200 modules: docs/performance.md §11); schema.ts gives every kind
 * its arguments in a table typed by this list (a kind missing there, or one not listed here, does not compile),
 * and test/architecture/schema-agreement.test.ts checks the two orders agree.
 */
import type { StepKind } from './types.js';

export const WORKLOAD_STEP_KINDS = [
  'qxl-init',
  'create-primary',
  'destroy-primary',
  'create-surface',
  'destroy-surface',
  'fill',
  'copy-image',
  'update-area',
  'cpu-fill',
  'flush-release',
  'plug-monitor',
  'unplug-monitor',
  'poll',
  'repeat',
] as const satisfies readonly StepKind[];

export type WorkloadStepKind = (typeof WORKLOAD_STEP_KINDS)[number];

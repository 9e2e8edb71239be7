import { label } from './problems.js';
import { MAX_LISTED_EVENTS, type WorkloadPath } from './types.js';

/** Something a step could not do (no such device, a refused framebuffer, a driver error): recorded, never thrown. */
export interface WorkloadEvent {
  /** The step's place in the workload (`workload.steps[3].repeat.steps[0].fill`). */
  readonly step: string;
  readonly kind: string;
  readonly message: string;
}

/** The run's events: the first MAX_LISTED_EVENTS listed, the rest counted. */
export class WorkloadEvents {
  readonly list: WorkloadEvent[] = [];
  omitted = 0;

  add(path: WorkloadPath, kind: string, message: string): void {
    if (this.list.length < MAX_LISTED_EVENTS) this.list.push({ step: label(path), kind, message });
    else this.omitted++;
  }
}

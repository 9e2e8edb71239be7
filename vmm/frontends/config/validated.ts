/**
 * A mark on the MachineSpec objects parseConfig built: bootSpec skips re-validating those (a sweep
 * boots one spec hundreds of times, at a tenth of a millisecond each). Non-enumerable, so reports,
 * equality checks and structured clones never see it; a copy (`{ ...spec }`) is unmarked and is
 * validated again.
 */
import type { MachineSpec } from './spec.js';

const VALIDATED: unique symbol = Symbol('vfio-sim.validated-spec');

export function markValidated<T extends MachineSpec>(spec: T): T {
  Object.defineProperty(spec, VALIDATED, { value: true, enumerable: false });
  return spec;
}

export function isMarkedValidated(spec: MachineSpec): boolean {
  return typeof spec === 'object' && spec !== null && (spec as { [VALIDATED]?: boolean })[VALIDATED] === true;
}

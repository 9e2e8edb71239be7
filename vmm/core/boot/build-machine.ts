/** Stage 1: the machine — RAM, address spaces, PCI host and every device of the config, as the profile's QEMU builds it. */
import type { MachineSpec } from '../../frontends/config/spec.js';
import type { BudgetLimits } from '../budget/budget.js';
import { Machine } from '../machine/machine.js';
import { resolveProfile, type ProfileOverrides } from '../profile/profile.js';

export function buildMachine(spec: MachineSpec, overrides: ProfileOverrides = {}, budget: Partial<BudgetLimits> = {}): Machine {
  return new Machine(spec, resolveProfile(spec, overrides), budget);
}

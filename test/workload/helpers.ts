import { parseConfig, formatConfigError } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import type { Machine } from '../../vmm/core/machine/machine.js';
import type { Workload } from '../../vmm/passthrough/workload/types.js';

/** Two QXL heads on q35 at fixed slots (BAR0s at 0xec000000 and 0xf4000000 after SeaBIOS), then `workload`. */
export const TWO_HEADS = `machine: { type: q35, memory: 2G }
devices:
  - { model: qxl-vga, id: gpu0, addr: "01.0" }
  - { model: qxl, id: gpu1, addr: "02.0", props: { x-console-id: 1 } }
  - { model: e1000, id: nic, addr: "03.0" }
`;

export function spec(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.spec;
}

/** Boots the YAML (firmware placement included) and returns the machine and the workload as written. */
export function boot(yaml: string): { machine: Machine; workload: Workload | undefined } {
  const s = spec(yaml);
  // The caller runs the workload itself, so the boot must not run it first.
  return { machine: bootSpec({ ...s, workload: undefined }).machine, workload: s.workload };
}

/** The errors of a config as FILE:LINE:COL lines. */
export function configErrors(yaml: string): string[] {
  const r = parseConfig(yaml, 't.yaml');
  return r.ok ? [] : r.errors.map(formatConfigError);
}

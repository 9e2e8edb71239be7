import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { runDoctor, type Finding } from '../../vmm/frontends/doctor/index.js';
import type { BootOptions } from '../../vmm/core/boot/index.js';

export function spec(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 'doctor.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

export function findings(yaml: string, options: BootOptions = {}): Finding[] {
  return [...runDoctor(spec(yaml), options).doctor.findings];
}

export function finding(yaml: string, id: string, options: BootOptions = {}): Finding | undefined {
  return findings(yaml, options).find((f) => f.id === id);
}

/** An IGD machine; `extra` goes under the vfio-igd device's props. */
export const igdMachine = (type: 'pc' | 'q35', gen: string, props = '', extra = ''): string => `machine: { type: ${type}, qemu: "10.0", memory: 4G }
host: { igd: { generation: ${gen} }${extra} }
devices:
  - model: vfio-igd
    props: { x-igd-opregion: on${props} }
`;

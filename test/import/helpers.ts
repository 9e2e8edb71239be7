import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import type { ImportedConfig, ImportedDevice } from '../../vmm/frontends/import/index.js';
import { importedYaml } from '../../vmm/frontends/import/index.js';

export const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');

/** The imported YAML, loaded back through the config loader (it must be a valid config). */
export function loadImported(c: ImportedConfig, hostYaml?: string): MachineSpec {
  const r = parseConfig(importedYaml(c, hostYaml !== undefined ? { yaml: hostYaml } : {}), 'imported.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

/** A device without its comments: what the topology is. */
export const topo = (d: ImportedDevice): Omit<ImportedDevice, 'comments'> => {
  const { comments: _c, ...rest } = d;
  void _c;
  return rest;
};

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerCatalogue } from '../../devices/catalogue/index.js';
import { registerAllModels } from '../../devices/index.js';
import { PciFunction } from '../../devices/pci/function.js';
import { lookupModel, registerModel, type PropDef } from '../../devices/registry.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixtureText(rel: string): string {
  return readFileSync(FIXTURES + rel, 'utf8');
}

const int: PropDef = { type: 'integer', min: 0, max: 0xffff_ffff };

/**
 * The catalogue, plus placeholders for the models other engineers own (qxl, qxl-vga, vfio-igd) when
 * they are not registered yet, so config tests can parse every fixture. A real registration wins.
 */
export function registerForTests(): void {
  registerAllModels();
  registerCatalogue();
  const stub = (name: string, props: Record<string, PropDef>): void => {
    if (lookupModel(name) !== undefined) return;
    registerModel({
      name,
      kind: 'endpoint',
      props: { multifunction: { type: 'boolean' }, rombar: int, romfile: { type: 'string' }, ...props },
      create: () => new PciFunction({ vendor: 0x1b36, device: 0x0100, classCode: 0x0380 }),
    });
  };
  const qxlProps = { ram_size_mb: int, vram_size_mb: int, vram64_size_mb: int, vgamem_mb: int, revision: int };
  stub('qxl', qxlProps);
  stub('qxl-vga', qxlProps);
  stub('vfio-igd', {});
}

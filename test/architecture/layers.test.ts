import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The one direction of docs/architecture.md §1: device models and firmware never import the VMM, and firmware
 * reaches devices/ only through its register tables (the PCI and IGD register layouts, facts of the hardware).
 * Every import form counts: `import`, `import type`, `export … from` and dynamic `import()`.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What firmware/ may import from devices/: register layouts, no device model. */
const FIRMWARE_MAY_IMPORT = ['devices/pci/regs.ts', 'devices/igd/tables.ts'];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => posix.join(dir, f.split('\\').join('/')))
    .sort();
}

/** Every module a file imports, as repository paths (`vmm/core/format.ts`); packages are left out. */
function importsOf(file: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((m) => m.startsWith('.'))
    .map((m) => posix.normalize(posix.join(posix.dirname(file), m)).replace(/\.js$/, '.ts'));
}

/** The rule broken by `file` importing `target`, or undefined. */
function layerViolation(file: string, target: string): string | undefined {
  const layer = file.split('/')[0];
  const to = target.split('/')[0];
  if ((layer === 'devices' || layer === 'firmware') && to === 'vmm') return `${file} imports ${target}: ${layer}/ must not import vmm/`;
  if (layer === 'devices' && to === 'firmware') return `${file} imports ${target}: devices/ must not import firmware/`;
  if (layer === 'firmware' && to === 'devices' && !FIRMWARE_MAY_IMPORT.includes(target)) {
    return `${file} imports ${target}: firmware/ reaches devices/ only through ${FIRMWARE_MAY_IMPORT.join(', ')}`;
  }
  return undefined;
}

function violations(dir: string): string[] {
  const out: string[] = [];
  for (const file of sources(dir)) {
    for (const target of importsOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
      const v = layerViolation(file, target);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

describe('layer direction (docs/architecture.md §1)', () => {
  it('finds every import form, including type-only, re-exports and dynamic imports', () => {
    const text = [
      "import type { A } from '../../vmm/a.js';",
      "export { B } from '../b.js';",
      "const c = await import('./c.js');",
      "import { d } from 'yaml';",
    ].join('\n');
    expect(importsOf('devices/qxl/x.ts', text)).toEqual(['vmm/a.ts', 'devices/b.ts', 'devices/qxl/c.ts']);
  });

  it('names the rule an upward import breaks', () => {
    expect(layerViolation('devices/qxl/device.ts', 'vmm/passthrough/iommu/types.ts')).toBe(
      'devices/qxl/device.ts imports vmm/passthrough/iommu/types.ts: devices/ must not import vmm/',
    );
    expect(layerViolation('firmware/seabios/place.ts', 'vmm/core/format.ts')).toBe('firmware/seabios/place.ts imports vmm/core/format.ts: firmware/ must not import vmm/');
    expect(layerViolation('devices/igd/device.ts', 'firmware/io.ts')).toBe('devices/igd/device.ts imports firmware/io.ts: devices/ must not import firmware/');
    expect(layerViolation('firmware/igd/common.ts', 'devices/igd/device.ts')).toBe(
      'firmware/igd/common.ts imports devices/igd/device.ts: firmware/ reaches devices/ only through devices/pci/regs.ts, devices/igd/tables.ts',
    );
    expect(layerViolation('firmware/igd/common.ts', 'devices/igd/tables.ts')).toBeUndefined();
    expect(layerViolation('vmm/core/boot/pipeline.ts', 'devices/registry.ts')).toBeUndefined();
  });

  it('devices/ imports neither vmm/ nor firmware/', () => {
    expect(sources('devices').length).toBeGreaterThan(50);
    expect(violations('devices')).toEqual([]);
  });

  it('firmware/ imports no vmm/ and, of devices/, only the register tables', () => {
    expect(sources('firmware').length).toBeGreaterThan(20);
    expect(violations('firmware')).toEqual([]);
  });
});


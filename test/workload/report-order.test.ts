import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { formatConfigError, parseConfig } from '../../vmm/frontends/config/index.js';

const BASE = ['config', 'name', 'machine', 'panic', 'pci', 'e820', 'events', 'profile'];

function sectionsOf(config: string, workload: string): string[] {
  const r = parseConfig(`${readFileSync(`configs/${config}.yaml`, 'utf8')}\n${workload}`, `${config}.yaml`);
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return Object.keys(bootSpec(r.spec).report);
}

const MONITOR = `workload:
  - plug-monitor: { id: panel, igd: true, width: 64, height: 64 }
  - poll
`;

describe('the report keeps its sections in the contract order', () => {
  it('puts the IOMMU section the scan-out built before the workload sections, after display', () => {
    expect(sectionsOf('igd-skl-q35', MONITOR)).toEqual([...BASE, 'igd', 'traps', 'rom', 'display', 'iommu', 'dirty', 'workload']);
    expect(sectionsOf('igd-mtl-q35', MONITOR)).toEqual([...BASE, 'igd', 'traps', 'rom', 'iommu', 'dirty', 'workload']);
  });

  it('puts uefi after profile for an OVMF machine, and qxl before dirty and workload', () => {
    expect(sectionsOf('igd-bdw-q35', MONITOR)).toEqual([...BASE, 'uefi', 'igd', 'traps', 'rom', 'iommu', 'dirty', 'workload']);
    expect(sectionsOf('qxl-multihead', '')).toEqual([...BASE, 'traps', 'rom', 'qxl', 'dirty', 'workload']);
  });

  it('has no IOMMU section when no device DMA\'d', () => {
    expect(sectionsOf('q35-desktop', '')).toEqual([...BASE, 'traps', 'rom', 'qxl']);
  });
});

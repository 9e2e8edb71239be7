import { describe, expect, it } from 'vitest';
import { MODELS } from '../../devices/index.js';
import { PciFunction } from '../../devices/pci/function.js';
import { ModelRegistry, type ModelDef } from '../../devices/registry.js';

const def = (name: string, device: number): ModelDef => ({
  name,
  kind: 'endpoint',
  props: {},
  create: () => new PciFunction({ vendor: 0x1234, device, classCode: 0x0200 }),
});

describe('ModelRegistry', () => {
  it('answers by name and lists names sorted', () => {
    const r = new ModelRegistry([def('zeta', 1), def('alpha', 2)]);
    expect(r.names()).toEqual(['alpha', 'zeta']);
    expect(r.lookup('zeta')?.name).toBe('zeta');
    expect(r.lookup('beta')).toBeUndefined();
  });

  it('with() returns a new registry where an added model of the same name replaces the old one; the original is unchanged', () => {
    const base = new ModelRegistry([def('nic', 1)]);
    const more = base.with([def('nic', 2), def('test-regs', 3)]);
    expect(more.names()).toEqual(['nic', 'test-regs']);
    expect(more.lookup('nic')!.create({ model: 'nic', id: '', props: {} }, undefined as never).configRead(2, 2)).toBe(2);
    expect(base.names()).toEqual(['nic']);
    expect(base.lookup('nic')!.create({ model: 'nic', id: '', props: {} }, undefined as never).configRead(2, 2)).toBe(1);
  });

  it('MODELS holds the catalogue, QXL and the assigned IGD', () => {
    expect(MODELS.names()).toEqual(expect.arrayContaining(['e1000', 'pcie-root-port', 'qxl', 'qxl-vga', 'vfio-igd', 'vfio-pci']));
    expect(MODELS.names().length).toBe(new Set(MODELS.names()).size);
  });
});

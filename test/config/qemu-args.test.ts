import { readdirSync } from 'node:fs';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema, formatConfigError, loadConfigFile, parseConfig, qemuArgs } from '../../vmm/config/index.js';
import type { MachineSpec } from '../../vmm/config/spec.js';
import { fixtureText, registerForTests } from './helpers.js';

registerForTests();

const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default;

function spec(text: string): MachineSpec {
  const r = parseConfig(text, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.spec;
}

describe('qemu-args', () => {
  it('writes -m with a suffix QEMU reads as bytes, and the hotplug memory options', () => {
    expect(qemuArgs(spec('machine: { type: pc, memory: 1536M }')).slice(0, 5)).toEqual(['qemu-system-x86_64', '-machine', 'pc', '-m', '1536M']);
    expect(qemuArgs(spec('machine: { type: q35, memory: 1G, maxmem: 8G, slots: 2 }'))[4]).toBe('1G,slots=2,maxmem=8G');
    expect(qemuArgs(spec('machine: { type: q35, memory: 1073745920 }'))[4]).toBe('1048580K');
  });

  it('writes each device as driver,id,bus,addr then props in config order, booleans as on/off and sizes with suffixes', () => {
    const args = qemuArgs(
      spec(
        'machine: { type: q35 }\ndevices:\n' +
          '  - { model: pcie-root-port, id: rp1, addr: "1c.0", props: { slot: 3, chassis: 2, pref64-reserve: 67108864, hotplug: false, multifunction: yes } }\n' +
          '  - { model: virtio-net-pci, bus: rp1, props: { netdev: "a,b", disable-legacy: on } }\n',
      ),
    );
    expect(args.slice(9)).toEqual([
      '-device', 'pcie-root-port,id=rp1,addr=1c.0,slot=3,chassis=2,pref64-reserve=64M,hotplug=off,multifunction=on',
      '-device', 'virtio-net-pci,bus=rp1,netdev=a,,b,disable-legacy=on',
    ]);
  });

  it('boots the assigned IGD as vfio-pci on the host 00:02.0, at guest 02.0', () => {
    const args = qemuArgs(spec('machine: { type: q35 }\nhost: { igd: { generation: skl } }\ndevices:\n  - model: vfio-igd\n'));
    expect(args.slice(-2)).toEqual(['-device', 'vfio-pci,host=0000:00:02.0,addr=02.0']);
  });

  it('reproduces the fixtures exactly (case-5030: reserve sizes and rombar=0)', () => {
    const fx = JSON.parse(fixtureText('seabios/case-5030.json')) as { qemu_args: string[] };
    expect(qemuArgs(spec(fixtureText('seabios/case-5030.yaml')))).toEqual(fx.qemu_args);
  });

  it('parses every bundled config in configs/', () => {
    const dir = 'configs/';
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const r = loadConfigFile(dir + f);
      expect(r.ok ? [] : r.errors.map(formatConfigError), f).toEqual([]);
    }
  });
});

describe('configSchema', () => {
  const editor = configSchema();

  it('lists the models and, per model, its QEMU props for editors', () => {
    const device = (editor['properties'] as Record<string, { items: Record<string, unknown> }>)['devices']!.items;
    const model = (device['properties'] as Record<string, { enum?: string[] }>)['model']!;
    expect(model.enum).toContain('pcie-root-port');
    expect(JSON.stringify(device['allOf'])).toContain('"pref64-reserve"');
  });

  it('is a schema ajv compiles, which accepts all 58 fixtures and rejects an unknown prop', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(editor);
    for (const f of readdirSync('test/fixtures/seabios/').filter((n) => n.endsWith('.yaml'))) {
      expect(validate(parseYaml(fixtureText(`seabios/${f}`))), f).toBe(true);
    }
    expect(validate({ machine: { type: 'q35' }, devices: [{ model: 'e1000', props: { romba: 0 } }] })).toBe(false);
    expect(validate({ machine: { type: 'q35' }, devices: [{ model: 'e1000', props: { rombar: 0 } }] })).toBe(true);
  });

  it('leaves props and model names to the semantic checks when validating', () => {
    const v = configSchema({ validation: true });
    expect(JSON.stringify(v)).not.toContain('pref64-reserve');
    expect(JSON.stringify(v)).toContain('igd-strategy');
  });
});

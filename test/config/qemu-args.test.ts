import { readdirSync } from 'node:fs';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema, formatConfigError, loadConfigFile, parseConfig, qemuArgs, qemuCommandLine } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { fixtureText } from './helpers.js';

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
      '-netdev', 'user,id=a,,b',
      '-device', 'pcie-root-port,id=rp1,addr=1c.0,slot=3,chassis=2,pref64-reserve=64M,hotplug=off,multifunction=on',
      '-device', 'virtio-net-pci,bus=rp1,netdev=a,,b,disable-legacy=on',
    ]);
  });

  it('boots the assigned IGD as vfio-pci on the host 00:02.0, at guest 02.0', () => {
    const args = qemuArgs(spec('machine: { type: q35 }\nhost: { igd: { generation: skl } }\ndevices:\n  - model: vfio-igd\n'));
    // vfio-sim copies the OpRegion by default; QEMU (7.2 and 10.0) does not, so the line says so.
    expect(args.slice(-2)).toEqual(['-device', 'vfio-pci,host=0000:00:02.0,addr=02.0,x-igd-opregion=on']);
  });

  it("prints only the properties the config's QEMU has, and says what it left out", () => {
    const yaml = (qemu: string): string => `machine: { type: pc, qemu: "${qemu}" }\nhost: { igd: { generation: skl } }\ndevices:\n`
      + '  - { model: vfio-igd, props: { x-igd-behaviour: legacy, x-igd-lpc: on, x-igd-opregion: off } }\n';
    const old = qemuCommandLine(spec(yaml('7.2')));
    expect(old.args.slice(-2)).toEqual(['-device', 'vfio-pci,host=0000:00:02.0,addr=02.0,x-igd-opregion=off']);
    expect(old.dropped).toEqual([
      { device: 'vfio-igd', prop: 'x-igd-behaviour', reason: 'a vfio-sim setting, not a QEMU property' },
      { device: 'vfio-igd', prop: 'x-igd-lpc', reason: 'not in QEMU 7.2 (new in 10.0)' },
    ]);
    const modern = qemuCommandLine(spec(yaml('10.0')));
    expect(modern.args.slice(-2)).toEqual(['-device', 'vfio-pci,host=0000:00:02.0,addr=02.0,x-igd-lpc=on,x-igd-opregion=off']);
    expect(modern.dropped).toEqual([{ device: 'vfio-igd', prop: 'x-igd-behaviour', reason: 'a vfio-sim setting, not a QEMU property' }]);
  });

  it('writes -cpu from the profile as the Intel fixtures were recorded, and the versioned machine type', () => {
    const fx = JSON.parse(fixtureText('seabios-qemu10-intel/case-5002-pb39.json')) as { qemu_args: string[] };
    expect(qemuArgs(spec(fixtureText('seabios-qemu10-intel/case-5002-pb39.yaml')))).toEqual(fx.qemu_args);
    expect(qemuArgs(spec('machine: { type: pc-q35-9.0, qemu: "10.0", cpu: { model: host, phys-bits: 39 } }')).slice(1, 7)).toEqual(['-machine', 'pc-q35-9.0', '-m', '128M', '-cpu', 'host,phys-bits=39']);
    expect(qemuArgs(spec('machine: { type: q35, cpu: { vendor: amd, phys-bits: 40 } }'))).not.toContain('-cpu qemu64');
  });

  it('gives every NIC that names a netdev one user-mode backend, and none to a NIC without', () => {
    const args = qemuArgs(spec('machine: { type: q35 }\ndevices:\n  - { model: e1000, props: { netdev: n0 } }\n  - { model: virtio-net-pci, props: { netdev: n0 } }\n  - { model: rtl8139 }\n'));
    expect(args.slice(9)).toEqual(['-netdev', 'user,id=n0', '-device', 'e1000,netdev=n0', '-device', 'virtio-net-pci,netdev=n0', '-device', 'rtl8139']);
  });

  it('reproduces the fixtures exactly (case-5030: reserve sizes and rombar=0)', () => {
    const fx = JSON.parse(fixtureText('seabios/case-5030.json')) as { qemu_args: string[] };
    expect(qemuArgs(spec(fixtureText('seabios/case-5030.yaml')))).toEqual(fx.qemu_args);
  });

  it('reproduces the qemu_args of every recorded SeaBIOS fixture, QEMU 7.2 and 10.0 (AMD and Intel vCPUs, -smp, max-ram-below-4g, drives)', () => {
    let n = 0;
    for (const dir of ['seabios', 'seabios-qemu10', 'seabios-qemu10-intel', 'seabios-models']) {
      for (const f of readdirSync(`test/fixtures/${dir}/`).filter((x) => x.endsWith('.yaml'))) {
        const fx = JSON.parse(fixtureText(`${dir}/${f.replace(/yaml$/, 'json')}`)) as { qemu_args: string[] };
        expect(qemuArgs(spec(fixtureText(`${dir}/${f}`))), `${dir}/${f}`).toEqual(fx.qemu_args);
        n++;
      }
    }
    expect(n).toBe(58 + 58 + 40 + readdirSync('test/fixtures/seabios-models/').filter((x) => x.endsWith('.yaml')).length);
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

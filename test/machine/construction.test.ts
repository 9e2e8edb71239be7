import { describe, expect, it } from 'vitest';
import { PC_BUILTINS, Q35_BUILTINS } from '../../devices/chipset/index.js';
import { MODELS } from '../../devices/index.js';
import type { PciFunction } from '../../devices/pci/function.js';
import { defineModel } from '../../devices/catalogue/build.js';
import type { DeviceContext } from '../../devices/registry.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { decodeE820, encodeE820, putLe64 } from '../../vmm/core/machine/e820.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { PciFunction as Fn } from '../../devices/pci/function.js';
import { PAGE_SIZE } from '../../devices/memory/guest-memory.js';

/** Guest RAM's first two pages follow the functions' config space in the machine's one buffer. */
const RAM_PAIR = 2 * PAGE_SIZE;

/** A machine from YAML; with `models`, each `edu` of the config is built as the test's `x-probe` instead. */
function machine(yaml: string, models = MODELS): Machine {
  const r = parseConfig(yaml, 'm.yaml');
  if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
  const spec = models === MODELS ? r.spec : { ...r.spec, devices: r.spec.devices.map((d) => (d.model === 'edu' ? { ...d, model: 'x-probe' } : d)) };
  return new Machine(spec, undefined, {}, models);
}

function functions(m: Machine): PciFunction[] {
  const out: PciFunction[] = [];
  const walk = (slots: readonly (PciFunction | undefined)[]): void => {
    for (const f of slots) {
      if (f === undefined) continue;
      out.push(f);
      const sec = (f as { secondary?: { slots: readonly (PciFunction | undefined)[] } }).secondary;
      if (sec !== undefined) walk(sec.slots);
    }
  };
  walk(m.pci.root.slots);
  return out;
}

const Q35 = `machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: virtio-net-pci, id: n1, bus: rp1 }
  - { model: pci-bridge, id: br, props: { chassis_nr: 2 } }
  - { model: e1000, id: e, bus: br }
  - { model: qxl-vga, id: v }
`;

describe("building a machine: every function's config space in one arena chunk", () => {
  it('registers and write mask are adjacent views of one buffer, for built-in and catalogue functions', () => {
    for (const f of functions(machine(Q35))) {
      expect(f.wmask.buffer).toBe(f.cfg.buffer);
      expect(f.wmask.byteOffset).toBe(f.cfg.byteOffset + f.cfg.length);
      expect(f.wmask.length).toBe(256);
    }
  });

  it("a q35 machine's functions share one chunk of exactly their size: each model says whether it is PCIe where it sits", () => {
    const fns = functions(machine(Q35));
    expect(fns.length).toBe(4 + 5);
    expect(new Set(fns.map((f) => f.cfg.buffer)).size).toBe(1);
    // 4 built-ins, e1000 (behind the bridge), br and the QXL (conventional on the root bus) at 512 bytes; rp1 and
    // n1 (below the root port) PCIe (4096 + 256). Before ModelDef.pcie, br and the QXL were counted as PCIe.
    expect(fns[0]!.cfg.buffer.byteLength).toBe(7 * 512 + 2 * 4352 + RAM_PAIR);
  });

  it('200 root ports with an endpoint each take one chunk of exactly their size (1.7 MiB), not 128 KiB chunks', () => {
    let yaml = 'machine: { type: q35, qemu: "7.2" }\ndevices:\n';
    for (let i = 0; i < 200; i++) {
      const addr = `${(1 + (i >> 3)).toString(16).padStart(2, '0')}.${i & 7}`;
      yaml += `  - { model: pcie-root-port, id: rp${i}, addr: "${addr}", props: { chassis: ${i + 1}, slot: ${i + 1}${(i & 7) === 0 ? ', multifunction: on' : ''} } }\n`;
      yaml += `  - { model: virtio-net-pci, bus: rp${i} }\n`;
    }
    const fns = functions(machine(yaml));
    expect(fns.length).toBe(Q35_BUILTINS.length + 400);
    expect(new Set(fns.map((f) => f.cfg.buffer)).size).toBe(1);
    expect(fns[0]!.cfg.buffer.byteLength).toBe(Q35_BUILTINS.length * 512 + 400 * 4352 + RAM_PAIR);
    expect(fns.filter((f) => f.cfg.length === 4096).map((f) => f.model)).toEqual(fns.filter((f) => f.model === 'pcie-root-port' || f.model === 'virtio-net-pci').map((f) => f.model));
    expect(fns.filter((f) => f.cfg.length === 4096)).toHaveLength(400);
  });

  it('a pc machine takes 512 bytes per function in one chunk', () => {
    const fns = functions(machine(`machine: { type: pc, qemu: "7.2" }
devices:
  - { model: e1000, id: e }
  - { model: virtio-rng-pci, id: r }
`));
    expect(fns.length).toBe(PC_BUILTINS.length + 2);
    expect(new Set(fns.map((f) => f.cfg.buffer)).size).toBe(1);
    expect(fns[0]!.cfg.buffer.byteLength).toBe((PC_BUILTINS.length + 2) * 512 + RAM_PAIR);
  });

  it('built-in functions from the arena hold the same registers and masks as ones that allocate their own', () => {
    for (const [type, list] of [['q35', Q35_BUILTINS], ['pc', PC_BUILTINS]] as const) {
      const m = machine(`machine: { type: ${type}, qemu: "7.2" }\n`);
      for (const b of list) {
        const fn = m.pci.root.slots[b.devfn]!;
        const own = b.make();
        expect(own.cfg.buffer).not.toBe(fn.cfg.buffer);
        expect(Array.from(fn.cfg)).toEqual(Array.from(own.cfg));
        expect(Array.from(fn.wmask)).toEqual(Array.from(own.wmask));
      }
    }
  });

  it('a function made without an arena has its own buffer of registers then mask', () => {
    const f = new Fn({ vendor: 0x1234, device: 0x11e8, classCode: 0x00ff, pcie: true });
    expect(f.cfg.buffer.byteLength).toBe(4096 + 256);
    expect(f.cfg.byteOffset).toBe(0);
    expect(f.wmask.byteOffset).toBe(4096);
  });
});

describe('what a device model learns where it is plugged', () => {
  const seen: DeviceContext[] = [];
  const probe = defineModel('x-probe', {}, {
    create: (_spec, ctx) => {
      seen.push(ctx);
      return new Fn({ vendor: 0x1234, device: 0x5678, classCode: 0x00ff }, 0, ctx.configSpace);
    },
  });
  const models = MODELS.with([probe]);

  it('machine type, version, vCPUs, bus kind and the arena; hostIgd only when the config has one', () => {
    seen.length = 0;
    machine(`machine: { type: q35, qemu: "7.2", smp: 3 }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: edu, id: a }
  - { model: edu, id: b, bus: rp1 }
`, models);
    expect(seen.map((c) => [c.machineType, c.machineVersion, c.cpus, c.rootBus, c.pcieBus, 'hostIgd' in c, c.configSpace !== undefined])).toEqual([
      ['q35', '7.2', 3, true, false, false, true],
      ['q35', '7.2', 3, false, true, false, true],
    ]);
  });

  it('dma() binds the requester id of the bus number the bus has when it is asked', () => {
    seen.length = 0;
    const m = machine(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: edu, id: b, bus: rp1 }
`, models);
    const rp = m.byId.get('rp1')!;
    const probe = m.byId.get('b')!;
    expect(seen[0]!.dma().sourceId).toBe(0x0000 | probe.devfn); // bus numbers not assigned yet
    rp.configWrite(0x19, 1, 5); // secondary bus number, as firmware numbers it
    rp.configWrite(0x1a, 1, 5);
    expect(seen[0]!.dma().sourceId).toBe(0x0500 | probe.devfn);
  });
});

describe('fw_cfg contents a machine builds', () => {
  it('u64 fields are written as QEMU writes them (little-endian), up to 2^53', () => {
    const values = [0, 1, 0xffff_ffff, 0x1_0000_0000, 0x100_0000_0000 + 5, 2 ** 53 - 1];
    for (const v of values) {
      const b = new Uint8Array(8);
      putLe64(b, 0, v);
      const ref = new Uint8Array(8);
      new DataView(ref.buffer).setBigUint64(0, BigInt(v), true);
      expect(Array.from(b)).toEqual(Array.from(ref));
    }
    const entries = [{ start: 0xfd_0000_0000, size: 0x3_0000_0000, type: 2 }, { start: 0, size: 0x8000_0000, type: 1 }];
    expect(decodeE820(encodeE820(entries))).toEqual(entries);
  });

  it('etc/table-loader is 128 zero bytes on every machine', () => {
    const a = machine('machine: { type: q35, qemu: "7.2" }\n').fwcfg.file('etc/table-loader')!;
    const b = machine('machine: { type: pc, qemu: "7.2" }\n').fwcfg.file('etc/table-loader')!;
    expect(a.length).toBe(128);
    expect(a.every((x) => x === 0)).toBe(true);
    expect(b).toBe(a);
  });
});

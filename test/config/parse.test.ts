import { describe, expect, it } from 'vitest';
import { formatConfigError, parseConfig, parseSize, formatSize, type ConfigResult } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';

function ok(text: string): MachineSpec {
  const r = parseConfig(text, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.spec;
}

function errors(text: string): string[] {
  const r: ConfigResult = parseConfig(text, 't.yaml');
  return r.ok ? [] : r.errors.map(formatConfigError);
}

describe('config → MachineSpec', () => {
  it('reads sizes as bytes, with K/M/G/T suffixes, and defaults memory to 128M', () => {
    expect(parseSize('4G')).toBe(4 * 2 ** 30);
    expect(parseSize('512M')).toBe(512 * 2 ** 20);
    expect(parseSize('1024K')).toBe(2 ** 20);
    expect(parseSize('1T')).toBe(2 ** 40);
    expect(parseSize('1.5G')).toBe(1536 * 2 ** 20);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('0x1000')).toBe(4096);
    expect(parseSize('4X')).toBeUndefined();
    expect(parseSize('2GB')).toBeUndefined();
    expect(formatSize(3 * 2 ** 30)).toBe('3G');
    expect(formatSize(1536 * 2 ** 20)).toBe('1536M');
    expect(ok('machine: { type: q35, memory: 3221225472 }').machine.memory).toBe(3 * 2 ** 30);
    expect(ok('machine: { type: pc, memory: "0x40000000" }').machine.memory).toBe(2 ** 30);
    expect(ok('machine: { type: pc }').machine).toEqual({ type: 'pc', memory: 128 * 2 ** 20 });
    expect(ok('machine: { type: q35, memory: 1G, maxmem: 8G, slots: 2 }').machine).toEqual({ type: 'q35', memory: 2 ** 30, maxmem: 8 * 2 ** 30, slots: 2 });
  });

  it('keeps an unquoted addr as written: 02.0 is slot 2, 10 is slot 0x10', () => {
    const spec = ok('machine: { type: q35 }\ndevices:\n  - { model: e1000, addr: 02.0 }\n  - { model: edu, addr: 10 }\n  - { model: rtl8139, addr: "1c.0" }\n');
    expect(spec.devices.map((d) => d.devfn)).toEqual([0x10, 0x80, 0xe0]);
  });

  it("reads addr in every form QEMU's set_pci_devfn accepts: 0x3, 3, 03.0, 0x4.0x1, 1f.7", () => {
    const spec = ok('machine: { type: q35 }\ndevices:\n  - { model: e1000, addr: "0x3" }\n  - { model: edu, addr: 5 }\n  - { model: rtl8139, addr: 06.0 }\n'
      + '  - { model: edu, addr: "0x4.0x1" }\n  - { model: e1000, addr: "0x4", props: { multifunction: on } }\n  - { model: edu, addr: "0X0A.7" }\n  - { model: edu, addr: "0xa", props: { multifunction: on } }\n');
    expect(spec.devices.map((d) => d.devfn)).toEqual([0x18, 0x28, 0x30, 0x21, 0x20, 0x57, 0x50]);
  });

  it('refuses addr forms QEMU refuses: a slot above 0x1f, a function above 7, trailing text', () => {
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: edu, addr: "0x20" }\n')).toEqual(["t.yaml:3:25: addr '0x20': slot 0x20 is out of range (00..1f)"]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: edu, addr: "3.0x8" }\n')).toEqual(["t.yaml:3:25: addr '3.0x8': function 8 is out of range (0..7)"]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: edu, addr: "3.0 " }\n')).toHaveLength(1);
  });

  it("refuses what QEMU refuses at realize, with QEMU's message", () => {
    expect(errors('machine: { type: q35, qemu: "7.2" }\ndevices:\n  - { model: qemu-xhci, props: { msi: off } }\n')).toEqual([
      "t.yaml:3:34: QEMU 7.2: Property 'qemu-xhci.msi' not found (new in QEMU 10.0)",
    ]);
    expect(errors('machine: { type: q35, qemu: "10.0" }\ndevices:\n  - { model: qemu-xhci, props: { msi: off, msix: off } }\n')).toEqual([]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: virtio-balloon-pci }\n  - { model: virtio-balloon-pci }\n')).toEqual([
      't.yaml:4:14: QEMU: Only one balloon device is supported (the first is devices[0], line 3)',
    ]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: e1000, props: { rombar: 0 } }\n  - { model: e1000, props: { rombar: 0 } }\n')).toEqual([
      't.yaml:4:38: QEMU: duplicate fw_cfg file name: genroms/efi-e1000.rom (devices[0], line 3 also loads it with rombar=0)',
    ]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: e1000, props: { rombar: 0 } }\n  - { model: e1000, props: { rombar: 0, romfile: "" } }\n')).toEqual([]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: VGA }\n  - { model: qxl-vga }\n')).toEqual([
      't.yaml:4:14: QEMU: primary qxl-vga device must be console 0 (first display device on the command line): list qxl-vga before the other display devices',
    ]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: qxl-vga }\n  - { model: VGA }\n')).toEqual([]);
  });

  it('accepts what QEMU 7.2 and 10.0 accept: slot 0 behind an SHPC bridge, a root port behind a root port or a pci-bridge', () => {
    const spec = ok('machine: { type: q35 }\ndevices:\n  - { model: pci-bridge, id: br, addr: "5", props: { chassis_nr: 1 } }\n  - { model: e1000, bus: br }\n'
      + '  - { model: pcie-root-port, id: rp, addr: "6", props: { chassis: 2 } }\n  - { model: pcie-root-port, id: rp2, bus: rp, props: { chassis: 3 } }\n  - { model: pcie-root-port, bus: br, addr: "1", props: { chassis: 4 } }\n');
    expect(spec.devices.map((d) => d.devfn)).toEqual([0x28, undefined, 0x30, undefined, 0x08]);
  });

  it('leaves devfn to the machine when no addr is given, but checks the slot QEMU would pick', () => {
    const spec = ok('machine: { type: pc }\ndevices:\n  - { model: VGA }\n  - { model: e1000, addr: "03.0" }\n');
    expect(spec.devices[0]!.devfn).toBeUndefined();
    // VGA takes 02.0 (00.0 and 01.x are the chipset's), so a later explicit 02.0 collides.
    expect(errors('machine: { type: pc }\ndevices:\n  - { model: VGA }\n  - { model: e1000, addr: "02.0" }\n')).toEqual([
      't.yaml:4:27: addr 02.0 on the root bus is already used by VGA (devices[0], line 3)',
    ]);
  });

  it('normalizes props by type: sizes to bytes, on/off to booleans, hex strings to integers', () => {
    const spec = ok(
      'machine: { type: q35 }\ndevices:\n  - model: pcie-root-port\n    id: rp1\n    props: { chassis: "0x2", slot: 2, mem-reserve: 8M, hotplug: off, multifunction: on }\n',
    );
    expect(spec.devices[0]).toEqual({
      model: 'pcie-root-port', id: 'rp1', props: { chassis: 2, slot: 2, 'mem-reserve': 8 * 2 ** 20, hotplug: false, multifunction: true },
    });
  });

  it('accepts a device below a bridge declared earlier, and any function with multifunction on function 0', () => {
    const spec = ok(
      'machine: { type: q35 }\ndevices:\n  - { model: pci-bridge, id: br1, props: { chassis_nr: 1 } }\n' +
        '  - { model: e1000, bus: br1, addr: "05.0", props: { multifunction: on } }\n  - { model: edu, bus: br1, addr: "05.3" }\n',
    );
    expect(spec.devices.map((d) => [d.bus, d.devfn])).toEqual([[undefined, undefined], ['br1', 0x28], ['br1', 0x2b]]);
  });

  it('refuses two root ports with the same (default) chassis/slot', () => {
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: pcie-root-port }\n  - { model: pcie-root-port }\n')).toEqual([
      't.yaml:4:14: pcie-root-port chassis 0 slot 0 is already used by devices[0] (line 3); each root port needs its own chassis/slot pair',
    ]);
  });

  it('reports a bus with no free slot', () => {
    const many = Array.from({ length: 30 }, () => '  - { model: edu }').join('\n');
    expect(errors(`machine: { type: q35 }\ndevices:\n${many}\n  - { model: edu }\n`)).toEqual([
      't.yaml:33:14: no free slot on the root bus for edu (all 32 device numbers are in use)',
    ]);
  });

  it('describes the host IGD with generation names, hex strings and source-exact OpRegion versions', () => {
    const spec = ok(
      'machine: { type: q35 }\nhost:\n  igd:\n    generation: skl\n    device-id: "0x1912"\n    gmch: 0x0240\n    bdsm: 0x8b800000\n    opregion: { version: 2.0 }\n' +
        'devices:\n  - model: vfio-igd\nfirmware: { igd-strategy: e820-reserved, vbios: reads-bdsm }\n',
    );
    expect(spec.host?.igd).toEqual({
      generation: 9, generationName: 'skl', deviceId: 0x1912, gms: 0x02, gmch: 0x0240, ggms: 1, bdsm: 0x8b800000, opregion: { version: '2.0' },
    });
    expect(spec.devices[0]!.devfn).toBe(0x10);
    expect(spec.firmware).toEqual({ igdStrategy: 'e820-reserved', vbios: 'reads-bdsm' });
    const tgl = ok('machine: { type: q35 }\nhost:\n  igd: { generation: 12, gms: 0xfe, stolen-reserved: { base: 0x50200000, size: 2M } }\n');
    expect(tgl.host?.igd).toEqual({ generation: 12, gms: 0xfe, stolenReserved: { base: 0x50200000, size: 2 * 2 ** 20 } });
  });

  it('rejects gms and gmch that disagree, and a 64-bit BDSM before gen 11', () => {
    expect(errors('machine: { type: q35 }\nhost:\n  igd: { generation: bdw, gms: 2, gmch: 0x0300 }\n')).toEqual([
      't.yaml:3:32: host.igd.gms 0x2 disagrees with gmch 0x300 (its GMS field is 0x3 on gen 8)',
    ]);
    expect(errors('machine: { type: q35 }\nhost:\n  igd: { generation: kbl, bdsm: 0x100000000 }\n')).toEqual([
      't.yaml:3:33: host.igd.bdsm: 0x100000000 is out of range (max 0xffffffff)',
    ]);
  });

  it('normalizes trap rules, hex numbers included', () => {
    const spec = ok(
      'machine: { type: q35 }\ndevices: [{ model: VGA, addr: "02.0" }]\ntraps:\n  - { bdf: "00:02.0", bar: 0, offset: [0x100000, "0x200000"], width: 4, action: rewrite-range, from: [0, 0x1000], to: 0x8000 }\n',
    );
    expect(spec.traps).toEqual([{ bdf: '00:02.0', action: 'rewrite-range', bar: 0, offset: [0x100000, 0x200000], width: 4, from: [0, 0x1000], to: 0x8000 }]);
  });

  it("treats QEMU's root bus names as the root bus, and an empty devices: as no devices", () => {
    const spec = ok('machine: { type: q35 }\ndevices:\n  - { model: e1000, bus: pcie.0, addr: "03.0" }\n');
    expect(spec.devices[0]).toEqual({ model: 'e1000', id: '', devfn: 0x18, props: {} });
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: e1000, bus: pci.0 }\n')).toEqual([
      "t.yaml:3:26: the q35 root bus is called 'pcie.0', not 'pci.0'",
    ]);
    expect(ok('machine: { type: pc }\ndevices:\ntraps:\n').devices).toEqual([]);
  });

  it('refuses memory slots with no room to fill them', () => {
    expect(errors('machine: { type: q35, memory: 1G, maxmem: 1G, slots: 2 }')).toEqual([
      't.yaml:1:43: machine.maxmem equals machine.memory, so the memory slots could hold nothing (QEMU refuses this)',
    ]);
    expect(errors('machine: { type: q35, memory: 2G, maxmem: 1G, slots: 2 }')).toEqual(['t.yaml:1:43: machine.maxmem (1G) is below machine.memory (2G)']);
    expect(errors('machine: { type: q35, slots: 2 }')).toEqual(['t.yaml:1:23: machine.slots needs machine.maxmem (QEMU: -m slots= without maxmem=)']);
  });

  it('keeps name, the validated workload and an empty firmware section', () => {
    const spec = ok('name: vm\nmachine: { type: pc }\nworkload: { steps: [poll, poll] }\n');
    const workload = { steps: [{ kind: 'poll', path: ['steps', 0] }, { kind: 'poll', path: ['steps', 1] }], executedSteps: 2 };
    expect(spec).toEqual({ name: 'vm', machine: { type: 'pc', memory: 128 * 2 ** 20 }, devices: [], firmware: {}, traps: [], workload });
  });
});

import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { formatConfigError, parseConfig, qemuArgs } from '../../vmm/frontends/config/index.js';

/** A dGPU (GeForce-like: 16M regs, 256M 64-bit prefetchable VRAM, 32M 64-bit prefetchable, IO, 512K ROM) and its audio function. */
const DGPU = `machine: { type: q35, memory: 8G, qemu: "10.0", cpu: { vendor: intel, phys-bits: 39 } }
devices:
  - { model: pcie-root-port, id: rp1, addr: "1c.0", props: { chassis: 1 } }
  - model: vfio-pci
    bus: rp1
    addr: "00.0"
    props: { host: "0000:01:00.0", multifunction: on }
    hardware:
      vendor: 0x10de
      device: 0x2484
      class: 0x0300
      bars:
        - { bar: 0, size: 16M }
        - { bar: 1, size: 256M, 64bit: true, prefetch: true }
        - { bar: 3, size: 32M, 64bit: true, prefetch: true }
        - { bar: 5, size: 128, type: io }
      rom: 512K
  - model: vfio-pci
    bus: rp1
    addr: "00.1"
    props: { host: "0000:01:00.1" }
    hardware: { vendor: 0x10de, device: 0x228b, class: 0x0403, bars: [{ bar: 0, size: 16K }] }
`;

function errors(yaml: string): string[] {
  const r = parseConfig(yaml, 't.yaml');
  return r.ok ? [] : r.errors.map(formatConfigError);
}

describe('generic vfio-pci: the host function as the config declares it', () => {
  it('builds the declared IDs, class, BARs and ROM BAR, and SeaBIOS 1.16.3 places the 64-bit BARs at the top of 39 bits', () => {
    const r = parseConfig(DGPU, 'dgpu.yaml');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    const rep = bootSpec(r.spec).report;
    const gpu = rep.pci.devices.find((d) => d.bdf === '01:00.0')!;
    expect([gpu.vendor, gpu.device, gpu.class]).toEqual(['0x10de', '0x2484', '0x0300']);
    expect(gpu.bars.map((b) => [b.bar, b.size, b.type, b.is64])).toEqual([
      [0, '0x1000000', 'mem', false], [1, '0x10000000', 'prefmem', true], [3, '0x2000000', 'prefmem', true], [5, '0x80', 'io', false], [6, '0x80000', 'mem', false],
    ]);
    // RAM above 4 GiB + trusted 39 bits: the window is 0x7000000000.., the root port's prefetchable window holds both 64-bit BARs.
    expect(rep.pci.windows.mem64?.[0]).toBe('0x7000000000');
    expect(gpu.bars[1]!.address).toBe('0x7000000000');
    expect(gpu.bars[2]!.address).toBe('0x7010000000');
    const audio = rep.pci.devices.find((d) => d.bdf === '01:00.1')!;
    expect([audio.class, audio.bars[0]!.size, audio.bars[0]!.type]).toEqual(['0x0403', '0x4000', 'mem']);
    expect(qemuArgs(r.spec).slice(-4)).toEqual(['-device', 'vfio-pci,bus=rp1,addr=00.0,host=0000:01:00.0,multifunction=on', '-device', 'vfio-pci,bus=rp1,addr=00.1,host=0000:01:00.1']);
  });

  it('drops the ROM BAR with rombar=0', () => {
    const r = parseConfig(DGPU.replace('multifunction: on }', 'multifunction: on, rombar: 0 }'), 'dgpu.yaml');
    if (!r.ok) throw new Error('bad');
    expect(bootSpec(r.spec).report.pci.devices.find((d) => d.bdf === '01:00.0')!.bars.map((b) => b.bar)).toEqual([0, 1, 3, 5]);
  });

  it('needs hardware:, only on vfio-pci, with power-of-two BARs that do not overlap', () => {
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: vfio-pci, props: { host: "0000:01:00.0" } }\n')).toEqual([
      't.yaml:3:14: vfio-pci: declare the host device under hardware: (vendor, device, class, bars, rom): vfio-sim has no host to read it from',
    ]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: e1000, hardware: { vendor: 1, device: 2, class: 3 } }\n')).toEqual([
      't.yaml:3:31: hardware: describes a host device for vfio-pci, not e1000',
    ]);
    expect(errors('machine: { type: q35 }\ndevices:\n  - { model: vfio-pci, hardware: { vendor: 1, device: 2, class: 3, bars: [{ bar: 0, size: 3K }, { bar: 2, size: 1M, 64bit: true }, { bar: 3, size: 4K }] } }\n')).toEqual([
      't.yaml:3:91: hardware.bars[0]: a BAR size is a power of two',
      't.yaml:3:139: hardware.bars[2]: BAR 3 overlaps another BAR',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { qemuArgs } from '../../vmm/frontends/config/index.js';
import { importQemuArgv, importText } from '../../vmm/frontends/import/index.js';
import { fixture, loadImported, topo } from './helpers.js';

const upt = (): ReturnType<typeof importText> => importText(fixture('igd-q35-upt.sh'), { qemu: '10.0' });

describe('QEMU command line import', () => {
  it('reads -machine, -m with slots/maxmem, -cpu phys-bits and -bios', () => {
    const c = upt();
    expect(c.machine).toEqual({
      type: 'q35', qemu: '10.0', memory: 8 * 2 ** 30, maxmem: 16 * 2 ** 30, slots: 2,
      cpu: { model: 'Skylake-Client', vendor: 'intel', physBits: 39 },
    });
    expect(c.firmware).toEqual({ type: 'seabios' });
  });

  it('turns vfio-pci of the host 00:02.0 into vfio-igd with -set and -global applied', () => {
    const c = upt();
    expect(c.devices.map(topo)).toEqual([
      { model: 'pcie-root-port', id: 'rp1', devfn: 0xe0, props: { chassis: 1, port: 16, multifunction: true } },
      { model: 'pcie-root-port', id: 'rp2', devfn: 0xe1, props: { chassis: 2, port: 17 } },
      { model: 'vfio-igd', id: 'igd', devfn: 0x10, props: { 'x-igd-opregion': true, romfile: '/var/lib/vbios/cfl.rom', 'x-igd-gms': 1 } },
      { model: 'virtio-net-pci', id: 'nic0', bus: 'rp1', props: { mac: '52:54:00:12:34:56', rombar: 0 } },
      { model: 'qemu-xhci', id: 'xhci', bus: 'rp2', props: {} },
      { model: 'virtio-balloon-pci', id: 'balloon0', devfn: 0x28, props: {} },
    ]);
    expect(c.hasIgd).toBe(true);
  });

  it('lists what it does not model instead of dropping it', () => {
    const c = importText(fixture('igd-legacy-pc.sh'), { qemu: '10.0' });
    expect(c.notModelled).toEqual([
      '-machine accel=kvm (machine option, not modelled)',
      '-smp 4: vCPU count (not modelled)',
      '-netdev user,id=n0: network backend (ignored)',
      '-global PIIX4_PM.disable_s3=1 (no device of that driver here, or not a PCI device: ignored)',
      "-device usb-tablet,bus=ehci.0: device model 'usb-tablet' is not modelled",
    ]);
    expect(c.firmware).toEqual({ type: 'ovmf' });
    expect(c.machine.cpu).toEqual({ model: 'host', vendor: 'intel', physBits: 39 });
  });

  it('adds the default VGA and NIC QEMU creates without -nodefaults, before the -device list', () => {
    const c = importQemuArgv(['qemu-system-x86_64', '-M', 'q35', '-device', 'virtio-rng-pci'], { qemu: '7.2' });
    expect(c.devices.map((d) => d.model)).toEqual(['VGA', 'e1000e', 'virtio-rng-pci']);
    const pc = importQemuArgv(['qemu-system-x86_64', '-vga', 'qxl', '-netdev', 'user,id=n'], { qemu: '7.2' });
    expect(pc.devices.map((d) => d.model)).toEqual(['qxl-vga']);
    expect(pc.machine.type).toBe('pc');
  });

  it('keeps a device whose property it cannot model, and names the property', () => {
    const c = importQemuArgv(['q', '-nodefaults', '-device', 'e1000,id=n1,x-unknown=5,addr=4'], { qemu: '7.2' });
    expect(c.devices.map(topo)).toEqual([{ model: 'e1000', id: 'n1', devfn: 0x20, props: {} }]);
    expect(c.notModelled).toEqual(['-device e1000,id=n1,x-unknown=5,addr=4: x-unknown=5 is not a modelled property']);
  });

  it('leaves out a device behind a bridge it does not model, saying so', () => {
    // pxb-pcie (a PCIe expander bus) is not modelled; ioh3420 is (a root port since the recorder-verified models)
    const c = importQemuArgv(['q', '-M', 'q35', '-nodefaults', '-device', 'pxb-pcie,id=p1,bus_nr=16', '-device', 'e1000,bus=p1'], { qemu: '7.2' });
    expect(c.devices).toEqual([]);
    expect(c.notModelled).toEqual([
      "-device pxb-pcie,id=p1,bus_nr=16: device model 'pxb-pcie' is not modelled",
      "-device e1000,bus=p1: its bus 'p1' is not a modelled bridge, so the device is left out",
    ]);
  });

  it('moves an IGD placed elsewhere to 00:02.0 and says where it was', () => {
    const c = importQemuArgv(['q', '-nodefaults', '-device', 'vfio-pci,host=0000:00:02.0,id=hostpci0,bus=pci.0,addr=0x10'], { qemu: '10.0' });
    expect(c.devices.map(topo)).toEqual([{ model: 'vfio-igd', id: 'hostpci0', devfn: 0x10, props: {} }]);
    expect(c.remarks).toContain("the IGD sits at pci.0 addr 10.0 in this VM; vfio-sim models it only at 00:02.0, where QEMU's IGD quirks and guest drivers expect it (moved)");
  });

  it('places an IGD without addr= at 00:02.0 and says QEMU would not', () => {
    const c = importQemuArgv(['q', '-M', 'q35', '-nodefaults', '-device', 'vfio-pci,host=00:02.0'], { qemu: '10.0' });
    expect(c.devices.map(topo)).toEqual([{ model: 'vfio-igd', devfn: 0x10, props: {} }]);
    expect(c.remarks[0]).toMatch(/^the IGD has no addr=: QEMU would give it the bus's first free slot, not 02.0/);
  });

  it('round trip: qemu-args of the imported config is the original topology', () => {
    const c = upt();
    const args = qemuArgs(loadImported(c));
    expect(args.filter((_, i) => args[i - 1] === '-device')).toEqual([
      'pcie-root-port,id=rp1,addr=1c.0,chassis=1,port=16,multifunction=on',
      'pcie-root-port,id=rp2,addr=1c.1,chassis=2,port=17',
      'vfio-pci,host=0000:00:02.0,id=igd,addr=02.0,x-igd-opregion=on,romfile=/var/lib/vbios/cfl.rom,x-igd-gms=1',
      'virtio-net-pci,id=nic0,bus=rp1,mac=52:54:00:12:34:56,rombar=0',
      'qemu-xhci,id=xhci,bus=rp2',
      'virtio-balloon-pci,id=balloon0,addr=05.0',
    ]);
    const again = importQemuArgv(args, { qemu: '10.0' });
    expect(again.devices.map(topo)).toEqual(c.devices.map(topo));
    expect(again.machine.memory).toBe(c.machine.memory);
    expect(again.machine.maxmem).toBe(c.machine.maxmem);
  });

  it('round trip keeps QEMU’s default devices as explicit ones', () => {
    const c = importQemuArgv(['qemu-system-x86_64', '-m', '2048', '-device', 'pci-bridge,id=b1,chassis_nr=1', '-device', 'rtl8139,bus=b1,addr=3'], { qemu: '7.2' });
    expect(c.machine.memory).toBe(2048 * 2 ** 20);
    const again = importQemuArgv(qemuArgs(loadImported(c)), { qemu: '7.2' });
    expect(again.devices.map(topo)).toEqual(c.devices.map(topo));
    expect(again.devices.map((d) => d.model)).toEqual(['VGA', 'e1000', 'pci-bridge', 'rtl8139']);
  });

  it('refuses a machine it does not model with a usage-style message', () => {
    expect(() => importQemuArgv(['q', '-M', 'microvm'], { qemu: '10.0' })).toThrow('-machine microvm: vfio-sim models q35 and pc (i440fx) machines only');
  });
});

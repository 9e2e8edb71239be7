import { describe, expect, it } from 'vitest';
import { qemuArgs } from '../../vmm/frontends/config/index.js';
import { ImportError, importProxmox, importQemuArgv, proxmoxArgv } from '../../vmm/frontends/import/index.js';
import { fixture, loadImported, topo } from './helpers.js';

const devicesOf = (argv: string[]): string[] => argv.filter((_, i) => argv[i - 1] === '-device');

describe('Proxmox VM config import', () => {
  it('builds the -device list qm showcmd prints: bridges pci.1/pci.2 (pci.2 under pci.1 for legacy-igd), usb, hostpci, agent, disks, net', () => {
    const { argv } = proxmoxArgv(fixture('pve-legacy-igd.conf'));
    expect(devicesOf(argv)).toEqual([
      'pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e',
      'pci-bridge,id=pci.2,chassis_nr=2,bus=pci.1,addr=0x1e',
      'piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2',
      'vfio-pci,host=0000:00:02.0,id=hostpci0,bus=pci.0,addr=0x2,romfile=/usr/share/kvm/igd.rom',
      'virtio-serial,id=qga0,bus=pci.0,addr=0x8',
      'ahci,id=ahci0,multifunction=on,bus=pci.0,addr=0x7',
      'virtio-net-pci,mac=BC:24:11:5E:7A:01,netdev=net0,bus=pci.0,addr=0x12,id=net0',
    ]);
    expect(argv.slice(0, 8)).toEqual(['kvm', '-nodefaults', '-machine', 'type=pc-i440fx-9.0+pve0', '-m', '8192', '-cpu', 'host']);
    expect(argv.slice(-6)).toEqual([
      '-set', 'device.hostpci0.addr=02.0', '-set', 'device.hostpci0.x-igd-gms=0x2', '-set', 'device.hostpci0.x-igd-opregion=on',
    ]);
  });

  it('imports the legacy-igd VM with the args: -set properties on the IGD; snapshots are not the running config', () => {
    const c = importProxmox(fixture('pve-legacy-igd.conf'), { qemu: '10.0' });
    expect(c.machine).toEqual({ type: 'pc-i440fx-9.0', qemu: '10.0', memory: 8192 * 2 ** 20, cpu: { model: 'host', vendor: 'intel' } });
    expect(c.devices.map(topo)).toEqual([
      { model: 'pci-bridge', id: 'pci.1', devfn: 0xf0, props: { chassis_nr: 1 } },
      { model: 'pci-bridge', id: 'pci.2', bus: 'pci.1', devfn: 0xf0, props: { chassis_nr: 2 } },
      { model: 'vfio-igd', id: 'hostpci0', devfn: 0x10, props: { romfile: '/usr/share/kvm/igd.rom', 'x-igd-gms': 2, 'x-igd-opregion': true } },
      { model: 'virtio-serial-pci', id: 'qga0', devfn: 0x40, props: {} },
      { model: 'virtio-net-pci', id: 'net0', devfn: 0x90, props: { mac: 'BC:24:11:5E:7A:01', netdev: 'net0' } },
    ]);
    expect(c.notModelled).toEqual([
      'sata0: local-lvm:vm-101-disk-0,size=64G (a disk: only its controller is part of the topology)',
      '-netdev type=tap,id=net0: network backend (ignored)',
      "-device piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2: device model 'piix3-usb-uhci' is not modelled",
      "-device ahci,id=ahci0,multifunction=on,bus=pci.0,addr=0x7: device model 'ahci' is not modelled",
    ]);
    expect(loadImported(c).devices).toHaveLength(5);
  });

  it('q35: the pve-q35-4.0.cfg chipset devices, root port per pcie=1 hostpci, OVMF from bios: ovmf', () => {
    const c = importProxmox(fixture('pve-q35-ovmf.conf'), { qemu: '10.0' });
    expect(c.firmware).toEqual({ type: 'ovmf' });
    expect(c.machine.cpu).toEqual({ model: 'host', vendor: 'intel', physBits: 39 });
    expect(c.devices.map((d) => `${d.model}${d.id !== undefined ? `#${d.id}` : ''}${d.bus !== undefined ? `@${d.bus}` : ''}`)).toEqual([
      'ich9-intel-hda#audio0', 'pcie-root-port#ich9-pcie-port-1', 'pcie-root-port#ich9-pcie-port-2', 'pcie-root-port#ich9-pcie-port-3',
      'pcie-root-port#ich9-pcie-port-4', 'pcie-pci-bridge#pcidmi', 'pci-bridge#pci.0-bridge@pcidmi', 'pci-bridge#pci.1@pcidmi',
      'pci-bridge#pci.2@pcidmi', 'pci-bridge#pci.3@pcidmi', 'vfio-igd#hostpci0', 'virtio-balloon-pci#balloon0@pci.0-bridge',
      'virtio-scsi-pci#scsihw0@pci.0-bridge', 'e1000#net0@pci.0-bridge',
    ]);
    expect(c.remarks).toContain("the IGD sits at ich9-pcie-port-1 addr 00.0 in this VM; vfio-sim models it only at 00:02.0, where QEMU's IGD quirks and guest drivers expect it (moved)");
    expect(c.remarks).toContain('efidisk0: the OVMF variable store (pflash unit 1); vfio-sim starts from empty variables');
    expect(c.remarks).toContain("the bridge with id 'pci.0' is 'pci.0-bridge' here: in a vfio-sim config 'pci.0' always names the root bus");
    expect(loadImported(c).machine.type).toBe('q35');
  });

  it('hostpci4+ with pcie=1 gets the root port Proxmox adds on demand', () => {
    const { argv } = proxmoxArgv('machine: q35\nvga: std\nhostpci4: 0000:00:02.0,pcie=1\n');
    expect(devicesOf(argv)).toContain('pcie-root-port,id=ich9-pcie-port-5,addr=10.0,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,port=5,chassis=5');
    expect(devicesOf(argv)).toContain('vfio-pci,host=0000:00:02.0,id=hostpci4,bus=ich9-pcie-port-5,addr=0x0');
    expect(devicesOf(argv)).toContain('VGA,id=vga,bus=pcie.0,addr=0x1');
  });

  it.each([
    ['hostpci0: 00:02.0,legacy-igd=1\n', "legacy IGD assignment requires VGA mode to be 'none'"],
    ['vga: none\nmachine: q35\nhostpci0: 00:02.0,legacy-igd=1\n', 'legacy IGD assignment is not compatible with q35'],
    ['vga: none\nhostpci0: 00:02.0,legacy-igd=1,rombar=0\n', 'legacy IGD assignment requires rombar to be enabled'],
    ['hostpci0: 00:02.0,pcie=1\n', 'q35 machine model is not enabled'],
  ])('refuses what Proxmox refuses, with its message and the line: %s', (conf, message) => {
    let err: unknown;
    try {
      proxmoxArgv(conf);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toBe(message);
    expect((err as ImportError).line).toBe(conf.split('\n').findIndex((l) => l.startsWith('hostpci0')) + 1);
  });

  it('a std VGA, balloon and a virtio-scsi-single disk on i440fx: VGA at 0x2, balloon 0x3, pci.3 at 0x5 with the controller on it', () => {
    const { argv } = proxmoxArgv('memory: 2048\nscsihw: virtio-scsi-single\nscsi0: local:vm-1-disk-0,size=8G\n');
    expect(devicesOf(argv)).toEqual([
      'pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e',
      'pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0,addr=0x1f',
      'pci-bridge,id=pci.3,chassis_nr=3,bus=pci.0,addr=0x5',
      'piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2',
      'VGA,id=vga,bus=pci.0,addr=0x2',
      'virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3',
      'virtio-scsi-pci,id=virtioscsi0,bus=pci.3,addr=0x1',
    ]);
  });

  it('round trip: qemu-args of the imported legacy-igd VM is the topology Proxmox starts (modelled devices)', () => {
    const c = importProxmox(fixture('pve-legacy-igd.conf'), { qemu: '10.0' });
    const again = importQemuArgv(qemuArgs(loadImported(c)), { qemu: '10.0' });
    expect(again.devices.map(topo)).toEqual(c.devices.map(topo));
  });

  it('a passed-through dGPU is listed as not modelled, not dropped silently', () => {
    const c = importProxmox('machine: q35\nbios: ovmf\nvga: none\nhostpci0: 0000:01:00,pcie=1,x-vga=1\n', { qemu: '10.0' });
    expect(c.notModelled).toContain("hostpci0: host 0000:01:00 means every function of the device; the IGD has only function 0");
    expect(c.notModelled).toContain('-device vfio-pci,host=0000:01:00.0,id=hostpci0,bus=ich9-pcie-port-1,addr=0x0: an assigned device other than the host\'s IGD (00:02.0) is not modelled');
    expect(c.hasIgd).toBe(false);
  });
});

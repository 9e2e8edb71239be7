import { describe, expect, it } from 'vitest';
import { qemuArgs } from '../../vmm/frontends/config/index.js';
import { ImportError, importLibvirt, importQemuArgv, libvirtArgv } from '../../vmm/frontends/import/index.js';
import { parseXml } from '../../vmm/frontends/import/xml.js';
import { fixture, loadImported, topo } from './helpers.js';

describe('libvirt domain import', () => {
  it('reads machine, memory, firmware=efi, host-passthrough with maxphysaddr, controllers, hostdev with rom and address', () => {
    const c = importLibvirt(fixture('libvirt-q35-igd.xml'), { qemu: '10.0' });
    expect(c.name).toBe('win11-tgl');
    expect(c.machine).toEqual({ type: 'pc-q35-9.0', qemu: '10.0', memory: 8 * 2 ** 30, cpu: { model: 'host', vendor: 'intel', physBits: 39 } });
    expect(c.firmware).toEqual({ type: 'ovmf' });
    expect(c.devices.map(topo)).toEqual([
      { model: 'pcie-root-port', id: 'pci.1', devfn: 0x18, props: { port: 16, chassis: 1, multifunction: true } },
      { model: 'pcie-root-port', id: 'pci.2', devfn: 0x19, props: { port: 17, chassis: 2 } },
      { model: 'qemu-xhci', id: 'usb', bus: 'pci.2', devfn: 0, props: {} },
      { model: 'virtio-net-pci', id: 'net0', bus: 'pci.1', devfn: 0, props: { netdev: 'hostnet0', mac: '52:54:00:6b:3c:58' } },
      {
        model: 'vfio-igd', id: 'ua-igd', devfn: 0x10,
        props: { romfile: '/usr/share/vfio/tgl_gop_igd.rom', 'x-igd-opregion': true, 'x-igd-legacy-mode': 'off', 'x-igd-lpc': false },
      },
    ]);
    expect(c.notModelled).toEqual([
      "<disk type='file'> (line 19): a disk: only its controller is part of the topology",
      "<input type='tablet'> (line 48): not modelled",
      '-netdev tap,id=hostnet0: network backend (ignored)',
    ]);
  });

  it('<qemu:override> frontend properties become -set device.ALIAS.PROP, <qemu:commandline> args are appended', () => {
    const { argv } = libvirtArgv(fixture('libvirt-q35-igd.xml'));
    expect(argv.slice(-6)).toEqual(['-set', 'device.ua-igd.x-igd-opregion=on', '-set', 'device.ua-igd.x-igd-legacy-mode=off', '-set', 'device.ua-igd.x-igd-lpc=off']);
  });

  it('round trip: qemu-args of the imported config is the domain topology', () => {
    const c = importLibvirt(fixture('libvirt-q35-igd.xml'), { qemu: '10.0' });
    const again = importQemuArgv(qemuArgs(loadImported(c)), { qemu: '10.0' });
    expect(again.devices.map(topo)).toEqual(c.devices.map(topo));
  });

  it('an XML error points at its line and column', () => {
    let err: unknown;
    try {
      libvirtArgv("<domain>\n  <name>x</name>\n  <devices>\n</domain>\n");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect([(err as ImportError).line, (err as ImportError).col, (err as ImportError).message]).toEqual([4, 1, 'end tag </domain> does not match <devices>']);
  });

  it('the XML reader decodes entities, skips comments and CDATA-wraps text', () => {
    const x = parseXml("<?xml version='1.0'?><a b='x&amp;y'><!-- c --><c><![CDATA[<raw>]]></c>&#x41;</a>");
    expect(x.attrs).toEqual({ b: 'x&y' });
    expect(x.children[0]!.text).toBe('<raw>');
    expect(x.text).toBe('A');
  });
});

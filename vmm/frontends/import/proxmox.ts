/**
 * A Proxmox VE VM config (/etc/pve/qemu-server/VMID.conf) → the QEMU command line Proxmox would start it with
 * (what `qm showcmd VMID` prints), then the QEMU importer. The mapping follows qemu-server:
 * PVE/QemuServer.pm config_to_command (device order, bridges pci.1/pci.2 on i440fx machines ≥ 2.3, pci.2 moved
 * under pci.1 for legacy-igd), PVE/QemuServer/PCI.pm (get_pci_addr_map, get_pcie_addr_map,
 * print_hostpci_devices with its legacy-igd checks, print_pcie_root_port) and usr/pve-q35-4.0.cfg (the q35
 * chipset devices Proxmox adds with -readconfig). Parts that do not reach QEMU's PCI topology become notes.
 */
import { splitShellWords } from './argv.js';
import { importQemuArgv } from './qemu-cmdline.js';
import { ImportError, type ImportedConfig } from './types.js';

interface ConfEntry {
  readonly value: string;
  readonly line: number;
}

/** PCI.pm get_pci_addr_map: [bus, slot] of the ids this importer emits (bus n = pci.n, 0 = the root on i440fx). */
const PCI_ADDR: Readonly<Record<string, readonly [number, number]>> = {
  piix3: [0, 1], vga: [0, 2], 'legacy-igd': [0, 2], balloon0: [0, 3], scsihw0: [0, 5], 'pci.3': [0, 5], scsihw1: [0, 6],
  ahci0: [0, 7], qga0: [0, 8], virtio0: [0, 10], virtio1: [0, 11], virtio2: [0, 12], virtio3: [0, 13], virtio4: [0, 14],
  virtio5: [0, 15], hostpci0: [0, 16], hostpci1: [0, 17], net0: [0, 18], net1: [0, 19], net2: [0, 20], net3: [0, 21],
  net4: [0, 22], net5: [0, 23], hostpci2: [0, 27], hostpci3: [0, 28], 'pci.1': [0, 30], 'pci.2': [0, 31],
  'pci.2-igd': [1, 30], rng0: [1, 29], audio0: [2, 12], hostpci4: [2, 13], hostpci5: [2, 14], hostpci6: [2, 15],
  hostpci7: [2, 16], hostpci8: [2, 17], hostpci9: [2, 18], hostpci10: [2, 19], hostpci11: [2, 20], hostpci12: [2, 21],
  hostpci13: [2, 22], hostpci14: [2, 23], hostpci15: [2, 24],
};

/** PCI.pm print_pcie_root_port: root ports 5..16 that Proxmox adds on demand (1..4 come from pve-q35-4.0.cfg). */
const EXTRA_ROOT_PORT_ADDR: Readonly<Record<number, string>> = {
  4: '10.0', 5: '10.1', 6: '10.2', 7: '10.3', 8: '10.4', 9: '10.5', 10: '10.6', 11: '10.7', 12: '11.0', 13: '11.1', 14: '11.2', 15: '11.3',
};

/** usr/pve-q35-4.0.cfg as -device arguments, in the file's order. i82801b11-bridge (the DMI-to-PCI bridge) is
 *  not a vfio-sim model: a pcie-pci-bridge stands in for it so pci.0..pci.3 behind it keep their buses. */
const Q35_CFG: readonly string[] = [
  'ich9-usb-ehci1,id=ehci,multifunction=on,bus=pcie.0,addr=1d.7',
  'ich9-usb-uhci1,id=uhci-1,multifunction=on,bus=pcie.0,addr=1d.0,masterbus=ehci.0,firstport=0',
  'ich9-usb-uhci2,id=uhci-2,multifunction=on,bus=pcie.0,addr=1d.1,masterbus=ehci.0,firstport=2',
  'ich9-usb-uhci3,id=uhci-3,multifunction=on,bus=pcie.0,addr=1d.2,masterbus=ehci.0,firstport=4',
  'ich9-usb-ehci2,id=ehci-2,multifunction=on,bus=pcie.0,addr=1a.7',
  'ich9-usb-uhci4,id=uhci-4,multifunction=on,bus=pcie.0,addr=1a.0,masterbus=ehci-2.0,firstport=0',
  'ich9-usb-uhci5,id=uhci-5,multifunction=on,bus=pcie.0,addr=1a.1,masterbus=ehci-2.0,firstport=2',
  'ich9-usb-uhci6,id=uhci-6,multifunction=on,bus=pcie.0,addr=1a.2,masterbus=ehci-2.0,firstport=4',
  'ich9-intel-hda,id=audio0,bus=pcie.0,addr=1b.0',
  'pcie-root-port,id=ich9-pcie-port-1,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,addr=1c.0,port=1,chassis=1',
  'pcie-root-port,id=ich9-pcie-port-2,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,addr=1c.1,port=2,chassis=2',
  'pcie-root-port,id=ich9-pcie-port-3,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,addr=1c.2,port=3,chassis=3',
  'pcie-root-port,id=ich9-pcie-port-4,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,addr=1c.3,port=4,chassis=4',
  'pcie-pci-bridge,id=pcidmi,bus=pcie.0,addr=1e.0',
  'pci-bridge,id=pci.0,bus=pcidmi,addr=1.0,chassis_nr=1',
  'pci-bridge,id=pci.1,bus=pcidmi,addr=2.0,chassis_nr=2',
  'pci-bridge,id=pci.2,bus=pcidmi,addr=3.0,chassis_nr=3',
  'pci-bridge,id=pci.3,bus=pcidmi,addr=4.0,chassis_nr=4',
];

/** vga: TYPE → QEMU driver (QemuServer.pm map_vga_model). */
const VGA_DRIVER: Readonly<Record<string, string>> = {
  std: 'VGA', qxl: 'qxl-vga', qxl2: 'qxl-vga', qxl3: 'qxl-vga', qxl4: 'qxl-vga', virtio: 'virtio-vga', 'virtio-gl': 'virtio-vga-gl',
  cirrus: 'cirrus-vga', vmware: 'vmware-svga', serial0: '', none: '',
};

/** netN model → QEMU driver (QemuServer.pm print_netdevice_full). */
const NET_DRIVER: Readonly<Record<string, string>> = {
  virtio: 'virtio-net-pci', e1000: 'e1000', e1000e: 'e1000e', rtl8139: 'rtl8139', vmxnet3: 'vmxnet3', 'e1000-82540em': 'e1000-82540em',
};

/** scsihw → the SCSI controller's driver. */
const SCSI_DRIVER: Readonly<Record<string, string>> = {
  lsi: 'lsi53c895a', lsi53c810: 'lsi53c810', 'virtio-scsi-pci': 'virtio-scsi-pci', 'virtio-scsi-single': 'virtio-scsi-pci', megasas: 'megasas', pvscsi: 'pvscsi',
};

/** Keys with no bearing on the PCI topology or the firmware (named so the notes stay short). */
const NO_EFFECT = new Set([
  'name', 'cores', 'sockets', 'vcpus', 'ostype', 'boot', 'bootdisk', 'smbios1', 'vmgenid', 'numa', 'meta', 'digest', 'onboot',
  'description', 'scsihw', 'balloon', 'shares', 'startup', 'protection', 'tags', 'hotplug', 'kvm', 'localtime', 'tablet', 'template',
  'cpulimit', 'cpuunits', 'affinity', 'hookscript', 'lock', 'parent', 'vmstatestorage',
]);

function parseConf(text: string): Map<string, ConfEntry> {
  const out = new Map<string, ConfEntry>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\s*\[/.test(l)) break; // [snapshot] / [PENDING] sections: not the running config
    if (/^\s*(#|$)/.test(l)) continue;
    const m = /^([a-z][a-z0-9_-]*)\s*:\s*(.*)$/i.exec(l);
    if (m === null) throw new ImportError(`not a Proxmox config line: '${l.trim()}' (expected KEY: VALUE)`, i + 1, 1);
    out.set(m[1]!, { value: m[2]!.trim(), line: i + 1 });
  }
  return out;
}

/** A Proxmox property string: `default,key=value,...` (PVE::JSONSchema parse_property_string). */
function propString(s: string, defaultKey: string): Map<string, string> {
  const out = new Map<string, string>();
  s.split(',').forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (i === 0) out.set(defaultKey, p);
      else out.set(p, '1');
    } else out.set(p.slice(0, eq), p.slice(eq + 1));
  });
  return out;
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|on|yes|true)$/i.test(v);

export interface ProxmoxImportOptions {
  readonly qemu: string;
  readonly source?: string;
}

/** The `qm showcmd`-equivalent argv of a Proxmox config (the parts vfio-sim reads), plus notes on the rest. */
export function proxmoxArgv(text: string): { argv: string[]; notes: string[]; remarks: string[] } {
  const conf = parseConf(text);
  const get = (k: string): string | undefined => conf.get(k)?.value;
  const fail = (k: string, msg: string): never => {
    throw new ImportError(msg, conf.get(k)?.line ?? 1, (conf.get(k) !== undefined ? k.length + 3 : 1));
  };
  const notes: string[] = [];
  const remarks: string[] = [];
  const machineRaw = propString(get('machine') ?? 'pc', 'type').get('type') ?? 'pc';
  const q35 = /q35/.test(machineRaw);
  const machineType = machineRaw.replace(/\+pve\d+$/, '');
  const machineVersion = /-(\d+)\.(\d+)/.exec(machineType);
  // config_to_command: i440fx machines from 2.3 on always get the pci.1 and pci.2 bridges (unversioned = current).
  const bridgesAlways = !q35 && (machineVersion === null || Number(machineVersion[1]) > 2 || (Number(machineVersion[1]) === 2 && Number(machineVersion[2]) >= 3));
  const argv: string[] = ['kvm', '-nodefaults', '-machine', `type=${machineType}+pve0`];
  const bios = get('bios') ?? 'seabios';
  if (bios === 'ovmf') argv.push('-drive', 'if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/pve-edk2-firmware//OVMF_CODE.fd');
  const mem = get('memory');
  const memMiB = mem === undefined ? 512 : Number(propString(mem, 'current').get('current'));
  if (!Number.isFinite(memMiB) || memMiB <= 0) fail('memory', `memory: '${mem}' is not a size in MiB`);
  argv.push('-m', String(memMiB));
  const cpu = propString(get('cpu') ?? 'kvm64', 'cputype');
  const cpuArgs = [cpu.get('cputype') ?? 'kvm64'];
  const pb = cpu.get('phys-bits');
  if (pb === 'host') cpuArgs.push('host-phys-bits=true');
  else if (pb !== undefined) cpuArgs.push(`phys-bits=${pb}`);
  for (const [k, v] of cpu) if (k !== 'cputype' && k !== 'phys-bits') notes.push(`cpu: ${k}=${v} (CPU flag, not modelled)`);
  argv.push('-cpu', cpuArgs.join(','));

  const addr = (id: string, bridges: Set<number>): string => {
    const a = PCI_ADDR[id];
    if (a === undefined) return '';
    bridges.add(a[0]);
    return `,bus=pci.${a[0]},addr=0x${a[1].toString(16)}`;
  };
  const bridges = new Set<number>();
  const devices: string[] = [];
  if (q35) devices.push(...Q35_CFG);
  if (!q35 && (get('tablet') ?? '1') !== '0') devices.push(`piix3-usb-uhci,id=uhci${addr('piix3', bridges)}.0x2`);

  // hostpciN (PCI.pm print_hostpci_devices)
  let legacyIgd = false;
  const vgaConf = propString(get('vga') ?? (q35 ? 'std' : 'std'), 'type');
  let vgaType = vgaConf.get('type') ?? 'std';
  let vgaSet = conf.has('vga');
  for (let i = 0; i < 16; i++) {
    const key = `hostpci${i}`;
    const raw = get(key);
    if (raw === undefined) continue;
    const d = propString(raw, 'host');
    const host = d.get('host');
    if (host === undefined) {
      notes.push(`${key}: ${raw} (a resource mapping: vfio-sim cannot tell which host device it names)`);
      continue;
    }
    const full = /^[0-9a-f]{4}:/i.test(host) ? host : `0000:${host}`;
    const hostFn = /\.[0-7]$/.test(full) ? full : `${full}.0`;
    if (!/\.[0-7]$/.test(full)) notes.push(`${key}: host ${host} means every function of the device; the IGD has only function 0`);
    let pciaddr: string;
    if (truthy(d.get('pcie'))) {
      if (!q35) fail(key, 'q35 machine model is not enabled');
      if (i > 3) devices.push(`pcie-root-port,id=ich9-pcie-port-${i + 1},addr=${EXTRA_ROOT_PORT_ADDR[i]},x-speed=16,x-width=32,multifunction=on,bus=pcie.0,port=${i + 1},chassis=${i + 1}`);
      pciaddr = `,bus=ich9-pcie-port-${i + 1},addr=0x0`;
    } else pciaddr = addr(truthy(d.get('legacy-igd')) ? 'legacy-igd' : key, bridges);
    if (truthy(d.get('legacy-igd'))) {
      if (legacyIgd) fail(key, 'only one device can be assigned in legacy-igd mode');
      legacyIgd = true;
      if (vgaType !== 'none' || !vgaSet) fail(key, "legacy IGD assignment requires VGA mode to be 'none'");
      if (d.get('rombar') !== undefined && !truthy(d.get('rombar'))) fail(key, 'legacy IGD assignment requires rombar to be enabled');
      if (truthy(d.get('x-vga'))) fail(key, 'legacy IGD assignment is not compatible with x-vga');
      if (q35) fail(key, 'legacy IGD assignment is not compatible with q35');
      if (!/02\.0$/.test(hostFn)) fail(key, 'legacy IGD assignment only works for devices on host bus 00:02.0');
    }
    let dev = `vfio-pci,host=${hostFn},id=${key}${pciaddr}`;
    if (d.get('rombar') !== undefined && !truthy(d.get('rombar'))) dev += ',rombar=0';
    if (truthy(d.get('x-vga'))) {
      if (bios !== 'ovmf') dev += ',x-vga=on';
      if (!vgaSet) {
        vgaType = 'none';
        vgaSet = true;
      }
    }
    if (d.get('romfile') !== undefined) dev += `,romfile=/usr/share/kvm/${d.get('romfile')}`;
    for (const k of d.keys()) if (!['host', 'pcie', 'legacy-igd', 'rombar', 'x-vga', 'romfile'].includes(k)) notes.push(`${key}: ${k}=${d.get(k)} (not modelled)`);
    devices.push(dev);
  }
  // vga (print_vga_device): std at pci.0 0x2 on i440fx, pcie.0 0x1 on q35
  const vgaDriver = VGA_DRIVER[vgaType];
  if (vgaDriver === undefined) notes.push(`vga: ${vgaType} (unknown display type)`);
  else if (vgaDriver === '') argv.push('-vga', 'none');
  else devices.push(`${vgaDriver},id=vga${q35 ? ',bus=pcie.0,addr=0x1' : addr('vga', bridges)}`);
  for (const [k, v] of vgaConf) if (k !== 'type') notes.push(`vga: ${k}=${v} (display memory/clipboard options, not modelled)`);
  if ((get('balloon') ?? '1') !== '0') devices.push(`virtio-balloon-pci,id=balloon0${addr('balloon0', bridges)}`);
  if (truthy(get('agent')?.split(',')[0]?.replace(/^enabled=/, ''))) devices.push(`virtio-serial,id=qga0${addr('qga0', bridges)}`);
  // disks: one controller per kind, where Proxmox puts it
  const scsihw = get('scsihw') ?? 'lsi';
  const keys = [...conf.keys()];
  if (keys.some((k) => /^scsi\d+$/.test(k))) {
    if (scsihw === 'virtio-scsi-single') {
      keys.filter((k) => /^scsi\d+$/.test(k)).forEach((k) => {
        const n = k.slice(4);
        bridges.add(3);
        devices.push(`virtio-scsi-pci,id=virtioscsi${n},bus=pci.3,addr=0x${(Number(n) + 1).toString(16)}`);
      });
      if (!q35) bridges.add(3);
    } else devices.push(`${SCSI_DRIVER[scsihw] ?? scsihw},id=scsihw0${addr('scsihw0', bridges)}`);
  }
  if (keys.some((k) => /^sata\d+$/.test(k))) devices.push(`ahci,id=ahci0,multifunction=on${addr('ahci0', bridges)}`);
  for (const k of keys.filter((x) => /^virtio\d+$/.test(x))) devices.push(`virtio-blk-pci,id=${k}${addr(k, bridges)}`);
  for (let i = 0; i < 32; i++) {
    const raw = get(`net${i}`);
    if (raw === undefined) continue;
    const first = raw.split(',')[0]!;
    const model = first.split('=')[0]!;
    const mac = first.includes('=') ? first.split('=')[1] : undefined;
    argv.push('-netdev', `type=tap,id=net${i}`);
    devices.push(`${NET_DRIVER[model] ?? model},${mac !== undefined ? `mac=${mac},` : ''}netdev=net${i}${addr(`net${i}`, bridges)},id=net${i}`);
  }
  // bridges (config_to_command): q35 has pci.0..3 from its cfg; i440fx gets pci.1/pci.2 (pci.2 under pci.1 with legacy-igd)
  if (bridgesAlways) {
    bridges.add(1);
    bridges.add(2);
  }
  const bridgeArgs: string[] = [];
  for (const k of [...bridges].sort((a, b) => a - b)) {
    if (k === 0 || (q35 && k < 4)) continue;
    const name = k === 2 && legacyIgd ? 'pci.2-igd' : `pci.${k}`;
    const a = PCI_ADDR[name]!;
    bridgeArgs.push(`pci-bridge,id=pci.${k},chassis_nr=${k},bus=pci.${a[0]},addr=0x${a[1].toString(16)}`);
  }
  const all = q35 ? [...devices.slice(0, Q35_CFG.length), ...bridgeArgs, ...devices.slice(Q35_CFG.length)] : [...bridgeArgs, ...devices];
  for (const d of all) argv.push('-device', d);
  const args = get('args');
  if (args !== undefined) {
    const w = splitShellWords(args);
    if ('error' in w) fail('args', `args: ${w.error}`);
    else argv.push(...w.words);
  }
  for (const [k, e] of conf) {
    if (NO_EFFECT.has(k) || /^(hostpci|net|scsi|sata|virtio|ide|unused)\d+$/.test(k)) continue;
    if (['machine', 'bios', 'memory', 'cpu', 'vga', 'args', 'agent', 'efidisk0'].includes(k)) continue;
    notes.push(`${k}: ${e.value} (not modelled)`);
  }
  if (conf.has('efidisk0')) remarks.push('efidisk0: the OVMF variable store (pflash unit 1); vfio-sim starts from empty variables');
  for (const k of keys.filter((x) => /^(scsi|sata|virtio|ide)\d+$/.test(x))) notes.push(`${k}: ${get(k)} (a disk: only its controller is part of the topology)`);
  return { argv, notes, remarks };
}

export function importProxmox(text: string, options: ProxmoxImportOptions): ImportedConfig {
  const { argv, notes, remarks } = proxmoxArgv(text);
  const r = importQemuArgv(argv, { qemu: options.qemu, source: options.source ?? 'a Proxmox VM config' });
  return { ...r, notModelled: [...notes, ...r.notModelled], remarks: [...remarks, ...r.remarks] };
}

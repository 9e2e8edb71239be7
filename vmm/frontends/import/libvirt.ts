/**
 * A libvirt domain XML → the QEMU command line libvirt would build (src/qemu/qemu_command.c
 * qemuBuildCommandLine: -nodefaults, controllers, then net, video, sound, hostdev, memballoon, rng; bus index N
 * is `pci.N`, index 0 is `pcie.0` on q35 and `pci.0` on i440fx; devices are named by their alias or by
 * libvirt's generated ids hostdevN, netN, videoN, ...) → the QEMU importer. `<qemu:commandline>` args are
 * appended; `<qemu:override>` frontend properties become `-set device.ALIAS.PROP=VALUE`, which is what they do.
 */
import { importQemuArgv } from './qemu-cmdline.js';
import { ImportError, type ImportedConfig } from './types.js';
import { child, children, parseXml, type XmlElement } from './xml.js';

/** <controller type='pci' model=...> → QEMU driver (qemu_command.c qemuBuildControllerPCIDevStr by model name). */
const PCI_CONTROLLER: Readonly<Record<string, string>> = {
  'pcie-root-port': 'pcie-root-port', 'pci-bridge': 'pci-bridge', 'pcie-to-pci-bridge': 'pcie-pci-bridge',
  'dmi-to-pci-bridge': 'i82801b11-bridge', 'pcie-switch-upstream-port': 'x3130-upstream',
  'pcie-switch-downstream-port': 'xio3130-downstream', 'pci-expander-bus': 'pxb', 'pcie-expander-bus': 'pxb-pcie',
};

const NET_MODEL: Readonly<Record<string, string>> = { virtio: 'virtio-net-pci', e1000: 'e1000', e1000e: 'e1000e', rtl8139: 'rtl8139', vmxnet3: 'vmxnet3' };
const VIDEO_MODEL: Readonly<Record<string, string>> = { vga: 'VGA', qxl: 'qxl-vga', virtio: 'virtio-vga', bochs: 'bochs-display', cirrus: 'cirrus-vga', vmvga: 'vmware-svga', ramfb: 'ramfb' };
const SOUND_MODEL: Readonly<Record<string, string>> = { ich9: 'ich9-intel-hda', ich6: 'intel-hda', ac97: 'AC97', es1370: 'ES1370' };
const SCSI_MODEL: Readonly<Record<string, string>> = { 'virtio-scsi': 'virtio-scsi-pci', lsilogic: 'lsi53c895a', lsisas1078: 'megasas' };
const USB_MODEL: Readonly<Record<string, string>> = { 'qemu-xhci': 'qemu-xhci', 'ich9-ehci1': 'ich9-usb-ehci1', ehci: 'usb-ehci', 'piix3-uhci': 'piix3-usb-uhci', 'nec-xhci': 'nec-usb-xhci' };

/** <memory unit=...> → bytes (libvirt's default unit is KiB). */
function bytesOf(e: XmlElement | undefined): number | undefined {
  if (e === undefined) return undefined;
  const n = Number(e.text.trim());
  if (!Number.isFinite(n)) throw new ImportError(`<${e.name}>: '${e.text.trim()}' is not a number`, e.line, e.col);
  const unit = (e.attrs['unit'] ?? 'KiB').toLowerCase();
  const mult: Record<string, number> = { b: 1, bytes: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9, t: 1024 ** 4, tib: 1024 ** 4 };
  const m = mult[unit];
  if (m === undefined) throw new ImportError(`<${e.name} unit='${e.attrs['unit']}'>: unknown unit`, e.line, e.col);
  return n * m;
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

export interface LibvirtImportOptions {
  readonly qemu: string;
  readonly source?: string;
}

/** The argv libvirt would pass QEMU for this domain (the parts vfio-sim reads), plus notes on the rest. */
export function libvirtArgv(text: string): { argv: string[]; notes: string[]; name?: string } {
  const dom = parseXml(text);
  if (dom.name !== 'domain') throw new ImportError(`expected a <domain> document, got <${dom.name}>`, dom.line, dom.col);
  const notes: string[] = [];
  const os = child(dom, 'os');
  const machine = child(os, 'type')?.attrs['machine'] ?? 'pc';
  const q35 = /q35/.test(machine);
  const root = q35 ? 'pcie.0' : 'pci.0';
  const argv: string[] = ['qemu-system-x86_64', '-machine', machine, '-nodefaults'];
  const loader = child(os, 'loader');
  if (os?.attrs['firmware'] === 'efi' || (loader !== undefined && /ovmf|edk2|efi/i.test(loader.text))) {
    argv.push('-drive', `if=pflash,unit=0,format=raw,readonly=on,file=${loader?.text.trim() || 'OVMF_CODE.fd'}`);
  } else if (loader !== undefined) argv.push('-bios', loader.text.trim());
  const memory = bytesOf(child(dom, 'memory'));
  const max = child(dom, 'maxMemory');
  let m = memory !== undefined ? `${memory / 1024}K` : '128M';
  if (max !== undefined) m += `,slots=${max.attrs['slots'] ?? 0},maxmem=${(bytesOf(max) ?? 0) / 1024}K`;
  argv.push('-m', m);
  // <cpu>: host-passthrough → -cpu host; <maxphysaddr mode='passthrough' limit='N'/> → host-phys-bits-limit=N,
  // mode='emulate' bits='N' → phys-bits=N (qemu_command.c qemuBuildCpuModelArgStr).
  const cpu = child(dom, 'cpu');
  const cpuArgs: string[] = [];
  if (cpu === undefined) cpuArgs.push('qemu64');
  else if (cpu.attrs['mode'] === 'host-passthrough' || cpu.attrs['mode'] === 'host-model') cpuArgs.push('host');
  else cpuArgs.push(child(cpu, 'model')?.text.trim() || 'qemu64');
  const vendor = child(cpu, 'vendor')?.text.trim();
  if (vendor !== undefined) cpuArgs.push(`vendor=${vendor === 'Intel' ? 'GenuineIntel' : vendor === 'AMD' ? 'AuthenticAMD' : vendor}`);
  const mpa = child(cpu, 'maxphysaddr');
  if (mpa?.attrs['mode'] === 'passthrough') {
    cpuArgs.push('host-phys-bits=on');
    if (mpa.attrs['limit'] !== undefined) cpuArgs.push(`host-phys-bits-limit=${mpa.attrs['limit']}`);
  } else if (mpa?.attrs['mode'] === 'emulate' && mpa.attrs['bits'] !== undefined) cpuArgs.push(`phys-bits=${mpa.attrs['bits']}`);
  for (const f of children(cpu, 'feature')) notes.push(`<cpu><feature policy='${f.attrs['policy']}' name='${f.attrs['name']}'/> (CPU feature, not modelled)`);
  argv.push('-cpu', cpuArgs.join(','));

  const devs = child(dom, 'devices');
  const counters = new Map<string, number>();
  const idFor = (e: XmlElement, prefix: string): string => {
    const alias = child(e, 'alias')?.attrs['name'];
    if (alias !== undefined) return alias.replace(/^ua-/, 'ua-');
    const n = counters.get(prefix) ?? 0;
    counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  };
  /** The guest <address type='pci'> as bus=,addr= (and multifunction). */
  const addrOf = (e: XmlElement): string => {
    const a = children(e, 'address').find((x) => x.attrs['type'] === 'pci');
    if (a === undefined) return '';
    const bus = num(a.attrs['bus']) ?? 0;
    const slot = num(a.attrs['slot']) ?? 0;
    const fn = num(a.attrs['function']) ?? 0;
    let s = `,bus=${bus === 0 ? root : `pci.${bus}`},addr=0x${slot.toString(16)}.0x${fn.toString(16)}`;
    if (a.attrs['multifunction'] === 'on') s += ',multifunction=on';
    return s;
  };
  const out: string[] = [];
  let unaddressed = 0;
  const note = (e: XmlElement, what: string): void => {
    notes.push(`<${e.name}${e.attrs['type'] !== undefined ? ` type='${e.attrs['type']}'` : ''}${e.attrs['model'] !== undefined ? ` model='${e.attrs['model']}'` : ''}> (line ${e.line}): ${what}`);
  };
  const push = (e: XmlElement, s: string): void => {
    if (!children(e, 'address').some((x) => x.attrs['type'] === 'pci')) unaddressed++;
    out.push(s);
  };
  // controllers in index order (libvirt emits them so each bus exists before its children)
  const controllers = children(devs, 'controller');
  const pciControllers = controllers.filter((c) => c.attrs['type'] === 'pci').sort((a, b) => (num(a.attrs['index']) ?? 0) - (num(b.attrs['index']) ?? 0));
  for (const c of pciControllers) {
    const model = c.attrs['model'] ?? '';
    const index = num(c.attrs['index']) ?? 0;
    if (model === 'pci-root' || model === 'pcie-root') continue;
    const driver = child(c, 'model')?.attrs['name'] ?? PCI_CONTROLLER[model] ?? model;
    const target = child(c, 'target');
    let s = `${driver},id=pci.${index}`;
    if (driver === 'pci-bridge') s += `,chassis_nr=${target?.attrs['chassisNr'] ?? index}`;
    if (driver === 'pcie-root-port') s += `,port=${target?.attrs['port'] ?? `0x${(index + 15).toString(16)}`},chassis=${target?.attrs['chassis'] ?? index}`;
    push(c, s + addrOf(c));
  }
  for (const c of controllers) {
    const type = c.attrs['type'];
    if (type === 'pci') continue;
    const model = c.attrs['model'];
    if (type === 'usb') {
      if (model === 'none') continue;
      const d = USB_MODEL[model ?? 'piix3-uhci'] ?? model ?? 'piix3-usb-uhci';
      push(c, `${d},id=usb${c.attrs['index'] === '0' || c.attrs['index'] === undefined ? '' : c.attrs['index']}${addrOf(c)}`);
    } else if (type === 'scsi') push(c, `${SCSI_MODEL[model ?? 'lsilogic'] ?? model},id=scsi${c.attrs['index'] ?? 0}${addrOf(c)}`);
    else if (type === 'virtio-serial') push(c, `virtio-serial-pci,id=virtio-serial${c.attrs['index'] ?? 0}${addrOf(c)}`);
    else if (type === 'sata' && q35 && (c.attrs['index'] ?? '0') === '0') continue; // q35's built-in AHCI at 00:1f.2
    else if (type === 'ide' && !q35) continue; // i440fx's built-in PIIX3 IDE
    else note(c, 'controller not modelled');
  }
  for (const e of devs?.children ?? []) {
    switch (e.name) {
      case 'controller':
      case 'emulator':
        break;
      case 'interface': {
        const model = child(e, 'model')?.attrs['type'] ?? 'rtl8139';
        const mac = child(e, 'mac')?.attrs['address'];
        const id = idFor(e, 'net');
        argv.push('-netdev', `tap,id=host${id}`);
        push(e, `${NET_MODEL[model] ?? model},netdev=host${id},id=${id}${mac !== undefined ? `,mac=${mac}` : ''}${addrOf(e)}`);
        break;
      }
      case 'video': {
        const mdl = child(e, 'model');
        const type = mdl?.attrs['type'] ?? 'vga';
        if (type === 'none') break;
        const id = idFor(e, 'video');
        let driver = VIDEO_MODEL[type] ?? type;
        if (type === 'qxl' && id !== 'video0') driver = 'qxl'; // secondary QXL heads are the non-VGA qxl
        let s = `${driver},id=${id}`;
        if (type === 'qxl') {
          if (mdl?.attrs['ram'] !== undefined) s += `,ram_size=${Number(mdl.attrs['ram']) * 1024}`;
          if (mdl?.attrs['vram'] !== undefined) s += `,vram_size=${Number(mdl.attrs['vram']) * 1024}`;
          if (mdl?.attrs['vgamem'] !== undefined) s += `,vgamem_mb=${Number(mdl.attrs['vgamem']) / 1024}`;
          if (mdl?.attrs['heads'] !== undefined) s += `,max_outputs=${mdl.attrs['heads']}`;
        } else if (type === 'vga' && mdl?.attrs['vram'] !== undefined) s += `,vgamem_mb=${Number(mdl.attrs['vram']) / 1024}`;
        push(e, s + addrOf(e));
        break;
      }
      case 'sound':
        push(e, `${SOUND_MODEL[e.attrs['model'] ?? 'ich6'] ?? e.attrs['model']},id=${idFor(e, 'sound')}${addrOf(e)}`);
        break;
      case 'hostdev': {
        if (e.attrs['type'] !== 'pci') {
          note(e, 'not a PCI host device');
          break;
        }
        const a = child(child(e, 'source'), 'address');
        const hex2 = (s: string | undefined, w: number): string => (num(s) ?? 0).toString(16).padStart(w, '0');
        const host = `${hex2(a?.attrs['domain'], 4)}:${hex2(a?.attrs['bus'], 2)}:${hex2(a?.attrs['slot'], 2)}.${(num(a?.attrs['function']) ?? 0).toString(16)}`;
        let s = `vfio-pci,host=${host},id=${idFor(e, 'hostdev')}${addrOf(e)}`;
        const rom = child(e, 'rom');
        if (rom?.attrs['bar'] === 'off') s += ',rombar=0';
        if (rom?.attrs['file'] !== undefined) s += `,romfile=${rom.attrs['file'].replace(/,/g, ',,')}`;
        if (rom?.attrs['enabled'] === 'no') s += ',romfile=';
        push(e, s);
        break;
      }
      case 'memballoon':
        if (e.attrs['model'] === 'none') break;
        push(e, `virtio-balloon-pci,id=${idFor(e, 'balloon')}${addrOf(e)}`);
        break;
      case 'rng':
        push(e, `virtio-rng-pci,id=${idFor(e, 'rng')}${addrOf(e)}`);
        break;
      case 'disk':
        if (child(e, 'target')?.attrs['bus'] === 'virtio') push(e, `virtio-blk-pci,id=${idFor(e, 'virtio-disk')}${addrOf(e)}`);
        else note(e, 'a disk: only its controller is part of the topology');
        break;
      default:
        note(e, 'not modelled');
    }
  }
  for (const d of out) argv.push('-device', d);
  if (unaddressed > 0) notes.push(`${unaddressed} device(s) have no <address type='pci'>: libvirt assigns addresses when the domain is defined, so import the output of 'virsh dumpxml'`);
  // <qemu:commandline> and <qemu:override> (the qemu namespace, whatever its prefix)
  for (const e of dom.children) {
    const local = e.name.replace(/^[\w.-]+:/, '');
    if (local === 'commandline') {
      for (const a of e.children) if (a.name.endsWith(':arg') || a.name === 'arg') argv.push(a.attrs['value'] ?? '');
      for (const env of e.children.filter((a) => a.name.endsWith('env'))) notes.push(`<qemu:env name='${env.attrs['name']}'/> (not modelled)`);
    } else if (local === 'override') {
      for (const dev of e.children.filter((c) => c.name.endsWith('device'))) {
        const alias = dev.attrs['alias'];
        for (const fe of dev.children.filter((c) => c.name.endsWith('frontend'))) {
          for (const p of fe.children.filter((c) => c.name.endsWith('property'))) {
            if (p.attrs['type'] === 'unset') {
              notes.push(`<qemu:property name='${p.attrs['name']}' type='unset'/> on ${alias} (libvirt drops the property: vfio-sim keeps what the rest of the XML set)`);
              continue;
            }
            const v = p.attrs['type'] === 'bool' ? (p.attrs['value'] === 'true' ? 'on' : 'off') : (p.attrs['value'] ?? '');
            argv.push('-set', `device.${alias}.${p.attrs['name']}=${v}`);
          }
        }
      }
    }
  }
  const name = child(dom, 'name')?.text.trim();
  return { argv, notes, ...(name !== undefined && name !== '' ? { name } : {}) };
}

export function importLibvirt(text: string, options: LibvirtImportOptions): ImportedConfig {
  const { argv, notes, name } = libvirtArgv(text);
  const r = importQemuArgv(argv, { qemu: options.qemu, source: options.source ?? `libvirt domain${name !== undefined ? ` '${name}'` : ''}` });
  return { ...r, ...(name !== undefined ? { name } : {}), notModelled: [...notes, ...r.notModelled] };
}

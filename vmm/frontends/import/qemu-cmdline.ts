/**
 * A QEMU command line → a vfio-sim config. QEMU's own semantics decide: `-set device.ID.PROP=V` and
 * `-global DRIVER.PROP=V` edit the device options before any device is created (softmmu/vl.c,
 * qemu_set_option / qemu_global_option), QEMU's default VGA and NIC exist unless -nodefaults (vl.c
 * default_vga / default_net) and are created by the machine before the -device list (pc_vga_init, pc_nic_init),
 * a root bus is `pci.0` on i440fx and `pcie.0` on q35.
 */
import { MODELS } from '../../../devices/index.js';

import { IGD_DEVFN, IGD_MODEL } from '../../../devices/igd/tables.js';
import { parseSize } from '../config/size.js';
import type { PropValue } from '../../../devices/spec.js';
import { parseMachineTypeName } from '../../core/profile/qemu.js';
import { devfnText, parseDevfn, parseOpts, type OptPair } from './argv.js';
import { ImportError, type ImportedConfig, type ImportedCpu, type ImportedDevice } from './types.js';

/** Options that take no argument (qemu-options.hx entries without HAS_ARG that users pass). */
const FLAGS = new Set([
  'nodefaults', 'no-user-config', 'enable-kvm', 'S', 'no-hpet', 'no-reboot', 'no-shutdown', 'nographic',
  'daemonize', 'snapshot', 'full-screen', 'no-acpi', 'no-fd-bootchk', 'win2k-hack', 'no-kvm', 'no-frame',
]);

/** Options that do not shape the PCI topology or the firmware: listed as ignored, one line each. */
const IGNORED_NOTE: Readonly<Record<string, string>> = {
  netdev: 'network backend', drive: 'block backend', blockdev: 'block backend', chardev: 'character backend',
  object: 'backend object', smp: 'vCPU count', name: 'VM name', display: 'display backend', vnc: 'VNC', spice: 'SPICE',
  serial: 'serial port', monitor: 'monitor', qmp: 'QMP socket', pidfile: 'pid file', rtc: 'RTC', boot: 'boot order',
  'iscsi': 'iSCSI', 'k': 'keyboard layout', 'uuid': 'VM UUID', 'smbios': 'SMBIOS tables', 'audiodev': 'audio backend',
  'runas': 'user', 'sandbox': 'seccomp', 'msg': 'message format', 'accel': 'accelerator', 'overcommit': 'memory locking',
  'mem-prealloc': 'memory preallocation', 'mem-path': 'memory backing file', 'numa': 'NUMA topology', 'usb': 'USB',
  'usbdevice': 'USB device', 'fw_cfg': 'fw_cfg file', 'incoming': 'migration', 'loadvm': 'snapshot', 'trace': 'tracing',
  'D': 'log file', 'd': 'log items', 'nic': 'NIC shorthand', 'net': 'network shorthand', 'kernel': 'direct kernel boot',
  'initrd': 'initrd', 'append': 'kernel command line', 'global': 'global property', 'device': 'device', 'set': 'option',
  'L': 'firmware search path', 'readconfig': 'config file',
};

/** -vga TYPE → the display device QEMU creates (vl.c vga_interfaces). */
const VGA_MODELS: Readonly<Record<string, string | null>> = {
  std: 'VGA', qxl: 'qxl-vga', none: null, virtio: 'virtio-vga', cirrus: 'cirrus-vga', vmware: 'vmware-svga', bochs: 'bochs-display',
};

/** Display devices whose -device clears QEMU's default VGA (vl.c default_list: is "vga"-class). */
const DISPLAY_DRIVERS = new Set(['VGA', 'qxl-vga', 'virtio-vga', 'virtio-vga-gl', 'cirrus-vga', 'vmware-svga', 'secondary-vga', 'bochs-display', 'ramfb']);

/** qdev's driver aliases (system/qdev-monitor.c qdev_alias_table, x86 entries). */
const DRIVER_ALIASES: Readonly<Record<string, string>> = {
  'virtio-serial': 'virtio-serial-pci', 'virtio-net': 'virtio-net-pci', 'virtio-balloon': 'virtio-balloon-pci',
  'virtio-scsi': 'virtio-scsi-pci', 'virtio-rng': 'virtio-rng-pci', 'virtio-blk': 'virtio-blk-pci', 'virtio-gpu': 'virtio-gpu-pci',
};

/** The NIC QEMU's machine creates when nothing configures one (hw/i386/pc.c pc_nic_init: e1000 on pc, e1000e on q35). */
const DEFAULT_NIC: Readonly<Record<'pc' | 'q35', string>> = { pc: 'e1000', q35: 'e1000e' };

/** -cpu models by vendor (target/i386/cpu.c builtin_x86_defs: qemu64 is AuthenticAMD, kvm64 GenuineIntel). */
const AMD_CPU = /^(qemu64|qemu32|phenom|athlon|opteron|epyc)/i;
const INTEL_CPU = /^(kvm64|kvm32|core|conroe|penryn|nehalem|westmere|sandybridge|ivybridge|haswell|broadwell|skylake|cascadelake|cooperlake|icelake|sapphirerapids|graniterapids|sierraforest|snowridge|denverton|pentium|n270|coreduo|clearwater|kvm)/i;

export interface QemuImportOptions {
  /** The QEMU version the config should name (the command line cannot say it). */
  readonly qemu: string;
  readonly source?: string;
}

interface RawDevice {
  driver: string;
  opts: OptPair[];
}

/** Splits argv into (option, argument) pairs in order; argv[0] may be the binary. */
function optionPairs(argv: readonly string[], notes: string[]): { name: string; arg: string | undefined }[] {
  const out: { name: string; arg: string | undefined }[] = [];
  let i = 0;
  if (argv[0] !== undefined && !argv[0].startsWith('-')) i = 1; // qemu-system-x86_64 (or a path to it)
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.startsWith('-')) {
      notes.push(`stray argument '${w}' (QEMU would read it as a disk image)`);
      continue;
    }
    const name = w.replace(/^--?/, '');
    if (FLAGS.has(name)) out.push({ name, arg: undefined });
    else out.push({ name, arg: argv[++i] });
  }
  return out;
}

function memoryOf(arg: string): { memory: number; maxmem?: number; slots?: number } | undefined {
  const o = parseOpts(arg, 'size');
  const get = (k: string): string | undefined => o.find((p) => p.key === k)?.value;
  // QEMU reads a bare -m number as MiB (vl.c parse_memory_options: default suffix 'M').
  const sz = (v: string | undefined): number | undefined => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) * 0x10_0000 : parseSize(v));
  const memory = sz(get('size'));
  if (memory === undefined) return undefined;
  const maxmem = sz(get('maxmem'));
  const slots = get('slots');
  return { memory, ...(maxmem !== undefined ? { maxmem } : {}), ...(slots !== undefined ? { slots: Number(slots) } : {}) };
}

function cpuOf(arg: string, notes: string[], remarks: string[]): ImportedCpu {
  const o = parseOpts(arg, 'model');
  const model = o.find((p) => p.key === 'model')?.value ?? 'qemu64';
  let vendor: 'amd' | 'intel' | undefined = AMD_CPU.test(model) ? 'amd' : INTEL_CPU.test(model) ? 'intel' : undefined;
  let physBits: number | undefined;
  for (const { key, value } of o) {
    if (key === 'model') continue;
    if (key === 'phys-bits' && value !== undefined) physBits = Number(value);
    else if (key === 'host-phys-bits-limit' && value !== undefined) {
      // target/i386/kvm: host-phys-bits-limit caps the host's width; hosts with an IGD have 39 or more, so the cap is the width.
      physBits = Number(value);
      remarks.push(`-cpu ${key}=${value}: the guest gets min(host width, ${value}) physical address bits; vfio-sim takes ${value}`);
    } else if (key === 'vendor' && value !== undefined) vendor = /intel/i.test(value) ? 'intel' : /amd/i.test(value) ? 'amd' : vendor;
    else if (key === 'host-phys-bits') continue; // the default for -cpu host; the width itself is the host's
    else notes.push(`-cpu ${model}: ${value === undefined ? key : `${key}=${value}`} (CPU feature, not modelled)`);
  }
  if ((model === 'host' || model === 'max') && physBits === undefined) {
    remarks.push(`-cpu ${model}: the guest sees the host's physical address width; set machine.cpu.phys-bits to it (lscpu "Address sizes")`);
  }
  return { model, ...(vendor !== undefined ? { vendor } : {}), ...(physBits !== undefined ? { physBits } : {}) };
}

/** `device.ID.PROP=VALUE` of -set, or `DRIVER.PROP=VALUE` of -global. */
function dotted(arg: string): { head: string[]; prop: string; value: string } | undefined {
  const eq = arg.indexOf('=');
  if (eq < 0) return undefined;
  const path = arg.slice(0, eq).split('.');
  const prop = path.pop();
  if (prop === undefined || path.length === 0) return undefined;
  return { head: path, prop, value: arg.slice(eq + 1) };
}

function setOpt(d: RawDevice, key: string, value: string): void {
  const i = d.opts.findIndex((p) => p.key === key);
  if (i >= 0) d.opts[i] = { key, value };
  else d.opts.push({ key, value });
}

const IGD_HOST = /^(0000:)?00:02\.0$/i;

/** Converts one prop value to the model's type; undefined when it does not parse. */
function propValue(model: string, key: string, value: string | undefined): PropValue | undefined {
  const def = MODELS.lookup(model)?.props[key];
  if (def === undefined) return undefined;
  switch (def.type) {
    case 'boolean':
      if (value === undefined) return true;
      if (/^(on|true|yes)$/i.test(value)) return true;
      if (/^(off|false|no)$/i.test(value)) return false;
      return undefined;
    case 'integer':
      return value !== undefined && /^(0x[0-9a-f]+|-?\d+)$/i.test(value) ? Number(value) : undefined;
    case 'size':
      return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : parseSize(value);
    case 'enum':
      return value !== undefined && (def.values ?? []).includes(value.toLowerCase()) ? value.toLowerCase() : undefined;
    default:
      return value ?? '';
  }
}

/** One -device → a vfio-sim device, or a note saying why not. */
function convertDevice(raw: RawDevice, rootBus: string, bridgeIds: ReadonlySet<string>, notes: string[]): ImportedDevice | undefined {
  const text = `-device ${[raw.driver, ...raw.opts.map((p) => (p.value === undefined ? p.key : `${p.key}=${p.value}`))].join(',')}`;
  const get = (k: string): string | undefined => raw.opts.find((p) => p.key === k)?.value;
  let model = raw.driver;
  const comments: string[] = [];
  if (raw.driver === 'vfio-pci') {
    const host = get('host');
    if (host === undefined || !IGD_HOST.test(host)) {
      notes.push(`${text}: an assigned device other than the host's IGD (00:02.0) is not modelled`);
      return undefined;
    }
    model = IGD_MODEL;
  }
  if (MODELS.lookup(model) === undefined) {
    notes.push(`${text}: device model '${raw.driver}' is not modelled`);
    return undefined;
  }
  const id = get('id');
  const busName = get('bus');
  let bus: string | undefined;
  if (busName !== undefined && !(busName === rootBus && !bridgeIds.has(busName))) {
    if (!bridgeIds.has(busName)) {
      notes.push(`${text}: its bus '${busName}' is not a modelled bridge, so the device is left out`);
      return undefined;
    }
    bus = busName;
  }
  const addrText = get('addr');
  const devfn = addrText === undefined ? undefined : parseDevfn(addrText);
  if (addrText !== undefined && devfn === undefined) notes.push(`${text}: addr=${addrText} is not a PCI address; QEMU would refuse it`);
  const props: Record<string, PropValue> = {};
  for (const { key, value } of raw.opts) {
    if (key === 'id' || key === 'bus' || key === 'addr' || key === 'driver') continue;
    if (model === IGD_MODEL && key === 'host') continue;
    const v = propValue(model, key, value);
    if (v === undefined) {
      const kv = value === undefined ? key : `${key}=${value}`;
      notes.push(`${text}: ${kv} ${MODELS.lookup(model)?.props[key] === undefined ? 'is not a modelled property' : 'has a value vfio-sim cannot read'}`);
    } else props[key] = v;
  }
  if (model === IGD_MODEL) comments.push(`QEMU: vfio-pci,host=${get('host')} (the host's IGD)`);
  return {
    model,
    ...(id !== undefined ? { id } : {}),
    ...(bus !== undefined ? { bus } : {}),
    ...(devfn !== undefined ? { devfn } : {}),
    props,
    comments,
  };
}

function firmwareOfPath(path: string): 'seabios' | 'ovmf' {
  return /ovmf|edk2|efi/i.test(path) ? 'ovmf' : 'seabios';
}

/** Imports a QEMU command line given as argv (argv[0] may be the binary). */
export function importQemuArgv(argv: readonly string[], options: QemuImportOptions): ImportedConfig {
  const notes: string[] = [];
  const remarks: string[] = [];
  const pairs = optionPairs(argv, notes);
  let machineType: string | undefined;
  let mem: { memory: number; maxmem?: number; slots?: number } | undefined;
  let cpu: ImportedCpu | undefined;
  let firmware: 'seabios' | 'ovmf' | undefined;
  let nodefaults = false;
  let vga: string | undefined;
  let netConfigured = false;
  const raws: RawDevice[] = [];
  const sets: { head: string[]; prop: string; value: string; arg: string }[] = [];
  const globals: { head: string[]; prop: string; value: string; arg: string }[] = [];
  for (const { name, arg } of pairs) {
    if (arg === undefined && !FLAGS.has(name)) {
      notes.push(`-${name} without its argument`);
      continue;
    }
    switch (name) {
      case 'machine':
      case 'M': {
        for (const { key, value } of parseOpts(arg!, 'type')) {
          if (key === 'type') machineType = value;
          else if (key === 'pflash0' || key === 'pflash1') firmware = 'ovmf';
          else notes.push(`-machine ${value === undefined ? key : `${key}=${value}`} (machine option, not modelled)`);
        }
        break;
      }
      case 'm': {
        mem = memoryOf(arg!);
        if (mem === undefined) throw new ImportError(`-m ${arg}: not a memory size QEMU accepts`, 1, 1, arg);
        break;
      }
      case 'cpu':
        cpu = cpuOf(arg!, notes, remarks);
        break;
      case 'bios':
        firmware = firmwareOfPath(arg!);
        if (firmware === 'seabios') remarks.push(`-bios ${arg}: a SeaBIOS build; vfio-sim runs the release the QEMU version ships`);
        break;
      case 'drive': {
        const o = parseOpts(arg!, 'file');
        if (o.some((p) => p.key === 'if' && p.value === 'pflash')) {
          firmware = 'ovmf';
          remarks.push(`-drive ${arg}: pflash firmware image (OVMF: firmware.type ovmf)`);
        } else notes.push(`-drive ${arg}: ${IGNORED_NOTE['drive']} (ignored)`);
        break;
      }
      case 'nodefaults':
        nodefaults = true;
        break;
      case 'vga':
        vga = arg!;
        break;
      case 'netdev':
      case 'net':
      case 'nic':
        netConfigured = true;
        notes.push(`-${name} ${arg}: ${IGNORED_NOTE[name]} (ignored)`);
        break;
      case 'device': {
        const o = parseOpts(arg!, 'driver');
        const named = o.find((p) => p.key === 'driver')?.value ?? '';
        const driver = DRIVER_ALIASES[named] ?? named;
        raws.push({ driver, opts: o.filter((p) => p.key !== 'driver') });
        break;
      }
      case 'set': {
        const d = dotted(arg!);
        if (d === undefined || d.head.length !== 2 || d.head[0] !== 'device') notes.push(`-set ${arg} (not a device property, ignored)`);
        else sets.push({ ...d, arg: arg! });
        break;
      }
      case 'global': {
        const d = dotted(arg!);
        if (d === undefined || d.head.length !== 1) notes.push(`-global ${arg} (ignored)`);
        else globals.push({ ...d, arg: arg! });
        break;
      }
      case 'nographic':
      case 'no-user-config':
      case 'enable-kvm':
        break; // no effect on the guest's PCI topology or firmware
      default:
        notes.push(`-${name}${arg === undefined ? '' : ` ${arg}`}: ${IGNORED_NOTE[name] ?? 'option'} (not modelled)`);
    }
  }
  if (machineType === undefined) machineType = 'pc'; // QEMU x86_64's default machine is pc (i440fx)
  const named = parseMachineTypeName(machineType.replace(/\+pve\d+$/, ''));
  if (named === undefined) throw new ImportError(`-machine ${machineType}: vfio-sim models q35 and pc (i440fx) machines only`, 1, 1, machineType);
  const type = named.type;
  // -set applies to the device with that id (vl.c qemu_set_option on the "device" opts list).
  for (const s of sets) {
    const d = raws.find((r) => r.opts.some((p) => p.key === 'id' && p.value === s.head[1]));
    if (d === undefined) notes.push(`-set ${s.arg}: no -device with id '${s.head[1]}' (QEMU: "there is no device ... defined")`);
    else setOpt(d, s.prop, s.value);
  }
  // -global DRIVER.PROP is the property's default for every device of that driver (qdev_prop_set_globals).
  for (const g of globals) {
    const targets = raws.filter((r) => r.driver === g.head[0]);
    if (targets.length === 0) notes.push(`-global ${g.arg} (no device of that driver here, or not a PCI device: ignored)`);
    for (const t of targets) if (!t.opts.some((p) => p.key === g.prop)) t.opts.push({ key: g.prop, value: g.value });
  }
  const rootBus = type === 'q35' ? 'pcie.0' : 'pci.0';
  const devices: ImportedDevice[] = [];
  if (!nodefaults) {
    const vgaModel = vga !== undefined ? VGA_MODELS[vga] : raws.some((r) => DISPLAY_DRIVERS.has(r.driver)) ? null : 'VGA';
    if (vga !== undefined && vgaModel === undefined) notes.push(`-vga ${vga}: unknown display type`);
    else if (vgaModel !== null && vgaModel !== undefined) {
      if (MODELS.lookup(vgaModel) === undefined) notes.push(`-vga ${vga}: QEMU's ${vgaModel} is not modelled`);
      else devices.push({ model: vgaModel, props: {}, comments: [vga === undefined ? "QEMU's default VGA (no -nodefaults)" : `-vga ${vga}`] });
    }
    if (!netConfigured) {
      devices.push({ model: DEFAULT_NIC[type], props: {}, comments: ["QEMU's default NIC (no -nodefaults, no -netdev/-nic)"] });
    }
  } else if (vga !== undefined && vga !== 'none') notes.push(`-vga ${vga} with -nodefaults: QEMU creates no VGA`);
  // Bridges first: a device's bus must be a modelled bridge declared anywhere on the line (QEMU resolves
  // bus= when the device is created, in command-line order, so a bus defined later is an error there too).
  const bridgeIds = new Set<string>();
  for (const r of raws) {
    const id = r.opts.find((p) => p.key === 'id')?.value;
    if (id !== undefined && MODELS.lookup(r.driver)?.kind === 'bridge') bridgeIds.add(id);
  }
  // A bridge QEMU knows as pci.0 (Proxmox's q35 cfg names one so) cannot keep the name in a config, where
  // pci.0 and pcie.0 always mean the root bus: it gets a new id, and its children follow it.
  for (const rootName of ['pci.0', 'pcie.0']) {
    if (!bridgeIds.has(rootName)) continue;
    const renamed = `${rootName}-bridge`;
    remarks.push(`the bridge with id '${rootName}' is '${renamed}' here: in a vfio-sim config '${rootName}' always names the root bus`);
    bridgeIds.delete(rootName);
    bridgeIds.add(renamed);
    for (const r of raws) {
      for (let i = 0; i < r.opts.length; i++) {
        const o = r.opts[i]!;
        if ((o.key === 'bus' && o.value === rootName) || (o.key === 'id' && o.value === rootName && MODELS.lookup(r.driver)?.kind === 'bridge')) r.opts[i] = { key: o.key, value: renamed };
      }
    }
  }
  let hasIgd = false;
  for (const r of raws) {
    const d = convertDevice(r, rootBus, bridgeIds, notes);
    if (d === undefined) {
      const id = r.opts.find((p) => p.key === 'id')?.value;
      if (id !== undefined) bridgeIds.delete(id);
      continue;
    }
    if (d.model === IGD_MODEL) {
      hasIgd = true;
      if (d.bus === undefined && d.devfn === undefined) {
        // qdev puts a device without addr= in the first free slot of its bus (pci_bus_devfn_available order)
        remarks.push("the IGD has no addr=: QEMU would give it the bus's first free slot, not 02.0, where QEMU's IGD quirks and guest drivers need it; vfio-sim places it at 00:02.0 (add addr=02.0)");
        devices.push({ ...d, devfn: IGD_DEVFN, comments: [...d.comments, 'no addr= in the source: placed at 00:02.0'] });
        continue;
      }
      if (d.bus !== undefined || (d.devfn !== undefined && d.devfn !== IGD_DEVFN)) {
        const where = `${d.bus ?? rootBus} addr ${d.devfn === undefined ? '(first free)' : devfnText(d.devfn)}`;
        remarks.push(`the IGD sits at ${where} in this VM; vfio-sim models it only at 00:02.0, where QEMU's IGD quirks and guest drivers expect it (moved)`);
        const { bus: _bus, ...rest } = d;
        void _bus;
        devices.push({ ...rest, devfn: IGD_DEVFN, comments: [...d.comments, `moved from ${where} to 00:02.0`] });
        continue;
      }
    }
    devices.push(d);
  }
  if (cpu === undefined) cpu = { model: 'qemu64', vendor: 'amd' };
  if (cpu.vendor === undefined && hasIgd) {
    cpu = { ...cpu, vendor: 'intel' };
    remarks.push(`-cpu ${cpu.model}: takes the host's vendor; a host with an Intel IGD is Intel`);
  }
  return {
    source: options.source ?? 'QEMU command line',
    machine: {
      type: machineType.replace(/\+pve\d+$/, ''),
      qemu: options.qemu,
      memory: mem?.memory ?? 128 * 0x10_0000,
      ...(mem?.maxmem !== undefined ? { maxmem: mem.maxmem } : {}),
      ...(mem?.slots !== undefined ? { slots: mem.slots } : {}),
      cpu,
    },
    firmware: firmware !== undefined ? { type: firmware } : {},
    devices,
    hasIgd,
    notModelled: notes,
    remarks,
  };
}

export { devfnText };

import { PciFunction } from '../pci/function.js';
import { PCI_CAP_ID_VNDR } from '../pci/regs.js';
import type { CheckContext, DeviceContext, ModelDef, PropDef, Props } from '../registry.js';
import { addEndpointPcieCap, addMsixCap, applyRom, defineModel, identityOf, msixBarSize } from './build.js';
import { VENDOR_VIRTIO, VIRTIO, type EndpointFacts, type VirtioFacts } from './facts.js';
import { machineFacts } from './versions.js';
import { bool, int, onOffAuto, pow2ceil, propBool, propNum, propOnOffAuto, propSet, size, str, U32 } from './props.js';

/**
 * virtio-pci proxies as QEMU 7.2 realizes them (hw/virtio/virtio-pci.c virtio_pci_realize /
 * virtio_pci_device_plugged): legacy IO BAR0, MSI-X BAR1, modern 64-bit prefetchable BAR4.
 */
const LEGACY_IO_BAR = 0;
const MSIX_BAR = 1;
const MODERN_MEM_BAR = 4;
/** VIRTIO_PCI_CONFIG_OFF: legacy header size with / without MSI-X (include/hw/virtio/virtio-pci.h). */
const LEGACY_HDR_MSIX = 24;
const LEGACY_HDR = 20;
/** Modern BAR4 layout: common, ISR, device config at 4 KiB strides, then notify (virtio_pci_realize). */
const MODERN_REGION = 0x1000;
const NOTIFY_OFFSET = 0x3000;
const VIRTIO_QUEUE_MAX = 1024;
/** virtio_pci_queue_mem_mult: 4 bytes per queue, or a page each with page-per-vq=on. */
const QUEUE_MEM_MULT = 4;
const QUEUE_MEM_MULT_PAGE = 0x1000;
/** virtio_pci_cap cfg_type values (virtio spec 4.1.4). */
const CFG_COMMON = 1;
const CFG_NOTIFY = 2;
const CFG_ISR = 3;
const CFG_DEVICE = 4;
const CFG_PCI = 5;

/** Props of every virtio-pci proxy (virtio_pci_properties and DEFINE_VIRTIO_COMMON_FEATURES). */
const VIRTIO_PCI_PROPS: Readonly<Record<string, PropDef>> = {
  'disable-legacy': onOffAuto('auto = off on the root bus, on behind a PCIe port'),
  'disable-modern': bool(),
  'page-per-vq': bool(),
  'modern-pio-notify': bool(),
  'x-disable-pcie': bool(),
  ioeventfd: bool(),
  ats: bool(),
  iommu_platform: bool(),
  any_layout: bool(),
  indirect_desc: bool(),
  event_idx: bool(),
  notify_on_empty: bool(),
  packed: bool(),
  virtio_pci_bus_master_bug_migration: bool(),
};

/** Bytes of device config space the legacy BAR exposes (virtio_get_config_size with default features). */
type CfgLen = (p: Props) => number;

interface VirtioModel {
  readonly props: Readonly<Record<string, PropDef>>;
  readonly cfgLen: CfgLen;
  /** `vectors` default when the prop is absent; undefined = the model has no vectors prop. */
  readonly vectors?: (p: Props, ctx: DeviceContext) => number;
  /** virtio_pci_force_virtio_1: no legacy interface whatever disable-legacy says (virtio-gpu). */
  readonly modernOnly?: boolean;
  /** BAR indices when the proxy moves them (virtio-vga: modern BAR2, MSI-X BAR4, its VGA VRAM on BAR0). */
  readonly modernBar?: number;
  readonly msixBar?: number;
  readonly vramBar?: { readonly bar: number; readonly size: number };
}

const MODELS: Readonly<Record<string, VirtioModel>> = {
  // virtio_net_config: mac+status = 8; +max_virtqueue_pairs with mq; +mtu with host_mtu.
  'virtio-net-pci': {
    props: {
      mac: str(), netdev: str(), bootindex: int(-1, 0x7fff_ffff), vectors: int(0, 2048), mq: bool(), host_mtu: int(68, 65535),
      csum: bool(), guest_csum: bool(), gso: bool(), rx_queue_size: int(256, 1024), tx_queue_size: int(256, 1024), speed: int(-1, 0x7fff_ffff), duplex: str(),
    },
    cfgLen: (p) => (propSet(p, 'host_mtu') ? 12 : propBool(p, 'mq', false) ? 10 : 8),
    vectors: () => 3, // virtio_net_properties "vectors" default
  },
  // virtio_balloon_config: num_pages+actual = 8; +free_page_hint_cmd_id; +poison_val (page-poison defaults on).
  // MSI-X vectors only from machine type 10.0 on (versions.ts).
  'virtio-balloon-pci': {
    props: { 'deflate-on-oom': bool(), 'free-page-hint': bool(), 'page-poison': bool(), 'free-page-reporting': bool(), iothread: str(), vectors: int(0, 2048) },
    cfgLen: (p) => (propBool(p, 'page-poison', true) ? 16 : propBool(p, 'free-page-hint', false) ? 12 : 8),
    vectors: (_p, ctx) => machineFacts(ctx.machineVersion).balloonVectors,
  },
  // virtio_console_config: cols, rows, max_nr_ports = 8; +emerg_wr (emergency-write defaults on).
  'virtio-serial-pci': {
    props: { vectors: int(0, 2048), max_ports: int(1, 511), 'emergency-write': bool(), class: int(0, 0xffff) },
    cfgLen: (p) => (propBool(p, 'emergency-write', true) ? 12 : 8),
    // virtio_serial_pci_properties: "vectors" defaults to 2, whatever max_ports says (query-pci of QEMU 7.2.22
    // and 10.0.13: max_ports=511 keeps a 4 KiB MSI-X BAR).
    vectors: () => 2,
  },
  // virtio_scsi_config is 36 bytes; vectors default num_queues + 3, num_queues one per vCPU.
  'virtio-scsi-pci': {
    props: {
      vectors: int(0, 2048), num_queues: int(1, 1024), virtqueue_size: int(1, 1024), max_sectors: int(1, 0xffff),
      cmd_per_lun: int(1, 0xffff), iothread: str(), hotplug: bool(), param_change: bool(),
    },
    cfgLen: () => 36,
    vectors: (p, ctx) => propNum(p, 'num_queues', optimalQueues(ctx, 2)) + 3,
  },
  // virtio_blk_config is 60 bytes (include/standard-headers/linux/virtio_blk.h; the legacy BAR rounds to 128 on
  // 7.2 and 10.0 alike); vectors default num-queues + 1, num-queues "auto" = one per vCPU (virtio_blk_pci_realize).
  'virtio-blk-pci': {
    props: {
      drive: str('block backend id (QEMU requires it)'), vectors: int(0, 2048), 'num-queues': int(1, 1024), 'queue-size': int(2, 1024),
      bootindex: int(-1, 0x7fff_ffff), serial: str(), iothread: str(), discard: bool(), write_zeroes: bool(),
    },
    cfgLen: () => 60,
    vectors: (p, ctx) => propNum(p, 'num-queues', optimalQueues(ctx, 0)) + 1,
  },
  // hw/display/virtio-gpu-pci.c: modern only, vectors default 3.
  'virtio-gpu-pci': {
    props: { vectors: int(0, 2048), max_outputs: int(1, 16), edid: bool(), xres: int(0, U32), yres: int(0, U32), max_hostmem: size() },
    cfgLen: () => 0,
    vectors: () => 3,
    modernOnly: true,
  },
  // hw/display/virtio-vga.c virtio_vga_base_realize: VGA VRAM on BAR0 (8 MiB at default props as QEMU 7.2.22 and
  // 10.0.13 report it), modern_mem_bar_idx 2, msix_bar_idx 4; modern only.
  'virtio-vga': {
    props: { vectors: int(0, 2048), max_outputs: int(1, 16), edid: bool(), xres: int(0, U32), yres: int(0, U32), max_hostmem: size() },
    cfgLen: () => 0,
    vectors: () => 3,
    modernOnly: true,
    modernBar: 2,
    msixBar: 4,
    vramBar: { bar: 0, size: 8 * 1024 * 1024 },
  },
  'virtio-rng-pci': {
    props: { vectors: int(0, 2048), rng: str(), 'max-bytes': size(), period: int(1, U32) },
    cfgLen: () => 0,
    vectors: () => 2, // virtio_rng_pci_realize: unspecified vectors become 2
  },
};

/**
 * virtio_pci_optimal_num_queues (hw/virtio/virtio-pci.c): one queue per vCPU, capped so the queues fit
 * VIRTIO_QUEUE_MAX and the vectors (queues + fixed + config) fit the 2048-entry MSI-X table.
 */
function optimalQueues(ctx: DeviceContext, fixed: number): number {
  return Math.min(ctx.cpus ?? 1, VIRTIO_QUEUE_MAX - fixed, 2048 - 1 - fixed);
}

/** Which interfaces the proxy offers (virtio_pci_realize: disable-legacy=auto follows the bus). */
/** A virtio device is PCI Express below a PCIe port unless x-disable-pcie (virtio_pci_realize). */
function virtioPcie(p: Props, ctx: Pick<CheckContext, 'pcieBus'>): boolean {
  return ctx.pcieBus && !propBool(p, 'x-disable-pcie', false);
}

export function virtioModes(p: Props, ctx: Pick<CheckContext, 'pcieBus'>): { legacy: boolean; modern: boolean } {
  const dl = propOnOffAuto(p, 'disable-legacy');
  const legacy = dl === 'auto' ? !ctx.pcieBus : dl === 'off';
  return { legacy, modern: !propBool(p, 'disable-modern', false) };
}

function vendorCap(fn: PciFunction, cfgType: number, offset: number, length: number, extra = 0, bar = MODERN_MEM_BAR): number {
  const off = fn.addCapability(PCI_CAP_ID_VNDR, 16 + extra);
  fn.cfg[off + 2] = 16 + extra;
  fn.cfg[off + 3] = cfgType;
  fn.cfg[off + 4] = cfgType === CFG_PCI ? 0 : bar;
  fn.set32(off + 8, offset);
  fn.set32(off + 12, length);
  return off;
}

function virtioModel(name: string, facts: VirtioFacts, model: VirtioModel): ModelDef {
  return defineModel(name, { ...VIRTIO_PCI_PROPS, ...model.props }, {
    check: (p, ctx) => {
      const { legacy, modern } = virtioModes(p, ctx);
      if (legacy || modern) return [];
      const where = ctx.pcieBus ? 'behind a PCIe port disable-legacy=auto means on; ' : '';
      return [{ message: `${name}: device cannot work as neither modern nor legacy mode is enabled (${where}set disable-modern or disable-legacy to off)` }];
    },
    pcie: virtioPcie,
    create: (spec, ctx) => {
      const p = spec.props;
      const modes = virtioModes(p, ctx);
      const legacy = modes.legacy && model.modernOnly !== true;
      const modern = modes.modern || model.modernOnly === true;
      const modernBar = model.modernBar ?? MODERN_MEM_BAR;
      const msixBar = model.msixBar ?? MSIX_BAR;
      const pcie = virtioPcie(p, ctx);
      // Transitional devices keep the legacy ID and name the device type in the subsystem ID;
      // modern-only ones use 0x1040 + type and revision 1 (virtio_pci_device_plugged).
      const ids: EndpointFacts = legacy
        ? { vendor: VENDOR_VIRTIO, device: facts.legacyDevice, classCode: facts.classCode, revision: 0, interruptPin: 1,
            subsystemVendor: VENDOR_VIRTIO, subsystem: facts.type, bars: [] }
        : { vendor: VENDOR_VIRTIO, device: 0x1040 + facts.type, classCode: facts.classCode, revision: 1, interruptPin: 1, bars: [] };
      const fn = new PciFunction(identityOf(ids, pcie), 0, ctx.configSpace);
      const vectors = model.vectors === undefined ? 0 : propNum(p, 'vectors', model.vectors(p, ctx));
      if (modern) {
        const mult = propBool(p, 'page-per-vq', false) ? QUEUE_MEM_MULT_PAGE : QUEUE_MEM_MULT;
        const notifySize = mult * VIRTIO_QUEUE_MAX;
        fn.defineBar(modernBar, { size: pow2ceil(NOTIFY_OFFSET + notifySize), space: 'mem', is64: true, prefetch: true });
        vendorCap(fn, CFG_COMMON, 0, MODERN_REGION, 0, modernBar);
        vendorCap(fn, CFG_ISR, MODERN_REGION, MODERN_REGION, 0, modernBar);
        vendorCap(fn, CFG_DEVICE, 2 * MODERN_REGION, MODERN_REGION, 0, modernBar);
        const n = vendorCap(fn, CFG_NOTIFY, NOTIFY_OFFSET, notifySize, 4, modernBar);
        fn.set32(n + 16, mult); // notify_off_multiplier
        vendorCap(fn, CFG_PCI, 0, 0, 4, modernBar);
      }
      if (model.vramBar !== undefined) fn.defineBar(model.vramBar.bar, { size: model.vramBar.size, space: 'mem', is64: false, prefetch: true });
      if (vectors > 0) {
        fn.defineBar(msixBar, { size: msixBarSize(vectors).size, space: 'mem', is64: false, prefetch: false });
        addMsixCap(fn, vectors, msixBar);
      }
      if (legacy) {
        const hdr = vectors > 0 ? LEGACY_HDR_MSIX : LEGACY_HDR;
        fn.defineBar(LEGACY_IO_BAR, { size: pow2ceil(hdr + model.cfgLen(p)), space: 'io', is64: false, prefetch: false });
      }
      if (pcie) addEndpointPcieCap(fn, ctx);
      applyRom(fn, p, facts.romfile);
      return fn;
    },
  });
}

export function virtioModels(): ModelDef[] {
  return Object.entries(MODELS).map(([name, m]) => {
    const facts = VIRTIO[name];
    if (facts === undefined) throw new Error(`bug: no virtio facts for ${name}`);
    return virtioModel(name, facts, m);
  });
}

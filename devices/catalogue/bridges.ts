import { PciBridge } from '../pci/bridge.js';
import type { PciFunction } from '../pci/function.js';
import {
  PCI_CAP_ID_SHPC, PCI_CAP_ID_VNDR, PCI_COMMAND, PCI_EXP_TYPE_DOWNSTREAM, PCI_EXP_TYPE_PCI_BRIDGE, PCI_EXP_TYPE_ROOT_PORT,
  PCI_EXP_TYPE_UPSTREAM, PCI_IO_BASE, PCI_IO_LIMIT,
} from '../pci/regs.js';
import type { ModelDef, PropDef, PropProblem, Props } from '../registry.js';
import { addMsixCap, addPcieCap, defineModel } from './build.js';
import { VENDOR_INTEL, VENDOR_REDHAT } from './facts.js';
import { bool, int, onOffAuto, propBool, propNum, propOnOffAuto, propSet, size, U32 } from './props.js';

/**
 * QEMU 7.2's bridges (docs/firmware-seabios.md §13.3/§12.4): pci-bridge (hw/pci-bridge/pci_bridge_dev.c),
 * pcie-root-port (gen_pcie_root_port.c + pcie_root_port.c), pcie-pci-bridge (pcie_pci_bridge.c).
 */
export const BRIDGE_IDS = {
  'pci-bridge': 0x0001, // PCI_DEVICE_ID_REDHAT_BRIDGE
  'pcie-root-port': 0x000c, // PCI_DEVICE_ID_REDHAT_PCIE_RP
  'pcie-pci-bridge': 0x000e, // PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE
} as const;

const SHPC_BAR_SIZE = 256; // pow2ceil(SHPC_SIZEOF), the 64-bit "shpc-bar" (hw/pci/shpc.c)
const SHPC_CAP_LENGTH = 8; // hw/pci/shpc.c
const PCI_CAP_ID_SLOTID = 0x04;
const SLOTID_CAP_LENGTH = 4; // hw/pci/slotid_cap.c: +2 ESR (first-in-chassis | nslots), +3 chassis
const PCI_SID_ESR_FIC = 0x20;
const PCI_CAP_ID_MSI = 0x05;
const MSI_CAP_64_MASKED = 24; // msi_init(64-bit, per-vector mask): PCI_MSI_64 + mask/pending
const PCI_CAP_ID_SSVID = 0x0d;
const SSVID_CAP_LENGTH = 8; // pci_bridge_ssvid_init: +4 subsystem vendor, +6 subsystem
const ROOT_PORT_MSIX_VECTORS = 1; // GEN_PCIE_ROOT_PORT_MSIX_NR_VECTOR
const ROOT_PORT_MSIX_BAR = 0;

/** QEMU resource-reserve capability (hw/pci/pci_bridge.c PCIBridgeQemuCap; docs/firmware-seabios.md §2, §6.4). */
export const QEMU_RESERVE_CAP_TYPE = 1;
export const QEMU_RESERVE_CAP_LEN = 32;
export const RESERVE_CAP = { busRes: 4, io: 8, mem: 16, pref32: 20, pref64: 24 } as const;
const RESERVE_PROPS = ['bus-reserve', 'io-reserve', 'mem-reserve', 'pref32-reserve', 'pref64-reserve'] as const;
const FOUR_GIB = 0x1_0000_0000;

const RESERVE_PROP_DEFS: Readonly<Record<string, PropDef>> = {
  'bus-reserve': int(0, U32, 'extra bus numbers to reserve below this bridge'),
  'io-reserve': size('IO window to reserve (0 makes the IO window read-only on pcie-root-port)'),
  'mem-reserve': size('32-bit non-prefetchable window to reserve (< 4G)'),
  'pref32-reserve': size('32-bit prefetchable window to reserve (< 4G; not with pref64-reserve)'),
  'pref64-reserve': size('64-bit prefetchable window to reserve (not with pref32-reserve)'),
};

/** pci_bridge_qemu_reserve_cap_init's refusals. */
function reserveProblems(p: Props): PropProblem[] {
  const out: PropProblem[] = [];
  if (propSet(p, 'pref32-reserve') && propSet(p, 'pref64-reserve')) {
    out.push({ prop: 'pref64-reserve', message: 'PCI resource reserve cap: PREF32 and PREF64 conflict (set only one)' });
  }
  if (propNum(p, 'mem-reserve', 0) >= FOUR_GIB) out.push({ prop: 'mem-reserve', message: 'PCI resource reserve cap: mem-reserve must be less than 4G' });
  if (propNum(p, 'pref32-reserve', 0) >= FOUR_GIB) out.push({ prop: 'pref32-reserve', message: 'PCI resource reserve cap: pref32-reserve must be less than 4G' });
  return out;
}

function set64(fn: PciFunction, off: number, v: number): void {
  fn.set32(off, v % FOUR_GIB);
  fn.set32(off + 4, Math.floor(v / FOUR_GIB));
}

/** Adds the reserve capability only when some reserve prop is set, as QEMU 7.2 does; unset fields are all ones. */
export function addReserveCap(fn: PciFunction, p: Props): void {
  if (!RESERVE_PROPS.some((k) => propSet(p, k))) return;
  const off = fn.addCapability(PCI_CAP_ID_VNDR, QEMU_RESERVE_CAP_LEN);
  fn.cfg[off + 2] = QEMU_RESERVE_CAP_LEN;
  fn.cfg[off + 3] = QEMU_RESERVE_CAP_TYPE;
  const unset = 0xffff_ffff;
  fn.set32(off + RESERVE_CAP.busRes, propSet(p, 'bus-reserve') ? propNum(p, 'bus-reserve', 0) : unset);
  const u64 = (k: string, at: number): void => {
    if (propSet(p, k)) set64(fn, off + at, propNum(p, k, 0));
    else {
      fn.set32(off + at, unset);
      fn.set32(off + at + 4, unset);
    }
  };
  u64('io-reserve', RESERVE_CAP.io);
  fn.set32(off + RESERVE_CAP.mem, propSet(p, 'mem-reserve') ? propNum(p, 'mem-reserve', 0) : unset);
  fn.set32(off + RESERVE_CAP.pref32, propSet(p, 'pref32-reserve') ? propNum(p, 'pref32-reserve', 0) : unset);
  u64('pref64-reserve', RESERVE_CAP.pref64);
}

function addShpc(fn: PciFunction): void {
  fn.defineBar(0, { size: SHPC_BAR_SIZE, space: 'mem', is64: true, prefetch: false });
  fn.addCapability(PCI_CAP_ID_SHPC, SHPC_CAP_LENGTH);
}

function addMsi(fn: PciFunction): void {
  const off = fn.addCapability(PCI_CAP_ID_MSI, MSI_CAP_64_MASKED);
  fn.set16(off + 2, 0x0180); // 64-bit address capable, per-vector masking
}

function pciBridge(): ModelDef {
  return defineModel(
    'pci-bridge',
    { chassis_nr: int(0, 255, 'chassis number (> 0, required)'), shpc: bool('SHPC hotplug controller (default on)'), msi: onOffAuto(), ...RESERVE_PROP_DEFS },
    {
      kind: 'bridge',
      pciePort: false,
      pcie: () => false,
      check: (p) => {
        const out = reserveProblems(p);
        if (propNum(p, 'chassis_nr', 0) === 0) {
          out.unshift({ message: 'pci-bridge: Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0 (set props.chassis_nr)' });
        }
        return out;
      },
      create: (spec, ctx) => {
        const p = spec.props;
        const shpc = propBool(p, 'shpc', true);
        const fn = new PciBridge({ vendor: VENDOR_REDHAT, device: BRIDGE_IDS['pci-bridge'], classCode: 0x0604, interruptPin: shpc ? 1 : 0 }, false, ctx.configSpace);
        if (shpc) addShpc(fn);
        const sid = fn.addCapability(PCI_CAP_ID_SLOTID, SLOTID_CAP_LENGTH);
        fn.cfg[sid + 2] = PCI_SID_ESR_FIC;
        fn.cfg[sid + 3] = propNum(p, 'chassis_nr', 0);
        // MSI is not applicable without SHPC (pci_bridge_dev_realize forces msi=off).
        if (shpc && propOnOffAuto(p, 'msi') !== 'off') addMsi(fn);
        addReserveCap(fn, p);
        return fn;
      },
    },
  );
}

function pcieRootPort(): ModelDef {
  return defineModel(
    'pcie-root-port',
    {
      chassis: int(0, 255),
      slot: int(0, 0xffff),
      port: int(0, 255),
      hotplug: bool(),
      'x-native-hotplug': bool(),
      'disable-acs': bool(),
      power_controller_present: bool(),
      'x-speed': { type: 'enum', values: ['2_5', '5', '8', '16', '32', '64'] },
      'x-width': { type: 'enum', values: ['1', '2', '4', '8', '12', '16', '32'] },
      ...RESERVE_PROP_DEFS,
    },
    {
      kind: 'bridge',
      pciePort: true,
      pcie: () => true,
      machines: ['q35'],
      check: reserveProblems,
      create: (spec, ctx) => {
        const p = spec.props;
        const fn = new PciBridge({ vendor: VENDOR_REDHAT, device: BRIDGE_IDS['pcie-root-port'], classCode: 0x0604, interruptPin: 1, pcie: true }, true, ctx.configSpace);
        const ssvid = fn.addCapability(PCI_CAP_ID_SSVID, SSVID_CAP_LENGTH);
        fn.set16(ssvid + 4, VENDOR_REDHAT);
        fn.defineBar(ROOT_PORT_MSIX_BAR, { size: 4096, space: 'mem', is64: false, prefetch: false });
        addMsixCap(fn, ROOT_PORT_MSIX_VECTORS, ROOT_PORT_MSIX_BAR);
        // pcie_cap_slot_init sets "slot implemented" whatever hotplug says (docs/firmware-seabios.md §6.2).
        addPcieCap(fn, PCI_EXP_TYPE_ROOT_PORT, true, propBool(p, 'hotplug', true));
        addReserveCap(fn, p);
        if (propSet(p, 'io-reserve') && propNum(p, 'io-reserve', 0) === 0) {
          // gen_rp_realize: no IO window at all; IO base/limit keep their closed reset value.
          fn.wmask[PCI_COMMAND]! &= ~0x1;
          fn.wmask[PCI_IO_BASE] = 0;
          fn.wmask[PCI_IO_LIMIT] = 0;
        }
        return fn;
      },
    },
  );
}

function pciePciBridge(): ModelDef {
  return defineModel('pcie-pci-bridge', { msi: onOffAuto() }, {
    kind: 'bridge',
    pciePort: false,
    pcie: () => true,
    machines: ['q35'],
    create: (spec, ctx) => {
      const fn = new PciBridge({ vendor: VENDOR_REDHAT, device: BRIDGE_IDS['pcie-pci-bridge'], classCode: 0x0604, interruptPin: 1, pcie: true }, false, ctx.configSpace);
      addShpc(fn);
      addPcieCap(fn, PCI_EXP_TYPE_PCI_BRIDGE, false);
      if (propOnOffAuto(spec.props, 'msi') !== 'off') addMsi(fn);
      return fn;
    },
  });
}

const VENDOR_TI = 0x104c;

/** A PCIe port of fixed identity: IDs, MSI, SSVID and the PCIe capability of its port type (no BARs). */
interface PortFacts {
  readonly vendor: number;
  readonly device: number;
  readonly revision: number;
  readonly portType: number;
  readonly slot: boolean;
}

/**
 * Intel and TI PCIe ports QEMU emulates; IDs from hw/pci-bridge/ioh3420.c (PCI_DEVICE_ID_IOH_EPORT, rev 2),
 * xio3130_upstream.c (104c:8232, rev 2), xio3130_downstream.c (104c:8233, rev 1). None has a BAR or the QEMU
 * resource-reserve capability (SeaBIOS reads that only from Red Hat's own bridges). IDs and the absence of BARs
 * checked with query-pci / SeaBIOS logs on QEMU 7.2.22 and 10.0.13.
 */
const PORTS: Readonly<Record<string, PortFacts>> = {
  ioh3420: { vendor: VENDOR_INTEL, device: 0x3420, revision: 2, portType: PCI_EXP_TYPE_ROOT_PORT, slot: true },
  'x3130-upstream': { vendor: VENDOR_TI, device: 0x8232, revision: 2, portType: PCI_EXP_TYPE_UPSTREAM, slot: false },
  'xio3130-downstream': { vendor: VENDOR_TI, device: 0x8233, revision: 1, portType: PCI_EXP_TYPE_DOWNSTREAM, slot: true },
};

const MSI_CAP_32_MASKED = 20; // msi_init(32-bit, per-vector mask)

function pciePortModel(name: string, f: PortFacts): ModelDef {
  const slotProps: Readonly<Record<string, PropDef>> = f.slot ? { chassis: int(0, 255), slot: int(0, 0xffff), hotplug: bool() } : {};
  return defineModel(name, { port: int(0, 255), ...slotProps }, {
    kind: 'bridge',
    pciePort: true,
    ...(f.portType === PCI_EXP_TYPE_UPSTREAM ? { switchUpstream: true } : {}),
    pcie: () => true,
    machines: ['q35'],
    create: (_spec, ctx) => {
      // Only root ports disable base/limit at reset (pcie_root_port_reset); switch ports use pci_bridge_reset's zeros.
      const rootPort = f.portType === PCI_EXP_TYPE_ROOT_PORT;
      const fn = new PciBridge({ vendor: f.vendor, device: f.device, classCode: 0x0604, revision: f.revision, interruptPin: 1, pcie: true }, rootPort, ctx.configSpace);
      const msi = fn.addCapability(PCI_CAP_ID_MSI, MSI_CAP_32_MASKED);
      fn.set16(msi + 2, 0x0100); // per-vector masking, one vector
      const ssvid = fn.addCapability(PCI_CAP_ID_SSVID, SSVID_CAP_LENGTH);
      fn.set16(ssvid + 4, 0);
      addPcieCap(fn, f.portType, f.slot);
      return fn;
    },
  });
}

/**
 * i82801b11-bridge (hw/pci-bridge/i82801b11.c): Intel's DMI-to-PCI bridge 8086:244e, revision 0x92, an SSVID
 * capability and nothing else — no SHPC, so slot 0 behind it is usable and it offers no hot-plug reserve.
 */
function i82801b11Bridge(): ModelDef {
  return defineModel('i82801b11-bridge', { msi: onOffAuto() }, {
    kind: 'bridge',
    pciePort: false,
    pcie: () => false,
    machines: ['q35'],
    create: (_spec, ctx) => {
      const fn = new PciBridge({ vendor: VENDOR_INTEL, device: 0x244e, classCode: 0x0604, revision: 0x92, interruptPin: 0 }, false, ctx.configSpace);
      fn.addCapability(PCI_CAP_ID_SSVID, SSVID_CAP_LENGTH);
      return fn;
    },
  });
}

/**
 * Whether a bridge's secondary bus is run by its SHPC hotplug controller, which refuses devices in
 * slot 0 ("Unsupported PCI slot 0 for standard hotplug controller", hw/pci/shpc.c).
 */
export function hasShpc(model: string, props: Props): boolean {
  return model === 'pcie-pci-bridge' || (model === 'pci-bridge' && propBool(props, 'shpc', true));
}

/** The slots SHPC controls: 1..SHPC_MAX_SLOTS (31). */
export const SHPC_FIRST_SLOT = 1;

export function bridgeModels(): ModelDef[] {
  return [pciBridge(), pcieRootPort(), pciePciBridge(), i82801b11Bridge(), ...Object.entries(PORTS).map(([n, f]) => pciePortModel(n, f))];
}

import { PciFunction, type PciIdentity } from '../pci/function.js';
import { PCI_CAP_ID_EXP, PCI_CAP_ID_MSIX, PCI_EXP_FLAGS } from '../pci/regs.js';
import type { CheckContext, DeviceContext, ModelDef, PropDef, PropProblem, Props } from '../registry.js';
import type { DeviceSpec, MachineType } from '../spec.js';
import {
  DEFAULT_SUBSYSTEM, DEFAULT_SUBSYSTEM_VENDOR, ROM_BAR_SIZES, type BarFact, type EndpointFacts,
} from './facts.js';
import { PCI_COMMON_PROPS, propNum, propStr } from './props.js';
import { own } from '../own.js';

/** The identity a function gets from a facts row, with QEMU's default subsystem IDs filled in. */
export function identityOf(f: EndpointFacts, pcie: boolean): PciIdentity {
  return {
    vendor: f.vendor,
    device: f.device,
    classCode: f.classCode,
    progIf: f.progIf ?? 0,
    revision: f.revision,
    subsystemVendor: f.subsystemVendor ?? DEFAULT_SUBSYSTEM_VENDOR,
    subsystem: f.subsystem ?? DEFAULT_SUBSYSTEM,
    interruptPin: f.interruptPin,
    pcie,
  };
}

/** QEMU's pci_bus_is_express for the device's bus: q35's root bus (pcie.0) and anything below a PCIe port. */
export function onExpressBus(ctx: Pick<DeviceContext, 'machineType' | 'pcieBus' | 'rootBus'>): boolean {
  return ctx.pcieBus || (ctx.rootBus && ctx.machineType === 'q35');
}

export function defineBars(fn: PciFunction, bars: readonly BarFact[]): void {
  for (const b of bars) {
    fn.defineBar(b.bar, { size: b.size, space: b.space, is64: b.is64 === true, prefetch: b.prefetch === true });
  }
}

/**
 * The ROM BAR QEMU gives a device (hw/pci/pci.c pci_add_option_rom): none when rombar=0 or
 * romfile='' or the model has no romfile; else the file's size rounded to a power of two.
 */
export function romBarSize(props: Props, defaultRomfile: string | undefined): number {
  if (propNum(props, 'rombar', 1) === 0) return 0;
  const file = propStr(props, 'romfile') ?? defaultRomfile;
  if (file === undefined || file === '') return 0;
  return own(ROM_BAR_SIZES, file) ?? 0;
}

export function applyRom(fn: PciFunction, props: Props, defaultRomfile: string | undefined): void {
  const size = romBarSize(props, defaultRomfile);
  if (size > 0) fn.defineRom(size);
}

/** A romfile we cannot size is a config error: its ROM BAR would be unknown. */
function romfileProblems(props: Props): PropProblem[] {
  const file = propStr(props, 'romfile');
  if (file === undefined || file === '' || own(ROM_BAR_SIZES, file) !== undefined) return [];
  return [{ prop: 'romfile', message: `unknown romfile '${file}' (modelled: ${Object.keys(ROM_BAR_SIZES).join(', ')}, or '' for none)` }];
}

/** PCI Express capability (id 0x10, version 2) with the device/port type; length PCI_EXP_VER2_SIZEOF (0x3c). */
export const PCI_EXP_VER2_SIZEOF = 0x3c; // QEMU include/standard-headers/linux/pci_regs.h
export const PCI_EXP_TYPE_ENDPOINT = 0x0;
export const PCI_EXP_TYPE_RC_END = 0x9;

export function addPcieCap(fn: PciFunction, portType: number, slot: boolean, hotplug = false): number {
  const off = fn.addCapability(PCI_CAP_ID_EXP, PCI_EXP_VER2_SIZEOF);
  fn.set16(off + PCI_EXP_FLAGS, 0x2 | (portType << 4) | (slot ? 0x0100 : 0));
  // Slot Capabilities: Hot-Plug Surprise | Hot-Plug Capable when the slot is hot-pluggable (hw/pci/pcie.c
  // pcie_cap_slot_init); OVMF's PciBusDxe (SupportsPcieHotplug) asks it for padding only then.
  if (slot && hotplug) fn.set32(off + 0x14, fn.get32(off + 0x14) | 0x60);
  return off;
}

/** An endpoint's PCIe capability as pcie_endpoint_cap_init adds it: integrated endpoint on a root bus. */
export function addEndpointPcieCap(fn: PciFunction, ctx: Pick<DeviceContext, 'rootBus'>): void {
  addPcieCap(fn, ctx.rootBus ? PCI_EXP_TYPE_RC_END : PCI_EXP_TYPE_ENDPOINT, false);
}

/**
 * MSI-X exclusive-BAR geometry (QEMU hw/pci/msix.c msix_init_exclusive_bar): table at 0, PBA at half
 * of a 4 KiB BAR unless the table is larger; BAR size a power of two.
 */
export function msixBarSize(vectors: number): { size: number; pbaOffset: number } {
  let pbaOffset = 2048;
  const pbaSize = (Math.ceil(vectors / 64) * 64) / 8;
  if (vectors * 16 > pbaOffset) pbaOffset = vectors * 16;
  let size = 4096;
  if (pbaOffset + pbaSize > 4096) size = pbaOffset + pbaSize;
  let p = 1;
  while (p < size) p *= 2;
  return { size: p, pbaOffset };
}

/** MSI-X capability (id 0x11, 12 bytes): table size - 1, table and PBA offsets with their BAR index. */
export function addMsixCap(fn: PciFunction, vectors: number, bar: number): void {
  const { pbaOffset } = msixBarSize(vectors);
  const off = fn.addCapability(PCI_CAP_ID_MSIX, 12);
  fn.set16(off + 2, vectors - 1);
  fn.set32(off + 4, bar);
  fn.set32(off + 8, pbaOffset | bar);
}

export interface ModelOptions {
  readonly kind?: 'endpoint' | 'bridge';
  readonly pciePort?: boolean;
  readonly switchUpstream?: boolean;
  readonly machines?: readonly MachineType[];
  readonly check?: (props: Props, ctx: CheckContext) => readonly PropProblem[];
  /** ModelDef.pcie: whether `create` makes a PCIe function there. */
  readonly pcie?: (props: Props, ctx: CheckContext) => boolean;
  readonly create: (spec: DeviceSpec, ctx: DeviceContext) => PciFunction;
}

/** A ModelDef with the props every PCI device has and the common romfile check, so models state only their own. */
export function defineModel(name: string, props: Readonly<Record<string, PropDef>>, o: ModelOptions): ModelDef {
  const own = o.check;
  return {
    name,
    kind: o.kind ?? 'endpoint',
    ...(o.pciePort !== undefined ? { pciePort: o.pciePort } : {}),
    ...(o.switchUpstream !== undefined ? { switchUpstream: o.switchUpstream } : {}),
    ...(o.machines !== undefined ? { machines: o.machines } : {}),
    ...(o.pcie !== undefined ? { pcie: o.pcie } : {}),
    props: { ...PCI_COMMON_PROPS, ...props },
    check: (p, ctx) => [...romfileProblems(p), ...(own !== undefined ? own(p, ctx) : [])],
    create: o.create,
  };
}

/** Whether a facts-row model is PCI Express where `ctx` puts it. */
function tablePcie(facts: EndpointFacts, ctx: Pick<CheckContext, 'machineType' | 'pcieBus' | 'rootBus'>): boolean {
  return facts.pcie === 'always' || (facts.pcie === 'express-bus' && onExpressBus(ctx));
}

/** A model fully described by a facts row: fixed BARs, ROM from rombar/romfile, PCIe cap as QEMU adds it. */
export function tableModel(
  name: string,
  facts: EndpointFacts,
  props: Readonly<Record<string, PropDef>>,
  customize?: (fn: PciFunction, p: Props, ctx: DeviceContext) => void,
  check?: (props: Props, ctx: CheckContext) => readonly PropProblem[],
): ModelDef {
  return defineModel(name, props, {
    ...(check !== undefined ? { check } : {}),
    pcie: (_p, ctx) => tablePcie(facts, ctx),
    create: (spec, ctx) => {
      const pcie = tablePcie(facts, ctx);
      const fn = new PciFunction(identityOf(facts, pcie), 0, ctx.configSpace);
      defineBars(fn, facts.bars);
      applyRom(fn, spec.props, facts.romfile);
      if (pcie) addEndpointPcieCap(fn, ctx);
      customize?.(fn, spec.props, ctx);
      return fn;
    },
  });
}

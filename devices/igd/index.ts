import { IGD_DEVFN, IGD_MODEL } from './tables.js';
import { bool, int, onOffAuto, PCI_COMMON_PROPS, str } from '../catalogue/props.js';
import type { PciFunction } from '../pci/function.js';
import type { ModelDef, PropDef } from '../registry.js';
import { igdProps } from './behaviour.js';
import { IgdFunction } from './device.js';
import { resolveHostIgd } from './host.js';

export { igdFeatures, igdProps, lineOf, HOST_DEVICE_NAME, IGD_LPC_MODEL } from './behaviour.js';
export { IGD_QEMU_LINES, IGD_QEMU_LINE_NAMES, igdQemuLine, lineGen, legacyGenOk, gmsOverrideRange, type IgdQemuLine, type IgdQemuBehaviour } from './qemu-lines.js';
export type { IgdFeatures, IgdProps, LegacyFacts, QemuLevel, QemuMessage } from './behaviour.js';
export { IgdFunction, type BarBacking } from './device.js';
export { Gtt } from './gtt.js';
export { resolveHostIgd, encodeStolenReserved, platformName, HOST_SUBSYSTEM, type HostIgd, type HostPciIds } from './host.js';
export { buildOpRegion, buildVbt, opregionVersion, OPREGION_SIZE, OPREGION_SIGNATURE, EXTENDED_VBT_SIZE } from './opregion.js';
export { igdFwCfgFiles, fwCfgFilesOf, le64, FWCFG_BDSM_SIZE, FWCFG_OPREGION, FWCFG_STOLEN_BASE, DEFAULT_LEGACY_FACTS } from './fwcfg.js';
export { makeIgdLpcBridge, copyHostBridgeIds, copyLpcIds, LPC_DEVFN, CLASS_ISA_BRIDGE } from './lpc.js';
export * from './tables.js';


/** vfio-pci's IGD properties (docs/igd.md §3.5) plus vfio-sim's choice of QEMU behaviour. */
const IGD_PROPS: Readonly<Record<string, PropDef>> = {
  ...PCI_COMMON_PROPS,
  // Compatibility only (configs from before the behaviour followed machine.qemu): legacy = the 9.2 line, qemu10 = 10.1.
  'x-igd-behaviour': {
    type: 'enum', values: ['qemu10', 'legacy'],
    description: "deprecated: the IGD behaviour follows machine.qemu; legacy pins QEMU 9.2's, qemu10 QEMU 10.1's",
  },
  'x-igd-opregion': bool('copy the host OpRegion into fw_cfg etc/igd-opregion (QEMU default: off before 10.1, on from 10.1)'),
  'x-igd-lpc': bool('QEMU 10.0+: create the LPC bridge at 1f.0 and copy host-bridge IDs (i440fx only)'),
  'x-igd-legacy-mode': onOffAuto('QEMU 10.0+: legacy mode (auto: gen 6..9 VGA at 00:02.0 on i440fx)'),
  'x-igd-gms': int(0, 0xff, 'override the GMS field of the guest GMCH (0 = the host value)'),
  'romfile-drivers': str('vfio-sim: the EFI drivers inside romfile, comma-separated (e.g. IgdAssignmentDxe,PlatformGopPolicy,IntelGopDriver); OVMF runs IgdAssignmentDxe only from there'),
  'x-pci-class-code': int(0, 0xffffff, 'QEMU 10.1+: the class code the guest sees (e.g. 0x030000 makes a 0x0380 iGPU VGA)'),
};

function igdModel(): ModelDef {
  return {
    name: IGD_MODEL,
    kind: 'endpoint',
    props: IGD_PROPS,
    create: (spec, ctx) => {
      const host = resolveHostIgd(ctx.hostIgd);
      const devfn = spec.devfn ?? IGD_DEVFN;
      // 00:1f.0 as far as the device can know at plug time; prepareIgdMachine re-decides with the real occupant.
      const slot1f = ctx.machineType === 'q35' ? 'ICH9-LPC' : undefined;
      return new IgdFunction(host, igdProps(spec.props), { machineType: ctx.machineType, atIgdAddress: ctx.rootBus && devfn === IGD_DEVFN, slot1f });
    },
  };
}

/**
 * vfio-igd, the one user model here. (QEMU's vfio-pci-igd-lpc-bridge is not a user model: the VMM creates it at
 * 00:1f.0 when QEMU would, see vmm/passthrough/igd.)
 */
export function igdModels(): ModelDef[] {
  return [igdModel()];
}

/** The assigned IGD of a machine's PCI tree (00:02.0), if any. */
export function findIgd(functions: Iterable<PciFunction>): IgdFunction | undefined {
  for (const fn of functions) if (fn instanceof IgdFunction) return fn;
  return undefined;
}

import type { MachineType } from '../../vmm/config/spec.js';
import { propBool, propNum, propOnOffAuto, propStr } from '../catalogue/props.js';
import type { Props } from '../registry.js';
import type { HostIgd } from './host.js';
import {
  encodeGmch, ggmsSize, GMCH_IVD, qemu10GmsOverrideValid, qemuGen, qemuGmsSize, type IgdBehaviour,
} from './tables.js';

/** The vfio-igd props that change QEMU's IGD behaviour (igd.md §3.5). */
export interface IgdProps {
  /** x-igd-behaviour: QEMU 10.0 (default) or 2016..9.x. */
  readonly behaviour: IgdBehaviour;
  /** x-igd-opregion. vfio-sim defaults it on (QEMU: off), so every strategy has an OpRegion to place. */
  readonly opregion: boolean;
  /** x-igd-lpc (QEMU 10.0 only; 9.x ties the LPC bridge to legacy mode). */
  readonly lpc: boolean;
  /** x-igd-legacy-mode (QEMU 10.0 only). */
  readonly legacyMode: 'on' | 'off' | 'auto';
  /** x-igd-gms: 0 = keep the host's GMS. */
  readonly gms: number;
  /** A ROM exists: a ROM BAR (rombar != 0) or a romfile (QEMU's legacy-mode requirement). */
  readonly hasRom: boolean;
  readonly romBar: boolean;
}

export const DEFAULT_IGD_BEHAVIOUR: IgdBehaviour = 'qemu10';

export function igdProps(p: Props): IgdProps {
  const b = propStr(p, 'x-igd-behaviour');
  const romBar = propNum(p, 'rombar', 1) !== 0;
  const romfile = propStr(p, 'romfile');
  return {
    behaviour: b === 'legacy' ? 'legacy' : DEFAULT_IGD_BEHAVIOUR,
    opregion: propBool(p, 'x-igd-opregion', true),
    lpc: propBool(p, 'x-igd-lpc', false),
    legacyMode: propOnOffAuto(p, 'x-igd-legacy-mode'),
    gms: propNum(p, 'x-igd-gms', 0),
    hasRom: romBar || (romfile !== undefined && romfile !== ''),
    romBar,
  };
}

/** What QEMU's legacy-mode rules look at beyond the device itself. */
export interface LegacyFacts {
  readonly machineType: MachineType;
  /** The device sits at 00:02.0 on the root bus. */
  readonly atIgdAddress: boolean;
  /** Model at 00:1f.0: undefined when free. */
  readonly slot1f: string | undefined;
}

export type QemuLevel = 'error' | 'warning' | 'info';
export interface QemuMessage {
  readonly level: QemuLevel;
  readonly text: string;
}

/** Everything QEMU decided at realize for one IGD. */
export interface IgdFeatures {
  readonly behaviour: IgdBehaviour;
  /** QEMU's generation for the device ID (-1 = unknown: no generation-specific quirks). */
  readonly qgen: number;
  readonly legacyMode: boolean;
  /** etc/igd-opregion published and ASLS... (see emulateAsls). */
  readonly opregion: boolean;
  /** Host bridge and LPC IDs copied (pc: vfio-pci-igd-lpc-bridge created at 1f.0). */
  readonly lpc: boolean;
  /** etc/igd-bdsm-size published, with this value. */
  readonly bdsmSize: number | null;
  /** The guest's GMCH (GMS replaced by x-igd-gms when accepted). */
  readonly guestGmch: number;
  readonly emulateBdsm: boolean;
  readonly emulateAsls: boolean;
  /** BAR0 mirrors QEMU emulates (else they pass the host value through). */
  readonly bdsmMirror: boolean;
  readonly ggcMirror: boolean;
  readonly messages: readonly QemuMessage[];
}

/** vbasedev.name of the assigned device in QEMU's messages. */
export const HOST_DEVICE_NAME = '0000:00:02.0';
export const IGD_LPC_MODEL = 'vfio-pci-igd-lpc-bridge';

const hex = (n: number): string => n.toString(16);

/** The guest GMCH and its GMS after x-igd-gms (QEMU 10.0 ranges; 2016..9.x took 1..0x10 as Q16 did). */
function guestGms(host: HostIgd, props: IgdProps, qgen: number, out: QemuMessage[]): { gms: number; overridden: boolean } {
  if (props.gms === 0) return { gms: host.gms, overridden: false };
  if (props.behaviour === 'qemu10') {
    if (qgen < 0) {
      out.push({ level: 'error', text: 'x-igd-gms is not supported on this device' });
      return { gms: host.gms, overridden: false };
    }
    if (!qemu10GmsOverrideValid(qgen, props.gms)) {
      out.push({ level: 'error', text: `Unsupported IGD GMS value 0x${hex(props.gms)}` });
      return { gms: host.gms, overridden: false };
    }
    return { gms: props.gms, overridden: true };
  }
  if (props.gms > 0x10) {
    out.push({ level: 'error', text: `Unsupported IGD GMS value 0x${hex(props.gms)}` });
    return { gms: host.gms, overridden: false };
  }
  return { gms: props.gms, overridden: true };
}

/** QEMU 9.x (Q16/Q24): every requirement only disables legacy mode, and legacy mode carries everything. */
function legacyRules(props: IgdProps, facts: LegacyFacts, qgen: number, out: QemuMessage[]): boolean {
  if (!facts.atIgdAddress) return false; // not 00:02.0: the quirk is silently not probed
  const name = HOST_DEVICE_NAME;
  if (facts.slot1f !== undefined && facts.slot1f !== IGD_LPC_MODEL) {
    out.push({ level: 'warning', text: `IGD device ${name} cannot support legacy mode due to existing devices at address 1f.0` });
    return false;
  }
  if (qgen < 0) {
    out.push({ level: 'warning', text: `IGD device ${name} is unsupported in legacy mode, try SandyBridge or newer` });
    return false;
  }
  if (!props.hasRom) {
    out.push({ level: 'warning', text: `IGD device ${name} has no ROM, legacy mode disabled` });
    return false;
  }
  return true;
}

/** QEMU 10.0 (QN): automatic legacy mode for gen 6..9 VGA at 00:02.0 on i440fx with GGC.IVD clear (igd.md §3.2). */
function qemu10Rules(host: HostIgd, props: IgdProps, facts: LegacyFacts, qgen: number, out: QemuMessage[]): { legacy: boolean; lpc: boolean } {
  const conds = qgen >= 6 && qgen <= 9 && (host.gmch & GMCH_IVD) === 0 && facts.machineType === 'pc' && facts.atIgdAddress;
  let legacy = false;
  if (props.legacyMode === 'on' && !conds) {
    out.push({ level: 'error', text: `Machine is not i440fx, assigned BDF is not 00:02.0, or device ${hex(host.deviceId).padStart(4, '0')} (gen ${qgen}) doesn't support legacy mode` });
  } else if (props.legacyMode !== 'off' && conds) {
    if (!props.hasRom) {
      out.push({ level: 'error', text: 'Device has no ROM' });
      if (props.legacyMode === 'auto') out.push({ level: 'info', text: 'IGD legacy mode disabled' });
    } else legacy = true;
  }
  let lpc = false;
  if (legacy || props.lpc) {
    if (facts.slot1f === undefined || facts.slot1f === IGD_LPC_MODEL) lpc = true;
    else {
      out.push({ level: 'error', text: 'Cannot create LPC bridge due to existing device at 1f.0' });
      if (legacy && props.legacyMode === 'auto') {
        legacy = false;
        out.push({ level: 'info', text: 'IGD legacy mode disabled' });
      }
    }
  }
  if (legacy) out.push({ level: 'info', text: 'IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.' });
  return { legacy, lpc };
}

/** QEMU's realize-time decisions for one IGD, with the messages it would print. */
export function igdFeatures(host: HostIgd, props: IgdProps, facts: LegacyFacts): IgdFeatures {
  const messages: QemuMessage[] = [];
  const qgen = qemuGen(props.behaviour, host.deviceId);
  if (props.behaviour === 'qemu10') {
    messages.push({ level: 'info', text: `OpRegion detected on Intel display ${hex(host.deviceId)}.` });
    const { legacy, lpc } = qemu10Rules(host, props, facts, qgen, messages);
    const g = guestGms(host, props, qgen, messages);
    const dsm = qemuGmsSize('qemu10', qgen, g.gms).size;
    return {
      behaviour: 'qemu10', qgen, legacyMode: legacy, opregion: legacy || props.opregion, lpc,
      bdsmSize: dsm, // created whenever an OpRegion is detected, 0 for an unknown generation (5faec6a5e220: DSM only)
      guestGmch: g.overridden ? encodeGmch(host.gen, g.gms, host.ggms, host.gmch) : host.gmch,
      emulateBdsm: qgen > 0, emulateAsls: true, bdsmMirror: qgen > 0, ggcMirror: g.overridden, messages,
    };
  }
  const legacy = legacyRules(props, facts, qgen, messages);
  let bdsmSize: number | null = null;
  let guestGmch = host.gmch;
  if (legacy) {
    const g = guestGms(host, props, qgen, messages);
    guestGmch = encodeGmch(host.gen, g.gms, host.ggms, host.gmch);
    const dsm = qemuGmsSize('legacy', qgen, g.gms);
    if (dsm.unsupported) messages.push({ level: 'error', text: `Unsupported IGD GMS value 0x${hex(g.gms)}` });
    // 2016..9.x: the GSM (GGMS) plus the DSM, in MiB (igd.md §3.4).
    bdsmSize = ggmsSize(qgen, host.ggms) + dsm.size;
  }
  return {
    behaviour: 'legacy', qgen, legacyMode: legacy, opregion: legacy || props.opregion, lpc: legacy, bdsmSize, guestGmch,
    emulateBdsm: legacy, emulateAsls: legacy || props.opregion, bdsmMirror: legacy && qgen >= 11, ggcMirror: false, messages,
  };
}

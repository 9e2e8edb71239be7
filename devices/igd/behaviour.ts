import type { MachineType } from '../spec.js';
import { DEFAULT_QEMU } from '../qemu-version.js';
import { propBool, propNum, propOnOffAuto, propSet, propStr } from '../catalogue/props.js';
import type { Props } from '../registry.js';
import type { HostIgd } from './host.js';
import {
  gmsOverrideRange, IGD_QEMU_LINES, igdQemuLine, legacyGenOk, lineGen, type IgdQemuBehaviour, type IgdQemuLine,
} from './qemu-lines.js';
import { encodeGmch, gmchFields, GMCH_IVD, gmsSize, IGD_BDSM, IGD_BDSM_GEN11, MiB } from './tables.js';

/** The vfio-igd props that change QEMU's IGD behaviour (docs/igd.md §3.5). */
export interface IgdProps {
  /**
   * x-igd-behaviour, kept only so configs written before the behaviour followed `machine.qemu` still boot the
   * same: 'legacy' pins the 9.2 line, 'qemu10' the 10.1 line (what that name modelled). Undefined = the QEMU version's.
   */
  readonly lineOverride: IgdQemuLine | undefined;
  /** x-igd-opregion; undefined = the line's default (off before 10.1, on from 10.1). */
  readonly opregion: boolean | undefined;
  /** x-igd-lpc (10.x). */
  readonly lpc: boolean;
  /** x-igd-legacy-mode (10.x). */
  readonly legacyMode: 'on' | 'off' | 'auto';
  /** x-igd-gms: 0 = keep the host's GMS. */
  readonly gms: number;
  /** x-pci-class-code (10.1): the class code the guest sees (24-bit, e.g. 0x030000), or undefined. */
  readonly classCode: number | undefined;
  /** A ROM exists: a ROM BAR (rombar != 0) or a romfile (QEMU's legacy-mode requirement). */
  readonly hasRom: boolean;
  readonly romBar: boolean;
  /** The romfile path as written (parsed by vmm/passthrough/igd when it names a real image). */
  readonly romfile: string | undefined;
  /** The QEMU IGD options the config sets (a QEMU without one refuses it as an unknown property). */
  readonly set: readonly string[];
}

/** Every vfio-pci IGD option some QEMU line has (qemu-lines.ts `options`). */
export const IGD_OPTIONS = ['x-igd-opregion', 'x-igd-gms', 'x-igd-lpc', 'x-igd-legacy-mode', 'x-pci-class-code'] as const;

export function igdProps(p: Props): IgdProps {
  const b = propStr(p, 'x-igd-behaviour');
  const romBar = propNum(p, 'rombar', 1) !== 0;
  const romfile = propStr(p, 'romfile');
  return {
    lineOverride: b === 'legacy' ? '9.2' : b === 'qemu10' ? '10.1' : undefined,
    opregion: propSet(p, 'x-igd-opregion') ? propBool(p, 'x-igd-opregion', false) : undefined,
    lpc: propBool(p, 'x-igd-lpc', false),
    legacyMode: propOnOffAuto(p, 'x-igd-legacy-mode'),
    gms: propNum(p, 'x-igd-gms', 0),
    classCode: propSet(p, 'x-pci-class-code') ? propNum(p, 'x-pci-class-code', 0x030000) : undefined,
    hasRom: romBar || (romfile !== undefined && romfile !== ''),
    romBar,
    romfile: romfile === '' ? undefined : romfile,
    set: IGD_OPTIONS.filter((o) => propSet(p, o)),
  };
}

/** What QEMU's IGD rules look at beyond the device itself. */
export interface LegacyFacts {
  readonly machineType: MachineType;
  /** The device sits at 00:02.0 on the root bus. */
  readonly atIgdAddress: boolean;
  /** Model at 00:1f.0: undefined when free. */
  readonly slot1f: string | undefined;
  /** The QEMU version (machine.profile.qemu); default vmm/core/profile's DEFAULT_QEMU. */
  readonly qemu?: string;
}

export type QemuLevel = 'error' | 'warning' | 'info';
export interface QemuMessage {
  readonly level: QemuLevel;
  readonly text: string;
}

/** Everything QEMU decided at realize for one IGD. */
export interface IgdFeatures {
  /** The QEMU IGD line applied (qemu-lines.ts). */
  readonly line: IgdQemuLine;
  /** QEMU's generation for the device ID (-1 = unknown: no generation-specific quirks). */
  readonly qgen: number;
  readonly legacyMode: boolean;
  /** etc/igd-opregion published. */
  readonly opregion: boolean;
  /** Host bridge and LPC IDs copied (pc: vfio-pci-igd-lpc-bridge created at 1f.0). */
  readonly lpc: boolean;
  /** etc/igd-bdsm-size published, with this value. */
  readonly bdsmSize: number | null;
  /** The guest's GMCH (QEMU's emulated value, or the host's passed through). */
  readonly guestGmch: number;
  readonly gmchEmulated: boolean;
  /** The BDSM register QEMU emulates (0 until firmware writes it): 0x5C or 0xC0; null = not emulated. */
  readonly bdsmEmulatedAt: number | null;
  readonly emulateAsls: boolean;
  /** BAR0 mirrors QEMU emulates (else they pass the host value through). */
  readonly bdsmMirror: boolean;
  readonly ggcMirror: boolean;
  /** The BAR4 index/data GTT quirk is installed (≤ 9.2 legacy mode). */
  readonly bar4Quirk: boolean;
  /** The guest's class code (base << 8 | subclass), after x-pci-class-code. */
  readonly classCode: number;
  /** QEMU exits at realize with this message (the VM never starts); null = it starts. */
  readonly refused: string | null;
  /** Why QEMU did no IGD setup at all (the device is a plain vfio-pci device), or null. */
  readonly skipped: string | null;
  readonly messages: readonly QemuMessage[];
}

/** vbasedev.name of the assigned device in QEMU's messages. */
export const HOST_DEVICE_NAME = '0000:00:02.0';
export const IGD_LPC_MODEL = 'vfio-pci-igd-lpc-bridge';
const CLASS_VGA = 0x0300;
const CLASS_DISPLAY_BASE = 0x03;

const hex = (n: number): string => n.toString(16);

/** The QEMU IGD line for a device's props and the machine's QEMU version. */
export function lineOf(props: IgdProps, facts: LegacyFacts): IgdQemuBehaviour {
  return props.lineOverride !== undefined ? IGD_QEMU_LINES[props.lineOverride] : igdQemuLine(facts.qemu ?? DEFAULT_QEMU);
}

/** Mutable draft of the features while the rules run. */
interface Draft {
  legacy: boolean;
  opregion: boolean;
  lpc: boolean;
  bdsmSize: number | null;
  gmch: number;
  gmchEmulated: boolean;
  bdsmAt: number | null;
  asls: boolean;
  bar4: boolean;
  refused: string | null;
  skipped: string | null;
  msgs: QemuMessage[];
}

const bdsmAtFor = (b: IgdQemuBehaviour, qgen: number): number => (b.bdsmGen11 && qgen >= 11 ? IGD_BDSM_GEN11 : IGD_BDSM);

/** `1 << GGMS` MiB as vfio_igd_gtt_max / the bdsm-size code computed it (linear for QEMU gen ≤ 6). */
function qemuGgmsMiB(b: IgdQemuBehaviour, qgen: number, gmch: number): number {
  const ggms = (gmch >>> (qgen < 8 ? 8 : 6)) & 0x3;
  if (qgen > 6 && (ggms !== 0 || b.ggmsZeroIsOneMiB)) return 1 << ggms;
  return ggms;
}

/** QEMU ≤ 9.2: vfio_probe_igd_bar4_quirk, where every failed requirement only drops legacy mode. */
function bar4Probe(b: IgdQemuBehaviour, host: HostIgd, props: IgdProps, facts: LegacyFacts, qgen: number, d: Draft): void {
  const name = HOST_DEVICE_NAME;
  const warn = (text: string): void => void d.msgs.push({ level: 'error', text });
  const vga = host.classCode === CLASS_VGA;
  // x-igd-opregion outside legacy mode (hw/vfio/pci.c vfio_realize): a missing kernel region fails realize.
  const wantOpRegion = props.opregion ?? b.opregionDefault;
  if (!facts.atIgdAddress || !vga) {
    // not 00:02.0 or not VGA: the probe returns silently
  } else if (facts.slot1f !== undefined && facts.slot1f !== IGD_LPC_MODEL) {
    warn(`IGD device ${name} cannot support legacy mode due to existing devices at address 1f.0`);
  } else if (!legacyGenOk(b, qgen)) {
    warn(`IGD device ${name} is unsupported in legacy mode, try SandyBridge or newer`);
  } else if (!props.hasRom) {
    warn(`IGD device ${name} has no ROM, legacy mode disabled`);
  } else if (!host.opregionPresent) {
    warn(`IGD device ${name} does not support OpRegion access,legacy mode disabled`);
  } else {
    d.legacy = true;
    d.lpc = true;
    d.opregion = true;
    d.asls = true;
    d.bar4 = b.bar4Quirk;
    let gmch = host.gmch;
    let gmsMiB: number;
    if (b.gmsDefault === 'zero') {
      // "Assume we have no GMS memory, but allow it to be overridden by device option (experimental)."
      gmch &= ~((qgen < 8 ? 0x1f : 0xff) << (qgen < 8 ? 3 : 8));
      gmsMiB = 0;
      if (props.gms !== 0) {
        if (props.gms <= 0x10) {
          gmsMiB = props.gms * 32;
          gmch |= props.gms << (qgen < 8 ? 3 : 8);
        } else warn(`Unsupported IGD GMS value 0x${hex(props.gms)}`);
      }
    } else {
      // igd_get_stolen_mb: 0 (and the message) for GMS > 0x10 below gen 9; the GMCH keeps the host's GMS.
      const gms = qgen < 8 ? (gmch >>> 3) & 0x1f : (gmch >>> 8) & 0xff;
      if (qgen < 9 && gms > 0x10) {
        warn(`Unsupported IGD GMS value 0x${hex(gms)}`);
        gmsMiB = 0;
      } else gmsMiB = qgen >= 9 && gms >= 0xf0 ? (gms - 0xf0) * 4 + 4 : gms * 32;
    }
    d.gmch = gmch & 0xffff;
    d.gmchEmulated = true;
    d.bdsmSize = (qemuGgmsMiB(b, qgen, host.gmch) + gmsMiB) * MiB;
    d.bdsmAt = bdsmAtFor(b, qgen);
    return;
  }
  if (wantOpRegion) {
    if (!host.opregionPresent) d.refused = `vfio ${name}: does not support requested IGD OpRegion feature: No such device`;
    else {
      d.opregion = true;
      d.asls = true;
    }
  }
}

/** QEMU 10.x: vfio_pci_igd_config_quirk. Errors fail realize, except in automatic legacy mode. */
function configQuirk(b: IgdQemuBehaviour, host: HostIgd, props: IgdProps, facts: LegacyFacts, qgen: number, classCode: number, d: Draft): void {
  const name = HOST_DEVICE_NAME;
  const vga = classCode === CLASS_VGA;
  const display = b.display === 'vga' ? vga : classCode >> 8 === CLASS_DISPLAY_BASE;
  if (!display) {
    d.skipped = `class ${hex(classCode).padStart(4, '0')} is not ${b.display === 'vga' ? 'VGA (0300)' : 'a display class'}: QEMU ${b.label} does no IGD setup`;
    return;
  }
  if (b.aslsEmulated === 'detected') {
    if (!host.opregionPresent) {
      d.skipped = host.sriovVf
        ? 'an SR-IOV VF has no OpRegion: QEMU skips every IGD quirk'
        : 'the host kernel exposes no OpRegion (host ASLS 0): QEMU skips every IGD quirk';
      return;
    }
    d.msgs.push({ level: 'info', text: `OpRegion detected on Intel display ${hex(host.deviceId)}.` });
  }
  if (qgen === -1 && b.unknownGen === 'skip-all') {
    d.msgs.push({ level: 'error', text: `IGD device ${name} is unsupported in legacy mode, try SandyBridge or newer` });
    d.skipped = `QEMU ${b.label} knows no generation for ${hex(host.deviceId).padStart(4, '0')}`;
    return;
  }
  const ivdClear = (host.gmch & GMCH_IVD) === 0;
  const conds = props.legacyMode !== 'off' && qgen >= 6 && qgen <= 9 && facts.machineType === 'pc' && facts.atIgdAddress
    && (!b.legacyNeedsVgaDecode || (vga && ivdClear));
  let err: string | null = null;
  let opregion = props.opregion ?? b.opregionDefault;
  let lpc = props.lpc;
  if (conds) {
    d.legacy = true;
    d.msgs.push({ level: 'info', text: 'IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.' });
    if (!props.hasRom) err = 'Device has no ROM';
    opregion = true;
    lpc = true;
  } else if (props.legacyMode === 'on') {
    err = `Machine is not i440fx, assigned BDF is not 00:02.0, or device ${hex(host.deviceId).padStart(4, '0')} (gen ${qgen}) doesn't support legacy mode`;
  }
  if (err === null && opregion) {
    if (!host.opregionPresent) err = 'Device does not supports IGD OpRegion feature: No such device';
    else {
      d.opregion = true;
      if (b.aslsEmulated === 'opregion') d.asls = true;
    }
  }
  if (err === null && lpc) {
    if (facts.slot1f !== undefined && facts.slot1f !== IGD_LPC_MODEL) err = 'Cannot create LPC bridge due to existing device at 1f.0';
    else d.lpc = true;
  }
  if (err !== null) {
    if (d.legacy && props.legacyMode === 'auto') {
      // "When legacy mode is implicity enabled, continue on error": the rest of the setup is skipped.
      d.msgs.push({ level: 'error', text: err }, { level: 'error', text: 'IGD legacy mode disabled' });
      d.legacy = false;
      d.lpc = false;
      d.skipped = `automatic legacy mode failed (${err}): QEMU skips the rest of the IGD setup`;
    } else d.refused = `vfio ${name}: ${err}`;
    return;
  }
  if (b.aslsEmulated === 'detected') d.asls = true;
  let gmch = host.gmch;
  if (props.gms !== 0) {
    const r = gmsOverrideRange(b, qgen);
    if (qgen === -1) {
      d.refused = `vfio ${name}: x-igd-gms is not supported on this device`;
      return;
    }
    if (r.ok(props.gms)) {
      gmch = encodeGmch(qgen, props.gms, gmchFields(qgen, gmch).ggms, gmch);
      d.gmchEmulated = true;
    } else if (b.gmsInvalid === 'refuse') {
      d.refused = `vfio ${name}: Parameter 'x-igd-gms' expects ${r.text}`;
      return;
    } else d.msgs.push({ level: 'error', text: `Parameter 'x-igd-gms' expects ${r.text}` });
  }
  if (b.gmchEmulated === 'setup') d.gmchEmulated = true;
  d.gmch = gmch;
  let size = 0;
  if (qgen > 0) {
    size = gmsSize(qgen, gmchFields(qgen, gmch).gms);
    d.bdsmAt = bdsmAtFor(b, qgen);
  }
  d.bdsmSize = size;
}

/** QEMU's realize-time decisions for one IGD, with the messages it would print. */
export function igdFeatures(host: HostIgd, props: IgdProps, facts: LegacyFacts): IgdFeatures {
  const b = lineOf(props, facts);
  const qgen = lineGen(b, host.deviceId);
  // x-pci-class-code exists from 10.1; older QEMUs refuse the unknown property.
  const classCode = props.classCode !== undefined && b.options.includes('x-pci-class-code') ? props.classCode >> 8 : host.classCode;
  const d: Draft = {
    legacy: false, opregion: false, lpc: false, bdsmSize: null, gmch: host.gmch, gmchEmulated: false, bdsmAt: null, asls: false,
    bar4: false, refused: null, skipped: null, msgs: [],
  };
  const unknown = props.set.find((o) => !b.options.includes(o));
  if (unknown !== undefined) {
    d.refused = `Property 'vfio-pci.${unknown}' not found`;
  } else if (b.model === 'bar4-probe') bar4Probe(b, host, props, facts, qgen, d);
  else configQuirk(b, host, props, facts, qgen, classCode, d);
  // vfio_probe_igd_bar0_quirk runs on its own (BAR0 probe), whatever the config quirk decided.
  const displayOk = b.display === 'vga' ? classCode === CLASS_VGA : classCode >> 8 === CLASS_DISPLAY_BASE;
  const mirrorsProbed = displayOk && (b.bdsmMirror === 'gen11' ? facts.atIgdAddress && qgen >= 11 : qgen >= 6);
  const bdsmMirror = b.bdsmMirror !== 'none' && mirrorsProbed;
  const ggcMirror = mirrorsProbed && (b.ggcMirror === 'setup' || (b.ggcMirror === 'x-igd-gms' && props.gms !== 0));
  return {
    line: b.line, qgen, legacyMode: d.legacy, opregion: d.opregion, lpc: d.lpc, bdsmSize: d.bdsmSize,
    guestGmch: d.gmchEmulated ? d.gmch : host.gmch, gmchEmulated: d.gmchEmulated, bdsmEmulatedAt: d.bdsmAt, emulateAsls: d.asls,
    bdsmMirror, ggcMirror, bar4Quirk: d.bar4, classCode, refused: d.refused, skipped: d.skipped, messages: d.msgs,
  };
}

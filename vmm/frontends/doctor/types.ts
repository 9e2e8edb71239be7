/**
 * Doctor's data: the facts read off one boot (plain data, JSON as is) and findings, each with its cause and a
 * concrete fix. Findings come from rules over the typed boot report and the facts (rules.ts), so a new report
 * section or fact plugs in as one more rule.
 */
import type { MachineSpec } from '../config/spec.js';
import type { BootResult } from '../../core/boot/index.js';
import type { BootReport, Hex } from '../report/types.js';

export type Severity = 'fail' | 'warn' | 'info';

export interface Finding {
  /** Stable id (tests, --json consumers, --upgrade-to diffs). */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what will happen. */
  readonly title: string;
  /** Why, with the mechanism and its source. */
  readonly cause: string;
  /** What to change, concretely (a property, a machine type, a firmware); null for plain information. */
  readonly fix: string | null;
}

export interface RegionFact {
  readonly base: Hex | null;
  readonly size: Hex;
  /** The e820 type covering the base, 'bar (...)' when it lies in a BAR, null when nothing describes it. */
  readonly memoryMap: string | null;
}

export interface IgdFacts {
  readonly generation: number;
  readonly platform: string;
  readonly deviceId: Hex;
  /** The QEMU IGD line applied (the report's igd.qemuLine: '9.1' | '9.2' | '10.0' | '10.1'). */
  readonly qemuLine: string;
  readonly legacyMode: boolean;
  /** Why QEMU picked (or refused) legacy mode. */
  readonly modeReason: string;
  readonly strategy: string;
  /** What the guest reads in config space (0x50 GGC, 0x5C BDSM, 0xC0/0xC4 64-bit BDSM, 0xFC ASLS). */
  readonly guestReads: { readonly '0x50': Hex; readonly '0x5c': Hex; readonly '0xc0': Hex; readonly '0xfc': Hex };
  /** BAR0 mirrors: GGC at +0x108040, BDSM at +0x1080C0. */
  readonly mirrors: { readonly ggc: Hex; readonly bdsm: Hex };
  readonly hostBdsm: Hex;
  readonly dsm: RegionFact;
  readonly opregion: RegionFact | null;
}

export interface DoctorFacts {
  readonly qemu: string;
  readonly machine: string;
  readonly firmware: string;
  readonly cpu: { readonly vendor: string; readonly physBits: number };
  /** null when QEMU starts; its message when it refuses. */
  readonly qemuRefuses: string | null;
  /** QEMU's messages while realizing devices (warnings and info). */
  readonly qemuMessages: readonly string[];
  readonly fwcfg: readonly { readonly name: string; readonly size: number }[];
  readonly igd: IgdFacts | null;
  readonly iommuFaults: number;
  readonly dmaCorruption: number;
  /** The host IOMMU's address width when the config says (host.iommu-width). */
  readonly hostIommuWidth: number | null;
  /** The highest guest-physical address the VFIO container must map (RAM and memory BARs), exclusive. */
  readonly topOfMappings: Hex;
}

export interface DoctorReport {
  readonly config: string;
  /** 'fails' when any finding is a failure (exit 1). */
  readonly verdict: 'ok' | 'fails';
  readonly facts: DoctorFacts;
  readonly findings: readonly Finding[];
}

/** What a rule reads. */
export interface DoctorContext {
  readonly spec: MachineSpec;
  readonly boot: BootResult;
  readonly report: BootReport;
  readonly facts: DoctorFacts;
}

export type Rule = (ctx: DoctorContext) => readonly Finding[];

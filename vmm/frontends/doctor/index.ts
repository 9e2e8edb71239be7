/**
 * `vfio-sim doctor`: boot the machine as configured, read off the facts a user asks about (will QEMU start,
 * which IGD mode, fw_cfg, what the guest reads, where DSM and the OpRegion went, DMA faults, the IOMMU width)
 * and turn them into findings with causes and fixes. `upgradeDiff` boots the same config under another QEMU
 * version (a profile override, as `--qemu` does) and lists what changes.
 */
import { bootSpec, type BootOptions } from '../../core/boot/index.js';
import type { MachineSpec } from '../config/spec.js';
import type { QemuVersion } from '../../../devices/qemu-version.js';
import type { BootReport } from '../report/types.js';
import { collectFacts } from './facts.js';
import { runRules } from './rules.js';
import type { DoctorFacts, DoctorReport, Finding } from './types.js';

export type { DoctorFacts, DoctorReport, Finding, IgdFacts, Rule, Severity } from './types.js';
export { RULES } from './rules.js';
export { renderDoctorText, renderUpgradeText } from './render-text.js';
export { renderDoctorHtml } from './render-html.js';

export interface DoctorRun {
  readonly doctor: DoctorReport;
  /** The boot report the findings were read from (the address map renders it). */
  readonly report: BootReport;
}

export function runDoctor(spec: MachineSpec, options: BootOptions = {}): DoctorRun {
  const boot = bootSpec(spec, options);
  const facts = collectFacts(spec, boot);
  // Failures first, then warnings, then information; rule order within each (a stable sort).
  const rank = { fail: 0, warn: 1, info: 2 } as const;
  const findings = runRules({ spec, boot, report: boot.report, facts }).sort((a, b) => rank[a.severity] - rank[b.severity]);
  return {
    doctor: { config: boot.report.config, verdict: findings.some((f) => f.severity === 'fail') ? 'fails' : 'ok', facts, findings },
    report: boot.report,
  };
}

export interface FactChange {
  readonly fact: string;
  readonly from: string;
  readonly to: string;
}

export interface UpgradeDiff {
  readonly from: string;
  readonly to: string;
  readonly verdict: { readonly from: DoctorReport['verdict']; readonly to: DoctorReport['verdict'] };
  readonly added: readonly Finding[];
  readonly removed: readonly Finding[];
  readonly changed: readonly FactChange[];
}

/** Facts flattened to dotted paths, so two runs compare key by key. */
function flatten(o: unknown, prefix: string, out: Map<string, string>): void {
  if (o === null || typeof o !== 'object') {
    out.set(prefix, String(o));
    return;
  }
  if (Array.isArray(o)) {
    out.set(prefix, JSON.stringify(o));
    return;
  }
  for (const [k, v] of Object.entries(o)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
}

export function diffDoctor(a: DoctorReport, b: DoctorReport): Omit<UpgradeDiff, 'from' | 'to'> {
  const key = (f: Finding): string => `${f.id}\u0000${f.title}`;
  const ak = new Set(a.findings.map(key));
  const bk = new Set(b.findings.map(key));
  const fa = new Map<string, string>();
  const fb = new Map<string, string>();
  flatten(a.facts satisfies DoctorFacts, '', fa);
  flatten(b.facts, '', fb);
  const changed: FactChange[] = [];
  for (const k of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(k) ?? '—';
    const y = fb.get(k) ?? '—';
    if (x !== y) changed.push({ fact: k, from: x, to: y });
  }
  return {
    verdict: { from: a.verdict, to: b.verdict },
    added: b.findings.filter((f) => !ak.has(key(f))),
    removed: a.findings.filter((f) => !bk.has(key(f))),
    changed,
  };
}

/** Doctor under the config's QEMU and under `to`, and what changes between them. */
export function upgradeDiff(spec: MachineSpec, to: QemuVersion, options: BootOptions = {}): { before: DoctorRun; after: DoctorRun; diff: UpgradeDiff } {
  const before = runDoctor(spec, options);
  const after = runDoctor(spec, { ...options, profile: { ...options.profile, qemu: to } });
  return { before, after, diff: { from: before.doctor.facts.qemu, to: after.doctor.facts.qemu, ...diffDoctor(before.doctor, after.doctor) } };
}

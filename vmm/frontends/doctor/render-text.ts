/** Doctor for people: the verdict first, then each finding with its cause and fix, then the facts. */
import type { DoctorReport, Finding } from './types.js';
import type { UpgradeDiff } from './index.js';

const MARK: Readonly<Record<Finding['severity'], string>> = { fail: 'FAIL', warn: 'WARN', info: 'info' };

function finding(f: Finding): string[] {
  const out = [`${MARK[f.severity]}  ${f.title}`, `      cause: ${f.cause}`];
  if (f.fix !== null) out.push(`      fix:   ${f.fix}`);
  return out;
}

export function renderDoctorText(d: DoctorReport): string {
  const f = d.facts;
  const fails = d.findings.filter((x) => x.severity === 'fail').length;
  const warns = d.findings.filter((x) => x.severity === 'warn').length;
  const out = [
    `${d.config}: QEMU ${f.qemu}, ${f.machine}, ${f.firmware}, vCPU ${f.cpu.vendor} ${f.cpu.physBits} bits`,
    d.verdict === 'fails' ? `verdict: this machine will fail (${fails} failure(s), ${warns} warning(s))` : `verdict: boots (${warns} warning(s))`,
    f.qemuRefuses !== null ? `QEMU: refuses to start: ${f.qemuRefuses}` : 'QEMU: starts',
    '',
  ];
  for (const x of d.findings) out.push(...finding(x));
  if (f.igd !== null) {
    const g = f.igd;
    out.push('', 'guest reads (00:02.0):');
    out.push(`  0x50 GGC ${g.guestReads['0x50']}   0x5C BDSM ${g.guestReads['0x5c']}   0xC0 BDSM64 ${g.guestReads['0xc0']}   0xFC ASLS ${g.guestReads['0xfc']}`);
    out.push(`  BAR0+0x108040 GGC ${g.mirrors.ggc}   BAR0+0x1080C0 BDSM ${g.mirrors.bdsm}   (host BDSM ${g.hostBdsm})`);
  }
  const files = f.fwcfg.filter((x) => x.name.startsWith('etc/igd-') || x.name === 'etc/e820');
  if (files.length > 0) out.push('', `fw_cfg: ${files.map((x) => `${x.name} ${x.size} B`).join(', ')}`);
  if (f.qemuMessages.length > 0) out.push('', 'QEMU says:', ...f.qemuMessages.map((m) => `  ${m}`));
  return out.join('\n') + '\n';
}

export function renderUpgradeText(d: UpgradeDiff): string {
  const out = [`upgrading QEMU ${d.from} → ${d.to}: verdict ${d.verdict.from} → ${d.verdict.to}`];
  if (d.added.length + d.removed.length + d.changed.length === 0) out.push('  nothing changes');
  for (const f of d.added) out.push(`  + ${MARK[f.severity]} ${f.title}`, ...(f.fix !== null ? [`      fix: ${f.fix}`] : []));
  for (const f of d.removed) out.push(`  - ${MARK[f.severity]} ${f.title}`);
  for (const c of d.changed) out.push(`  ~ ${c.fact}: ${c.from} → ${c.to}`);
  return out.join('\n') + '\n';
}

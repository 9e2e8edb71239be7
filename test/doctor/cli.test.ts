import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { igdMachine } from './helpers.js';

function cfg(yaml: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'vfio-doctor-')), 'vm.yaml');
  writeFileSync(f, yaml);
  return f;
}

describe('vfio-sim doctor', () => {
  it('text: the verdict, then findings with cause and fix, then what the guest reads; exit 0 when it boots', async () => {
    const f = cfg(igdMachine('pc', 'skl'));
    const r = await runCli('doctor', f);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([`${f}: QEMU 10.0, pc-i440fx-10.0, seabios 1.16.3, vCPU amd 40 bits`, 'verdict: boots (0 warning(s))', 'QEMU: starts', '']);
    expect(r.stdout).toContain('  0x50 GGC 0x2c0   0x5C BDSM 0xbaf00000   0xC0 BDSM64 0x0   0xFC ASLS 0xbfffe000\n');
    expect(r.stdout).toContain('fw_cfg: etc/e820 60 B, etc/igd-bdsm-size 8 B, etc/igd-opregion 8192 B\n');
  });

  it('exit 1 when it predicts a failure; --json carries verdict, facts and findings', async () => {
    const r = await runCli('doctor', cfg(igdMachine('q35', 'skl', ', x-igd-lpc: on')), '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { verdict: string; facts: { qemuRefuses: string }; findings: { id: string }[] };
    expect(j.verdict).toBe('fails');
    expect(j.facts.qemuRefuses).toBe('vfio 0000:00:02.0: Cannot create LPC bridge due to existing device at 1f.0');
    expect(j.findings[0]!.id).toBe('qemu-refuses');
  });

  it('--upgrade-to boots the same config under another QEMU and lists what changes', async () => {
    // QEMU 7.2 (IGD line ≤ 9.1) clears GMS without x-igd-gms: the guest gets no stolen memory and the vBIOS's GTT
    // faults; 10.0 keeps the host GMS. Exit 1: the machine as configured fails.
    const r = await runCli('doctor', cfg(igdMachine('pc', 'skl').replace('qemu: "10.0"', 'qemu: "7.2"')), '--upgrade-to', '10.0');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('upgrading QEMU 7.2 → 10.0: verdict fails → ok\n');
    expect(r.stdout).toMatch(/\n  - FAIL 768 DMAR fault\(s\): /);
    expect(r.stdout).toContain('  ~ qemu: 7.2 → 10.0\n  ~ machine: pc-i440fx-7.2 → pc-i440fx-10.0\n');
    expect(r.stdout).toContain('  ~ igd.qemuLine: ≤ 9.1 → 10.0\n');
    expect(r.stdout).toContain('  ~ igd.dsm.size: 0x0 → 0x4000000\n');
  });

  it('--html writes one self-contained page: findings, facts and the address map, no scripts or external links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-doctor-'));
    const html = join(dir, 'doctor.html');
    // gen 12 on q35 under QEMU 9.2: outside legacy mode BDSM is not emulated, so the guest reads the host's BDSM,
    // which is guest RAM here (a predicted failure). (10.0 emulates it and, with no legacy vBIOS for gen 12, boots.)
    const r = await runCli('doctor', cfg(igdMachine('q35', 'tgl').replace('qemu: "10.0"', 'qemu: "9.2"')), '--html', html);
    expect(r.code).toBe(1);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<span class="verdict fails">will fail</span>');
    expect(page).toContain('<h2>Findings</h2>');
    expect(page).toContain('<section class="map"><h2>Guest physical address map</h2><svg');
    expect(page).toContain('no boot display: gen 12 has no legacy video BIOS');
    expect(page).toContain('stolen memory overlaps guest RAM');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('bad usage: an unknown --upgrade-to version is exit 2', async () => {
    const r = await runCli('doctor', cfg(igdMachine('pc', 'skl')), '--upgrade-to', '5.2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vfio-sim: --upgrade-to: vfio-sim models QEMU .*not '5\.2'\n$/);
  });

  it('a bad config is FILE:LINE:COL and exit 2', async () => {
    const f = cfg('machine: { type: q35x }\n');
    const r = await runCli('doctor', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: `));
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { compareProfiles, parseProfileList, renderProfileComparison, type ProfileChoice } from '../../vmm/core/profile/index.js';
import { runCli } from '../cli/run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function specOf(path: string): MachineSpec {
  const r = parseConfig(readFileSync(FIXTURES + path, 'utf8'), path);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.spec;
}

interface Recorded {
  expected: { bars: { bdf: string; bar: number; address: string }[] };
}
const recorded = (path: string): Recorded => JSON.parse(readFileSync(FIXTURES + path, 'utf8')) as Recorded;

describe('--profiles', () => {
  it('parses QEMU[:VENDOR[:PHYS-BITS]] items', () => {
    expect(parseProfileList('7.2, 10.0:intel:39,10.0:amd')).toEqual([
      { label: '7.2', overrides: { qemu: '7.2' } },
      { label: '10.0:intel:39', overrides: { qemu: '10.0', cpu: { vendor: 'intel', physBits: 39 } } },
      { label: '10.0:amd', overrides: { qemu: '10.0', cpu: { vendor: 'amd' } } },
    ]);
  });
  it('refuses unknown versions, vendors, widths and a single profile', () => {
    expect(parseProfileList('7.2,9.0')).toBe("--profiles: '9.0': QEMU version must be 7.2 or 10.0");
    expect(parseProfileList('7.2,10.0:via')).toBe("--profiles: '10.0:via': vendor must be amd or intel");
    expect(parseProfileList('7.2,10.0:intel:64')).toBe("--profiles: '10.0:intel:64': phys-bits must be 32..52");
    expect(parseProfileList('10.0')).toBe('--profiles: name at least two profiles, e.g. 7.2,10.0');
  });
});

describe('compare across profiles', () => {
  // The same topology recorded on both stacks: the BARs the comparison says move are exactly those whose
  // recorded address differs, and they move to the recorded QEMU 10.0 addresses.
  for (const n of ['5003', '5024']) {
    it(`case-${n}: 7.2 → 10.0 moves exactly the BARs the two recordings disagree on, to the recorded addresses`, () => {
      const spec = specOf(`seabios/case-${n}.yaml`);
      const choices = parseProfileList('7.2,10.0') as ProfileChoice[];
      const reports = choices.map((c) => bootSpec(spec, { profile: { ...c.overrides, firmware: { type: 'seabios', version: c.overrides.qemu === '7.2' ? '1.16.2' : '1.16.3' } } }).report);
      const cmp = compareProfiles(`case-${n}`, choices, reports);
      const barChanges = cmp.others[0]!.changes.filter((c) => / (BAR\d|ROM)$/.test(c.what)).map((c) => [c.what, c.to.split(' ')[0]]);
      const old = new Map(recorded(`seabios/case-${n}.json`).expected.bars.map((b) => [`${b.bdf} ${b.bar === 6 ? 'ROM' : `BAR${b.bar}`}`, b.address]));
      const want = recorded(`seabios-qemu10/case-${n}.json`).expected.bars
        .map((b): [string, string] => [`${b.bdf} ${b.bar === 6 ? 'ROM' : `BAR${b.bar}`}`, b.address])
        .filter(([k, a]) => old.get(k) !== a && !(k === '00:1f.3 BAR4'));
      expect(barChanges.sort()).toEqual(want.sort());
    });
  }

  it('renders one column per profile with its hazards', () => {
    const spec = specOf('seabios/case-5024.yaml');
    const choices = parseProfileList('7.2,10.0') as ProfileChoice[];
    const reports = [bootSpec(spec).report, bootSpec(spec, { profile: { qemu: '10.0', firmware: { type: 'seabios', version: '1.16.3' } } }).report];
    const text = renderProfileComparison(compareProfiles('c.yaml', choices, reports));
    expect(text.split('\n')[0]).toBe('Profiles for c.yaml: changes against 7.2 (pc-q35-7.2, qemu64 amd 40 phys-bits, seabios 1.16.2)');
    expect(text).toContain('10.0 (pc-q35-10.0, qemu64 amd 40 phys-bits, seabios 1.16.3): 11 changes');
    expect(text).toContain('  window 64-bit           0x100000000-0x1c0000000  →  0xfe80000000-0xff40000000');
    expect(text).toContain('  hazard mem64-in-ht-hole: ');
  });

  it('is `vfio-sim compare CONFIG --profiles`, taking each QEMU with its own SeaBIOS; a bad list is a usage error', async () => {
    const r = await runCli('compare', 'test/fixtures/seabios/case-5024.yaml', '--profiles', '7.2,10.0:intel:39', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { others: { profile: string; changes: { what: string; to: string }[] }[] };
    expect(j.others[0]!.profile).toBe('pc-q35-10.0, qemu64 intel 39 phys-bits, seabios 1.16.3');
    expect(j.others[0]!.changes.find((c) => c.what === 'window 64-bit')?.to).toBe('0x7f40000000-0x8000000000');
    const bad = await runCli('compare', 'test/fixtures/seabios/case-5024.yaml', '--profiles', '7.2');
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toContain('--profiles: name at least two profiles, e.g. 7.2,10.0');
  });
});

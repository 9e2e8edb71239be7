import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { compareQemuVersions, renderQemuComparison } from '../../vmm/passthrough/igd/index.js';
import { runCli } from '../cli/run-cli.js';
import { specOf } from './helpers.js';

const CONFIG = new URL('../../configs/igd-skl-pc.yaml', import.meta.url);

describe('compare --qemu: one IGD machine under several QEMU versions', () => {
  const cmp = compareQemuVersions(specOf(readFileSync(CONFIG, 'utf8')), ['9.1', '9.2', '10.0', '10.1'], (spec, qemu) => bootSpec(spec, { profile: { qemu } }).report);

  it('lines up what each version decides for a Skylake on i440fx', () => {
    expect(cmp.columns.map((c) => [c.qemu, c.line, c.legacyMode, c.bar4Quirk, c.bdsmSizeFile, c.guestGmch, c.mirrors])).toEqual([
      ['9.1', '≤ 9.1', true, true, '0x800000', '0xc0', 'none'], // GMS cleared: bdsm-size = the 8 MiB GTT only
      ['9.2', '9.2', true, true, '0x4800000', '0x2c0', 'none'], // host GMS kept: GTT + 64 MiB
      ['10.0', '10.0', true, false, '0x4000000', '0x2c0', 'GGC+BDSM'], // DSM only, quirk removed
      ['10.1', '10.1+', true, false, '0x4000000', '0x2c0', 'BDSM'], // GGC mirror only with x-igd-gms
    ]);
    // The bundled vBIOS reads BDSM: the ≤ 9.2 quirk relocates its guest addresses a second time.
    expect(cmp.columns.map((c) => c.faults)).toEqual([768, 768, 0, 0]);
  });

  it('renders one column per version and each version\'s QEMU messages', () => {
    const text = renderQemuComparison(cmp);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'IGD under QEMU 9.1, 9.2, 10.0, 10.1 for igd-skl-pc',
      'QEMU           9.1         9.2         10.0        10.1',
      '               ----------  ----------  ----------  ----------',
      'IGD behaviour  ≤ 9.1       9.2         10.0        10.1+',
    ]);
    expect(text).toContain('\nQEMU 10.1:\n  OpRegion detected on Intel display 1912.\n  IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.\n');
  });

  it('shows a version that refuses to start, and rejects unknown versions with a usage line', async () => {
    const mtl = new URL('../../configs/igd-mtl-q35.yaml', import.meta.url);
    const spec = specOf(readFileSync(mtl, 'utf8').replace('  - model: vfio-igd          # the host\'s IGD, always at 00:02.0', '  - model: vfio-igd\n    props: { x-igd-legacy-mode: "on" }'));
    const c = compareQemuVersions(spec, ['9.2', '10.1'], (s, qemu) => bootSpec(s, { profile: { qemu } }).report);
    expect(c.columns.map((x) => x.stop)).toEqual([
      "QEMU refuses to start: Property 'vfio-pci.x-igd-legacy-mode' not found",
      "QEMU refuses to start: vfio 0000:00:02.0: Machine is not i440fx, assigned BDF is not 00:02.0, or device 7d55 (gen -1) doesn't support legacy mode",
    ]);
    const r = await runCli('compare', '--qemu', '9.1,8.0', CONFIG.pathname);
    expect([r.code, r.stderr]).toEqual([2, 'vfio-sim: --qemu: unknown QEMU version 8.0 (known: 7.2, 9.1, 9.2, 10.0, 10.1)\n']);
  });
});

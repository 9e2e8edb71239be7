import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_QEMU, QEMU_RELEASES } from '../../vmm/core/profile/index.js';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, qemuCommandLine } from '../../vmm/frontends/config/index.js';

interface Started {
  config: string;
  qemu: string;
  accepted: boolean;
  error?: string;
  line: string;
}

/** What scripts/check-qemu-args.mjs recorded when it started every bundled config's line in its real QEMU. */
const STARTED = readFileSync('test/fixtures/qemu-args/bundled-configs.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Started);

describe("bundled configs' qemu-args lines, started in real QEMU", () => {
  it('covers every bundled config, each in the recorded QEMU its profile places like (7.2 for 7.2/9.x, 10.0 for 10.x)', () => {
    const bundled = readdirSync('configs').filter((f) => f.endsWith('.yaml')).map((f) => `configs/${f}`).sort();
    expect(STARTED.map((s) => s.config).sort()).toEqual(bundled);
    for (const s of STARTED) {
      const r = loadConfigFile(s.config);
      if (!r.ok) throw new Error(`${s.config} does not load`);
      const placement = QEMU_RELEASES[r.spec.machine.qemu ?? DEFAULT_QEMU].placement;
      expect(s.qemu, s.config).toMatch(placement === '7.2' ? /^QEMU emulator version 7\.2\.22 / : /^QEMU emulator version 10\.0\.13 /);
    }
  });

  for (const s of STARTED) {
    it(`${s.config}: the recorded line is today's, and QEMU accepted every property`, () => {
      const r = loadConfigFile(s.config);
      if (!r.ok) throw new Error('bundled config does not load');
      expect(qemuCommandLine(r.spec).args.join(' ')).toBe(s.line);
      // The IGD lines fail only where vfio opens the host's 00:02.0, after QEMU parsed every property.
      if (s.accepted) expect(s.error).toBeUndefined();
      // (QEMU 7.2 words it "no iommu_group found", 10.0 "no such host device".)
      else expect(s.error).toMatch(/: vfio (0000:00:02\.0: no iommu_group found|\/sys\/bus\/pci\/devices\/0000:00:02\.0: no such host device)/);
    });
  }
});

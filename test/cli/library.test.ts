import { describe, expect, it } from 'vitest';
import { bootSpec, loadConfigFile } from '../../vmm/index.js';
import { iommuMatchers } from '../../vmm/frontends/testing/matchers.js';

expect.extend(iommuMatchers);

function load(path: string): Parameters<typeof bootSpec>[0] {
  const cfg = loadConfigFile(path);
  if (!cfg.ok) throw new Error(cfg.errors.map((e) => e.message).join('\n'));
  return cfg.spec;
}

describe('the library surface the README shows', () => {
  it('boots an IGD machine without a single bad DMA under e820-reserved with a clean vBIOS', () => {
    const { report } = bootSpec(load('configs/igd-skl-q35.yaml'), { strategy: 'e820-reserved', vbios: 'reads-bdsm' });
    expect(report).toHaveNoIommuFaults();
    expect(report).toHaveNoDmaCorruption();
  });

  it('fails the matcher with the DMAR line when the vBIOS writes host stolen addresses and nothing relocates them', () => {
    const { report } = bootSpec(load('configs/igd-skl-q35.yaml'), { strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(() => expect(report).toHaveNoIommuFaults()).toThrow(
      'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set',
    );
  });
});

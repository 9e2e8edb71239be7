import { describe, expect, it } from 'vitest';
import { IGD_STRATEGY_NAMES } from '../../firmware/igd/index.js';
import { compareStrategies, comparisonJson, e820Diff, humanSize, renderComparison } from '../../vmm/passthrough/igd/index.js';
import { bootIgd, igdYaml, specOf } from './helpers.js';

const boot = (spec: Parameters<typeof bootIgd>[0], o: { strategy: string }) => bootIgd(spec, o.strategy).report;

describe('compareStrategies', () => {
  const spec = specOf(igdYaml('q35', '4G', '{ generation: tgl }'));
  const cmp = compareStrategies(spec, IGD_STRATEGY_NAMES, boot);
  const col = (s: string) => cmp.columns.find((c) => c.strategy === s)!;

  it('boots the none baseline once and gives one column per strategy, in order', () => {
    const calls: string[] = [];
    const c = compareStrategies(spec, ['e820-reserved', 'none', 'lpc-bars'], (sp, o) => (calls.push(o.strategy), boot(sp, o)));
    expect(calls).toEqual(['none', 'e820-reserved', 'lpc-bars']);
    expect(c.columns.map((x) => x.strategy)).toEqual(['e820-reserved', 'none', 'lpc-bars']);
    expect(c).toMatchObject({ generation: 12, baseline: 'none' });
  });

  it('measures RAM consumed against the baseline and what of it is never used (SeaBIOS writes 0x5C on gen 12)', () => {
    expect(col('e820-reserved')).toMatchObject({ guestBdsm: null, ramConsumed: '0x3c02000', unused: '0x3c00000', pciConsumed: '0x0' });
    // uefi-reserved is VfioIgdPkg's, an OVMF driver: on this SeaBIOS machine nothing allocates stolen memory.
    expect(col('uefi-reserved')).toMatchObject({ guestBdsm: null, ramConsumed: '0x0', unused: '0x0', alignmentWaste: '0x0' });
  });

  it('measures the PCI window fake BARs take and the power-of-two waste (60 MiB in a 64 MiB BAR)', () => {
    expect(col('lpc-bars')).toMatchObject({ ramConsumed: '0x0', pciConsumed: '0x4002000', alignmentWaste: '0x400000', unused: '0x0' });
    expect(col('igd-bar5')).toMatchObject({ pciConsumed: '0x4000000', alignmentWaste: '0x3fe000' });
    expect(col('zero-gms')).toMatchObject({ stolenSize: '0x0', pciConsumed: '0x2000', alignmentWaste: '0x0' });
  });

  it('lists e820 changes as ranges whose type changed', () => {
    expect(col('uefi-reserved').e820Changes).toEqual([]);
    expect(col('identity').e820Changes).toEqual([
      { start: '0x4c800000', end: '0x50400000', from: 'ram', to: 'reserved' },
      { start: '0x7ffde000', end: '0x7ffe0000', from: 'ram', to: 'reserved' },
    ]);
    expect(col('none').e820Changes).toEqual([]);
  });

  it("carries each strategy's hazards", () => {
    expect(col('identity').hazards.map((h) => h.id)).toEqual(['identity-leaks-host-layout', 'lpc-ids-missing']);
    expect(col('dummy-device').hazards.map((h) => h.id)).toContain('windows-unknown-device');
    expect(col('uefi-reserved').hazards.map((h) => h.id)).toContain('gen11-stolen-reserved');
  });

  it('renders one column per strategy, in blocks of at most 100 characters, and every hazard with its reason', () => {
    const text = renderComparison(cmp);
    const lines = text.split('\n');
    expect(lines[0]).toBe("IGD strategies for t.yaml (gen 12); changes against 'none'");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    // Eight strategies do not fit 100 columns: two blocks, each with its header line and a BDSM line.
    const headers = lines.filter((_, i) => lines[i + 1]?.trimStart().startsWith('---'));
    expect(headers.map((l) => l.split(/\s+/).filter(Boolean))).toEqual([IGD_STRATEGY_NAMES.slice(0, 6), IGD_STRATEGY_NAMES.slice(6)]);
    expect(lines.filter((l) => l.startsWith('BDSM (guest)')).flatMap((l) => l.split(/\s+/).slice(2))).toEqual([
      // SeaBIOS 1.16.3 (QEMU 10.1) puts the IGD's 64-bit BARs above 4 GiB (q35 4G has RAM there): the 32-bit fake
      // BARs of lpc-bars, igd-bar5 and dummy-device each get the top of the 32-bit window.
      '-', '-', '0xf8000000', '0xf8000000', '0xf8000000', '0x4c800000', '-', '-',
    ]);
    expect(lines.filter((l) => l.startsWith('e820 changes ')).flatMap((l) => l.split(/\s+/).slice(2))).toEqual(['2', '0', '0', '0', '0', '2', '0', '0']);
    expect(text).toContain('\ne820 changes:\n  e820-reserved: 0x7b300000-0x7ef00000 ram→reserved\n');
    expect(text).toContain('  identity: identity-leaks-host-layout: identity placement leaks the host physical layout: guest\n      stolen memory sits at the host\'s 0x4c800000\n');
    // The same table unwrapped on a wide terminal: one block.
    expect(renderComparison(cmp, { width: 200 }).split('\n').filter((l) => /^\s+-{4}/.test(l))).toHaveLength(1);
    expect(JSON.parse(comparisonJson(cmp))).toEqual(JSON.parse(JSON.stringify(cmp)));
  });
});

describe('helpers', () => {
  it('diffs e820 maps by type over address', () => {
    const base = [{ start: '0x0', end: '0x1000', type: 'ram' as const }];
    expect(e820Diff(base, [{ start: '0x0', end: '0x800', type: 'ram' }, { start: '0x800', end: '0x1000', type: 'reserved' }])).toEqual([
      { start: '0x800', end: '0x1000', from: 'ram', to: 'reserved' },
    ]);
  });

  it('prints sizes people read', () => {
    expect(['0x0', '0x2000', '0x3c00000', '0x40000000', '0x4002000', '0x3fe000', '0x11'].map(humanSize)).toEqual(['0', '8K', '60M', '1G', '64M + 8K', '4M - 8K', '17']);
  });
});

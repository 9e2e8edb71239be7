import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAxis } from '../../vmm/frontends/map/axis.js';
import { renderMapHtml } from '../../vmm/frontends/map/html.js';
import { buildMapModel, sizeText } from '../../vmm/frontends/map/model.js';
import { addrText, renderMapSvg } from '../../vmm/frontends/map/svg.js';
import type { BootReport } from '../../vmm/frontends/report/types.js';

// A hand-made q35 skl IGD boot: e820-reserved strategy, a vBIOS writing host stolen addresses (256 read
// faults at 0x8b800000), one write fault at 0xfee00000 and one corrupted range above 4 GiB.
const report = JSON.parse(readFileSync(new URL('./fixtures/igd-report.json', import.meta.url), 'utf8')) as BootReport;

/** Minimal XML well-formedness: every element closed in order, nothing outside the root. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[3]) stack.push(m[2]!);
  }
  return stack.length === 0;
}

describe('address map model', () => {
  const m = buildMapModel(report);
  const find = (label: string) => m.regions.find((r) => r.label === label);

  it('draws every e820 entry, the PCI windows and every placed memory BAR by device', () => {
    expect(m.regions.filter((r) => r.lane === 'e820')).toHaveLength(12);
    expect(find('PCI 32-bit')).toMatchObject({ start: 0xc0000000, end: 0xfec00000 });
    expect(find('PCI 64-bit')).toMatchObject({ start: 0x3800_0000_0000, end: 0x3808_0000_0000 });
    expect(find('00:02.0 BAR0 vfio-igd')).toMatchObject({ kind: 'bar-mem', start: 0xc0000000, end: 0xc1000000 });
    expect(find('00:02.0 BAR2 vfio-igd')).toMatchObject({ kind: 'bar-prefmem', start: 0xd0000000, end: 0xe0000000 });
    expect(find('01:00.0 ROM e1000e')).toMatchObject({ kind: 'rom', start: 0xc1280000, end: 0xc12c0000 });
    expect(m.regions.filter((r) => r.lane === 'bars')).toHaveLength(11);
  });

  it('reads bridge limits as inclusive ends', () => {
    expect(find('00:1c.0 mem')).toMatchObject({ kind: 'bridge-mem', start: 0xc1200000, end: 0xc1400000 });
  });

  it('places guest stolen memory at guestBdsm, the 8 KiB OpRegion at guestAsls, and the host range apart', () => {
    expect(find('guest stolen (BDSM)')).toMatchObject({ start: 0x7b800000, end: 0x7f800000 });
    expect(find('OpRegion (ASLS)')).toMatchObject({ start: 0x7b7fe000, end: 0x7b800000 });
    expect(find('host stolen')).toMatchObject({ start: 0x8b800000, end: 0x8f800000 });
  });

  it('groups faults on adjacent pages into one region and keeps corruption ranges', () => {
    expect(m.regions.filter((r) => r.kind === 'fault').map((r) => [r.label, r.start, r.end])).toEqual([
      ['256 faults', 0x8b800000, 0x8b900000],
      ['1 fault', 0xfee00000, 0xfee01000],
    ]);
    expect(find('corruption')).toMatchObject({ start: 0x1_0b80_0000, end: 0x1_0bc0_0000 });
  });

  it('lists unplaced BARs, I/O BARs and hazards as notes', () => {
    expect(m.notes).toContain('unplaced: 00:05.0 e1000 BAR0 (128K mem)');
    expect(m.notes.some((n) => n.startsWith('I/O BARs (port space, not drawn): 00:02.0 BAR4 0xc000+0x40'))).toBe(true);
    expect(m.notes).toContain('hazard cached-host-bdsm: the vBIOS writes host stolen addresses into the GTT and no quirk relocates them');
    expect(m.subtitle).toBe('IGD gen 9, strategy e820-reserved; 257 IOMMU faults, 1 corrupted ranges');
  });

  it('draws dirty-tracked framebuffer ranges (report.dirty) in their own lane, overlapping ones side by side', () => {
    const withDirty = { ...report, dirty: [
      { range: { start: '0xf4000000', end: '0xf4500000' }, pages: 1408 },
      { range: { start: '0xf4000000', end: '0xf4300000' }, pages: 384 },
    ] } as BootReport;
    expect(buildMapModel(withDirty).regions.filter((r) => r.lane === 'dirty').map((r) => [r.label, r.start, r.end])).toEqual([
      ['1408 dirty pages', 0xf4000000, 0xf4500000],
      ['384 dirty pages', 0xf4000000, 0xf4300000],
    ]);
    const svg = renderMapSvg(withDirty);
    expect(svg).toContain('>dirty tracking<');
    expect(svg).toContain('>1408 dirty pages · 5M<');
  });

  it('draws a report without igd and iommu sections (layers not landed yet)', () => {
    const { igd: _i, iommu: _m, traps: _t, ...base } = report;
    const svg = renderMapSvg(base as BootReport);
    expect(svg).not.toContain('IGD stolen memory / OpRegion');
    expect(svg).not.toContain('IOMMU faults');
    expect(svg).toContain('00:02.0 BAR0 vfio-igd');
    expect(wellFormed(svg)).toBe(true);
  });
});

describe('log-scaled broken axis', () => {
  it('keeps a 4 KiB region visible next to a 2 GiB one and collapses empty space', () => {
    const axis = buildAxis([{ start: 0, end: 0x8000_0000 }, { start: 0xfee0_0000, end: 0xfee0_1000 }]);
    expect(axis.segments.map((s) => [s.start, s.end, s.bottom - s.top, s.gap])).toEqual([
      [0, 0x8000_0000, 15 + 3 * 19, false],
      [0x8000_0000, 0xfee0_0000, 14, true],
      [0xfee0_0000, 0xfee0_1000, 15, false],
    ]);
    expect(axis.y(0xfee0_1000)).toBe(0);
    expect(axis.y(0)).toBe(axis.height);
    expect(axis.y(0x4000_0000)).toBeCloseTo(axis.height - 36, 5);
  });
});

describe('renderMapSvg', () => {
  const svg = renderMapSvg(report);

  it('is one self-contained, well-formed SVG document (no scripts, links or external fonts)', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(wellFormed(svg)).toBe(true);
    expect(svg).not.toMatch(/<script|href=|@import|url\((?!#)/);
  });

  it('labels the lanes, the regions with their sizes, the axis and the legend', () => {
    for (const s of ['e820 / RAM', 'PCI windows', 'bridge windows', 'BARs by device', 'IGD stolen memory / OpRegion', 'IOMMU faults / corruption']) expect(svg).toContain(`>${s}<`);
    for (const s of ['00:02.0 BAR0 vfio-igd · 16M', 'guest stolen (BDSM) · 64M', 'OpRegion (ASLS) · 8K', '256 faults · 1M', 'RAM · 2G', 'PCI 32-bit']) expect(svg).toContain(`>${s}<`);
    for (const s of ['0xc0000000', '0x1_0000_0000', '0x7b800000']) expect(svg).toContain(`>${s}<`);
    for (const s of ['memory BAR', 'prefetchable BAR', 'IGD guest stolen memory', 'IGD OpRegion', 'IOMMU fault', 'DMA corruption', 'host stolen (not guest)']) expect(svg).toContain(`>${s}<`);
    expect(svg).toContain('<title>IOMMU faults from 00:02.0 (read, reason 6): 256');
  });

  it('draws higher addresses higher up', () => {
    const yOf = (label: string): number => {
      const i = svg.indexOf(`>${label}<`);
      const rect = svg.lastIndexOf('<rect', i);
      return Number(/ y="([\d.]+)"/.exec(svg.slice(rect))![1]);
    };
    expect(yOf('OpRegion (ASLS) · 8K')).toBeGreaterThan(yOf('guest stolen (BDSM) · 64M'));
    expect(yOf('guest stolen (BDSM) · 64M')).toBeGreaterThan(yOf('00:02.0 BAR0 vfio-igd · 16M'));
  });
});

describe('renderMapHtml', () => {
  it('puts several maps side by side with unique pattern ids and an intro block', () => {
    const html = renderMapHtml([report, report], { title: 'compare', intro: 'a < b', captions: ['one', 'two'] });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<pre>a &lt; b</pre>');
    expect(html).toContain('<h2>one</h2>');
    expect(html).toContain('id="m0-hatch"');
    expect(html).toContain('id="m1-hatch"');
    expect(html).not.toMatch(/<script|<link|src=/);
  });
});

describe('number formatting', () => {
  it('prints sizes and long addresses readably', () => {
    expect([sizeText(0x1000), sizeText(0x9fc00), sizeText(0x7b6fe000), sizeText(3 * 2 ** 30)]).toEqual(['4K', '639K', '1.9G', '3G']);
    expect([addrText(0xfee00000), addrText(0x1_0000_0000), addrText(0x3800_0000_0000)]).toEqual(['0xfee00000', '0x1_0000_0000', '0x3800_0000_0000']);
  });
});

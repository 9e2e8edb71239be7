import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IGD_FATAL_MESSAGE } from '../../vmm/passthrough/traps/index.js';
import { iommuMatchers, toHaveNoIommuFaults } from '../../vmm/frontends/testing/matchers.js';
import { specOf, story } from './helpers.js';
import type { IgdFunction } from '../../devices/igd/index.js';

expect.extend(iommuMatchers);

const FB_PAGES = 768; // 1024x768x32: 3 MiB
const HOST_BDSM = 0x8b80_0000; // skl host default (devices/igd/host.ts)
const DMAR_FIRST = 'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set';

const CONFIGS = new URL('../../configs/', import.meta.url);
/** A bundled config's text. igd-bdw-pc is QEMU 9.2 on i440fx: its legacy mode carries the BAR4 quirk. */
const text = (name: string): string => readFileSync(new URL(`${name}.yaml`, CONFIGS), 'utf8');
const config = (name: string): ReturnType<typeof specOf> => specOf(text(name));
const igdOf = (s: ReturnType<typeof story>): IgdFunction => s.machine.pci.find(0, 0x10) as IgdFunction;
const range = (lo: number, pages: number): { low: string; high: string } => ({ low: `0x${lo.toString(16)}`, high: `0x${(lo + (pages - 1) * 4096).toString(16)}` });

describe('none + cached-host-bdsm: the vBIOS programs host stolen addresses the guest never had', () => {
  it('faults with reason 6 (read) from 00:02.0 on every framebuffer page when guest RAM does not cover them (q35, 2 GiB below 4 GiB)', () => {
    const s = story(config('igd-skl-q35'), { strategy: 'none', vbios: 'cached-host-bdsm' });
    const io = s.sections.iommu!;
    expect(s.sections.display![0]).toMatchObject({ mode: '1024x768', pages: FB_PAGES, readPages: 0, faultedPages: FB_PAGES, firstPage: '0x8b800000' });
    expect(io.faultCount).toBe(FB_PAGES);
    expect(io.faults[0]).toEqual({ source: '00:02.0', address: '0x8b800000', access: 'read', reason: 6, disposition: 'recorded', dmar: DMAR_FIRST });
    expect(io.faultGroups).toEqual([{ source: '00:02.0', reason: 6, access: 'read', count: FB_PAGES, ...range(HOST_BDSM, FB_PAGES) }]);
    expect(io.corruption).toEqual([]);
    expect(toHaveNoIommuFaults(s.sections).message()).toContain(DMAR_FIRST);
    // Sandy Bridge's host range elsewhere: the faults follow the host address the ROM cached.
    const snb = story(config('igd-snb-q35'), { strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(snb.sections.iommu!.faultGroups).toEqual([{ source: '00:02.0', reason: 6, access: 'read', count: FB_PAGES, ...range(0xad80_0000, FB_PAGES) }]);
  });

  it('silently reads guest RAM it was never given when guest RAM covers the host range (pc): corruption, no fault', () => {
    const s = story(config('igd-skl-pc'), { strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(s.sections.iommu!.faultCount).toBe(0);
    expect(s.sections.iommu!.corruption).toEqual([{ source: '00:02.0', start: '0x8b800000', end: '0x8bb00000', access: 'read' }]);
    expect(s.sections).toHaveNoIommuFaults();
    expect(s.sections).not.toHaveNoDmaCorruption();
  });

  it("kills the VM with QEMU's hw_error when the 9.x quirk sees the GTT programmed before BDSM", () => {
    const s = story(config('igd-bdw-pc'), { strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(s.pt.fatal).toBe(IGD_FATAL_MESSAGE);
    expect(s.sections.traps).toEqual({ hits: 1, rewrites: 0, drops: 1, fatal: IGD_FATAL_MESSAGE });
    expect(s.sections.rom[0]).toMatchObject({ program: 'cached-host-bdsm', ok: false, stoppedBy: IGD_FATAL_MESSAGE });
    expect(s.machine.events).toContainEqual({ source: '00:02.0', kind: 'fatal', message: IGD_FATAL_MESSAGE });
    expect(s.sections.display).toBeUndefined();
  });
});

describe('e820-reserved (SeaBIOS intel_igd_setup)', () => {
  it('+ cached-host-bdsm + the 9.x quirk: every host address relocated to the guest BDSM, clean', () => {
    const s = story(config('igd-bdw-pc'), { vbios: 'cached-host-bdsm' });
    const igd = igdOf(s);
    const bdsm = igd.guestBdsmBase();
    expect(bdsm).toBe(0xba70_0000);
    expect(s.sections.traps).toEqual({ hits: 2 * FB_PAGES, rewrites: FB_PAGES, drops: 0, fatal: null });
    for (const k of [0, 1, FB_PAGES - 1]) expect(igd.gtt.pageAddress(k)).toBe(bdsm + k * 4096);
    expect(s.sections.display![0]).toMatchObject({ readPages: FB_PAGES, faultedPages: 0, firstPage: '0xba700000' });
    expect(s.sections).toHaveNoIommuFaults();
    expect(s.sections).toHaveNoDmaCorruption();
  });

  it('+ reads-bdsm with the quirk off (QEMU 10.0, and 9.x with --no-quirks): the vBIOS writes guest addresses, clean', () => {
    for (const [name, quirks] of [['igd-bdw-pc', false], ['igd-skl-pc', undefined], ['igd-skl-q35', undefined], ['igd-snb-pc', undefined]] as const) {
      const s = story(config(name), { vbios: 'reads-bdsm', ...(quirks === false ? { quirks } : {}) });
      expect(s.sections.traps.hits, name).toBe(0);
      expect(s.sections.display![0]!.readPages, name).toBe(FB_PAGES);
      expect(s.sections, name).toHaveNoIommuFaults();
      expect(s.sections, name).toHaveNoDmaCorruption();
    }
  });

  it('+ reads-bdsm + the quirk (QEMU 9.2): every guest address is relocated again, past the guest stolen memory (why 10.0 removed it)', () => {
    const s = story(config('igd-bdw-pc'), { vbios: 'reads-bdsm' });
    const g = igdOf(s).guestBdsmBase();
    expect(g).toBe(0xba70_0000); // host: [0x8b800000, +64 MiB)
    expect(s.sections.traps).toEqual({ hits: 2 * FB_PAGES, rewrites: FB_PAGES, drops: 0, fatal: null });
    expect(igdOf(s).gtt.pageAddress(0)).toBe(2 * g - HOST_BDSM);
    expect(s.sections.display![0]!.readPages).not.toBe(FB_PAGES);
  });

  it('+ reads-bdsm + the quirk: the double relocation is caught as faults when the guest range lies inside the host one', () => {
    // igd-bdw-pc on QEMU 9.1 (x-igd-gms exists there) with a 512 MiB host DSM at 0xa0000000 that covers the guest's 32 MiB (x-igd-gms 1).
    const yaml = text('igd-bdw-pc').replace('gmch: 0x02c0', 'gmch: 0x10c0').replace('bdsm: 0x8b800000', 'bdsm: 0xa0000000').replace('qemu: "9.2"', 'qemu: "9.1"').replace("vfio-igd          # the host's IGD, always at 00:02.0", 'vfio-igd\n    props: { x-igd-gms: 1 }');
    const s = story(specOf(yaml), { vbios: 'reads-bdsm' });
    const g = igdOf(s).guestBdsmBase();
    expect(g).toBe(0xbc70_0000);
    const moved = 2 * g - 0xa000_0000; // guest address − host BDSM + guest BDSM: past the end of RAM
    expect(igdOf(s).gtt.pageAddress(0)).toBe(moved);
    expect(s.sections.iommu!.faultGroups).toEqual([{ source: '00:02.0', reason: 6, access: 'read', count: FB_PAGES, ...range(moved, FB_PAGES) }]);
    expect(s.sections).not.toHaveNoIommuFaults();
    // The same machine with a host-shadow vBIOS is what the quirk was written for: clean.
    const ok = story(specOf(yaml), { vbios: 'cached-host-bdsm' });
    expect(ok.sections).toHaveNoIommuFaults();
    expect(ok.sections).toHaveNoDmaCorruption();
  });
});

describe('every bundled IGD config with its own strategy', () => {
  // igd-bdw-pc is QEMU 9.2, whose BAR4 quirk relocates a clean vBIOS's addresses again (tested above); Meteor Lake has
  // no BDSM for a vBIOS to read (its DSM is in LMEMBAR: test/igd/guest-view.test.ts).
  const names = readdirSync(CONFIGS).filter((f) => f.startsWith('igd-') && f !== 'igd-bdw-pc.yaml' && f !== 'igd-mtl-q35.yaml').map((f) => f.replace(/\.yaml$/, ''));
  it.each(names)('%s: a clean vBIOS (reads-bdsm) scans out without a bad DMA', (name) => {
    const spec = config(name);
    const s = story(spec, { vbios: 'reads-bdsm' });
    // A legacy vBIOS runs only under SeaBIOS; OVMF has no CSM, so it never runs there: at most the UEFI GOP a gen 11+
    // romfile carries (IntelGopDriver, VfioIgdPkg) programs the display at boot, from the guest BDSM.
    if (spec.firmware.type === 'ovmf') {
      const romRuns = s.sections.rom;
      expect(romRuns.map((r) => r.program)).not.toContain('reads-bdsm');
      const drivers = String(spec.devices.find((d) => d.model === 'vfio-igd')?.props?.['romfile-drivers'] ?? '');
      if (igdOf(s).gen >= 11 && drivers.includes('IntelGopDriver')) {
        expect(romRuns.map((r) => r.program)).toEqual(['intel-gop']);
        expect(s.sections.display![0]).toMatchObject({ readPages: FB_PAGES, faultedPages: 0, firstPage: `0x${igdOf(s).guestBdsmBase().toString(16)}` });
      } else expect(s.sections.display).toBeUndefined();
    } else expect(s.sections.display![0]!.readPages).toBe(FB_PAGES);
    expect(s.sections).toHaveNoIommuFaults();
    expect(s.sections).toHaveNoDmaCorruption();
  });
});

describe('lpc-bars: stolen memory as a fake BAR on 00:1f.0', () => {
  it('is clean at boot, and faults once the guest moves the BAR under a GTT that still points at the old address', () => {
    const s = story(config('igd-skl-pc'), { strategy: 'lpc-bars', vbios: 'reads-bdsm' });
    const igd = igdOf(s);
    const lpc = s.machine.pci.find(0, 0xf8)!;
    const old = lpc.barAddress(0);
    expect(igd.gtt.pageAddress(0)).toBe(old);
    expect(s.sections).toHaveNoIommuFaults();
    // What Linux does while it resizes and reassigns BARs: a new address for BAR0 of 00:1f.0.
    const moved = old + lpc.bars[0]!.size;
    s.machine.cpu.outl(0xcf8, 0x8000_f810);
    s.machine.cpu.outl(0xcfc, moved);
    expect(lpc.barAddress(0)).toBe(moved);
    expect(igd.guestBdsmBase()).toBe(moved); // the VMM keeps BDSM on the BAR...
    const [frame] = s.pt.scanOut(); // ...but the vBIOS's GTT still holds the old pages
    expect(frame!.result).toMatchObject({ readPages: 0, faultedPages: FB_PAGES });
    const io = s.pt.sections().iommu!;
    expect(io.faultGroups).toEqual([{ source: '00:02.0', reason: 6, access: 'read', count: FB_PAGES, ...range(old, FB_PAGES) }]);
    expect(io.corruption).toEqual([]);
  });
});

describe('--trace of a known run', () => {
  it('writes one JSON line per quirk hit: relocated low dwords and zeroed high dwords', () => {
    const s = story(config('igd-bdw-pc'), { vbios: 'cached-host-bdsm', trace: true });
    const lines = [...s.pt.traceLines()];
    expect(lines).toHaveLength(2 * FB_PAGES);
    expect(lines.slice(0, 3)).toEqual([
      '{"step":2,"bdf":"00:02.0","region":"BAR4","offset":"0x4","width":4,"access":"write","before":"0x8b800001","after":"0xba700001","rule":"igd-bar4-quirk"}\n',
      '{"step":4,"bdf":"00:02.0","region":"BAR4","offset":"0x4","width":4,"access":"write","before":"0x0","after":"0x0","rule":"igd-bar4-quirk"}\n',
      '{"step":6,"bdf":"00:02.0","region":"BAR4","offset":"0x4","width":4,"access":"write","before":"0x8b801001","after":"0xba701001","rule":"igd-bar4-quirk"}\n',
    ]);
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const CONFIG = fileURLToPath(new URL('../../configs/igd-tgl-q35.yaml', import.meta.url));
const OVMF_CASE = fileURLToPath(new URL('../fixtures/ovmf-2022.11/case-5000.yaml', import.meta.url));

describe('firmware on the command line', () => {
  it('compare --firmware puts SeaBIOS and OVMF side by side, each against its own baseline', async () => {
    const r = await runCli('compare', CONFIG, '--strategies', 'e820-reserved,uefi-reserved', '--firmware', 'seabios,ovmf', '--json');
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as { columns: { strategy: string; guestBdsm: string | null }[] };
    expect(cmp.columns.map((c) => [c.strategy, c.guestBdsm])).toEqual([
      ['e820-reserved@seabios', null],
      ['uefi-reserved@seabios', null],
      // igd-tgl-q35 is QEMU 10.1 with its OVMF 2025.02: IgdAssignmentDxe (from the romfile, whatever the strategy)
      // allocates below DXE's free top 0x7e93f000 (0x80000000 - 0x16c1000).
      ['e820-reserved@ovmf', '0x7ad00000'],
      ['uefi-reserved@ovmf', '0x7ad00000'],
    ]);
  });

  it('compare --firmware refuses an unknown firmware with a usage error', async () => {
    const r = await runCli('compare', CONFIG, '--firmware', 'ovmf-2020.01');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("vfio-sim: --firmware: unknown ovmf version '2020.01' (known: 2022.11, 2025.02)\n");
  });

  it('boot of an OVMF config reports the Linux-derived e820 and OVMF placements', async () => {
    const r = await runCli('boot', OVMF_CASE, '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { profile: { firmware: { type: string; version: string } }; e820: { start: string; end: string; type: string }[]; pci: { devices: { bdf: string; bars: { bar: number; address: string | null }[] }[] } };
    expect(rep.profile.firmware).toEqual({ type: 'ovmf', version: '2022.11' });
    expect(rep.e820[0]).toEqual({ start: '0x0', end: '0xa0000', type: 'ram' });
    const vga = rep.pci.devices.find((d) => d.bdf === '00:05.0')!;
    expect(vga.bars.map((b) => [b.bar, b.address])).toEqual([[0, '0xc0000000'], [2, '0xc21c9000'], [6, null]]);
  });
});

describe('the OVMF report and map', () => {
  it('reports the apertures OVMF used and the UEFI memory map beside the e820', async () => {
    const r = await runCli('boot', fileURLToPath(new URL('../fixtures/ovmf-2025.02/case-5012.yaml', import.meta.url)), '--json');
    const rep = JSON.parse(r.stdout) as { uefi: { apertures: unknown; memoryMap: { start: string; end: string; type: string }[] } };
    expect(rep.uefi.apertures).toEqual({ io: ['0x6000', '0xffff'], mem32: ['0x80000000', '0xdfffffff'], mem64: ['0xc000000000', '0xdfffffffff'] });
    expect(rep.uefi.memoryMap.filter((m) => m.type === 'Reserved' || m.type === 'MemoryMappedIO').slice(-3)).toEqual([
      { start: '0xe0000000', end: '0xefffffff', type: 'Reserved' },
      { start: '0xffc00000', end: '0xffffffff', type: 'MemoryMappedIO' },
      { start: '0xfd00000000', end: '0xffffffffff', type: 'Reserved' },
    ]);
  });

  it('the address-map picture names the firmware and draws its apertures', async () => {
    const { buildMapModel } = await import('../../vmm/frontends/map/model.js');
    const r = await runCli('boot', fileURLToPath(new URL('../fixtures/ovmf-2022.11/case-5000.yaml', import.meta.url)), '--json');
    const m = buildMapModel(JSON.parse(r.stdout));
    expect(m.title).toBe('oracle-5000 — q35, 1G RAM, OVMF 2022.11');
    expect(m.regions.filter((x) => x.lane === 'windows').map((x) => [x.label, x.start, x.end])).toEqual([
      ['OVMF 32-bit aperture', 0xc000_0000, 0xfc00_0000],
      ['OVMF 64-bit aperture', 0xe0_0000_0000, 0x100_0000_0000],
    ]);
  });
});

describe('boot --firmware', () => {
  // The same placement as the recorded QEMU 10 + OVMF 2025.02 boot of this topology (ovmf-2025.02/case-5000).
  it('boots a SeaBIOS fixture under OVMF: ROM BARs unassigned, 64-bit BARs high', async () => {
    const cfg = fileURLToPath(new URL('../fixtures/ovmf-2022.11/case-5000.yaml', import.meta.url));
    const sea = JSON.parse((await runCli('boot', cfg, '--json', '--firmware', 'seabios')).stdout) as { profile: { firmware: unknown }; pci: { devices: { bdf: string; bars: { bar: number; address: string | null }[] }[] } };
    const ovmf = JSON.parse((await runCli('boot', cfg, '--json', '--firmware', 'ovmf-2025.02')).stdout) as typeof sea;
    expect([sea.profile.firmware, ovmf.profile.firmware]).toEqual([{ type: 'seabios', version: '1.16.2' }, { type: 'ovmf', version: '2025.02' }]);
    const bars = (r: typeof sea, bdf: string): unknown => r.pci.devices.find((d) => d.bdf === bdf)!.bars.map((b) => [b.bar, b.address]);
    expect(bars(ovmf, '00:1b.0')).toEqual([[0, '0x6280'], [1, '0x821c6000'], [4, '0xc020000000']]);
    expect((bars(sea, '00:03.0') as [number, string | null][]).find(([b]) => b === 6)![1]).not.toBeNull();
    expect((bars(ovmf, '00:03.0') as [number, string | null][]).find(([b]) => b === 6)![1]).toBeNull();
  });
});

describe('qemu-args', () => {
  it('leaves vfio-sim\'s romfile-drivers out of the QEMU command line', async () => {
    const r = await runCli('qemu-args', CONFIG);
    expect(r.stdout).toMatch(/-device vfio-pci,host=0000:00:02.0,addr=02.0[ ,]/);
    expect(r.stdout).not.toContain('romfile-drivers');
  });
});

describe('boot text for an OVMF machine', () => {
  it('names the apertures and lists the firmware-owned UEFI ranges after the e820', async () => {
    const r = await runCli('boot', fileURLToPath(new URL('../fixtures/ovmf-2025.02/case-5011.yaml', import.meta.url)));
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  OVMF 2025.02 apertures: io 0xc000-0xffff, 32-bit 0x80000000-0xfc000000, 64-bit 0xc000000000-0xdfffffffff');
    expect(lines).toContain('  e820 (as Linux derives it from the UEFI memory map):');
    expect(lines).toContain('        0x1f5ed000 -     0x1f6ecfff  RuntimeCode');
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../vmm/frontends/config/index.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import type { QxlDevice } from '../../devices/qxl/device.js';
import { runCheckedWorkload, runWorkload } from '../../vmm/passthrough/workload/index.js';
import { boot, TWO_HEADS } from './helpers.js';

// After SeaBIOS: gpu0 (00:01.0) BAR0 0xec000000, BAR1 0xf0000000; gpu1 (00:02.0) BAR0 0xf4000000, BAR1 0xf8000000.
const range = (start: number, end: number): { start: string; end: string } => ({ start: '0x' + start.toString(16), end: '0x' + end.toString(16) });

describe('configs/qxl-multihead.yaml', () => {
  it('reports the pages written into each framebuffer while its monitor was plugged', () => {
    const r = loadConfigFile('configs/qxl-multihead.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    // Boot without the workload (bootSpec would run it), then run it here to see every section.
    const { machine } = bootSpec({ ...r.spec, workload: undefined });
    const wl = runCheckedWorkload(machine, r.spec.workload);
    expect(wl.dirty).toEqual([
      // ramfb, 800x600 at 64 MiB (stride 3200): rows 0..99 end at byte 320000, pages 0..78.
      { range: range(0x400_0000, 0x41d_5000), pages: 79 },
      // left, gpu0's primary (stride 4096, a page a row): 768 once, the 32-row title bar 3 times, 32 bottom rows.
      { range: range(0xec00_0000, 0xec30_0000), pages: 768 + 3 * 32 + 32 },
      // pip, a 320x240 surface at the start of gpu0's VRAM: 307200 bytes = 75 pages, filled once.
      { range: range(0xf000_0000, 0xf004_b000), pages: 75 },
      // right plugged again at 1024x768: a 512x384 fill, one page a row.
      { range: range(0xf400_0000, 0xf430_0000), pages: 384 },
      // right at 1280x1024 (stride 5120): all 1280 pages, then the 64-row image in 2 more refreshes (a page a row).
      { range: range(0xf400_0000, 0xf450_0000), pages: 1280 + 2 * 64 },
    ]);
    expect(wl.workload?.monitors.map((m) => [m.id, m.kind, m.device ?? 'ram', m.range.start])).toEqual([
      ['left', 'primary', '00:01.0', '0xec000000'],
      ['right', 'primary', '00:02.0', '0xf4000000'],
      ['pip', 'offscreen', '00:01.0', '0xf0000000'],
      ['ramfb', 'ram', 'ram', '0x4000000'],
      ['right', 'primary', '00:02.0', '0xf4000000'],
    ]);
    expect(wl.workload).toMatchObject({ steps: 38, polls: 8, events: [], omitted: 0 });
    expect(wl.qxl.map((q) => [q.bdf, q.id, q.mode, q.guestBugs])).toEqual([
      ['00:01.0', 'gpu0', 'native', 0],
      ['00:02.0', 'gpu1', 'native', 0],
    ]);
  });

  it('merges into the boot report as {"dirty": [{"range": {"start", "end"}, "pages"}]}', () => {
    const r = loadConfigFile('configs/qxl-multihead.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const { report } = bootSpec(r.spec);
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['pci', 'e820', 'qxl', 'dirty', 'workload']));
    expect((json['dirty'] as unknown[])[0]).toEqual({ range: { start: '0x4000000', end: '0x41d5000' }, pages: 79 });
  });
});

describe('monitors plugged and unplugged mid-run', () => {
  it('counts a framebuffer only while plugged, and a replug of the same span adds up', () => {
    const { machine } = boot(TWO_HEADS);
    const rows = (top: number, bottom: number): object => ({ left: 0, top, right: 320, bottom });
    const wl = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu0' } },
      // qxl-vga consumes commands only out of VGA mode (QEMU): a primary first.
      { 'create-primary': { device: 'gpu0', width: 640, height: 480 } },
      { 'create-surface': { device: 'gpu0', name: 'win', width: 320, height: 240 } },
      // Before any monitor shows it: not counted.
      { fill: { device: 'gpu0', surface: 'win', color: 0x111111 } },
      { 'update-area': { device: 'gpu0', surface: 'win' } },
      { 'plug-monitor': { id: 'm', device: 'gpu0', surface: 'win' } },
      // Stride 1280: rows 0..15 are bytes 0..20479, pages 0..4.
      { fill: { monitor: 'm', rect: rows(0, 16), color: 0x222222 } },
      { 'update-area': { monitor: 'm' } },
      'poll',
      { 'unplug-monitor': { id: 'm' } },
      // Unplugged: not counted.
      { fill: { device: 'gpu0', surface: 'win', color: 0x333333 } },
      { 'update-area': { device: 'gpu0', surface: 'win' } },
      { 'plug-monitor': { id: 'm', device: 'gpu0', surface: 'win' } },
      // Rows 16..31: bytes 20480..40959, pages 5..9.
      { fill: { monitor: 'm', rect: rows(16, 32), color: 0x444444 } },
      { 'update-area': { monitor: 'm' } },
      'poll',
      { 'unplug-monitor': { id: 'm' } },
    ]);
    expect(wl.dirty).toEqual([{ range: range(0xf000_0000, 0xf004_b000), pages: 10 }]);
    expect(wl.workload?.events).toEqual([]);
  });

  it('frees the VRAM of an off-screen monitor on unplug and destroys a primary monitor', () => {
    const { machine } = boot(TWO_HEADS);
    const dev = machine.byId.get('gpu1') as QxlDevice;
    const wl = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu1' } },
      { 'plug-monitor': { id: 'head', device: 'gpu1', width: 640, height: 480 } },
      { 'plug-monitor': { id: 'side', device: 'gpu1', width: 256, height: 256, offscreen: true } },
      { fill: { monitor: 'side', color: 0xff } },
      { 'update-area': { monitor: 'side' } },
      { 'unplug-monitor': { id: 'side' } },
      { 'unplug-monitor': { id: 'head' } },
    ]);
    // 256x256x4 = 256 KiB = 64 pages; the primary saw no drawing.
    expect(wl.dirty).toEqual([
      { range: range(0xf400_0000, 0xf412_c000), pages: 0 },
      { range: range(0xf800_0000, 0xf804_0000), pages: 64 },
    ]);
    expect(dev.server.surfaces.size).toBe(0);
    expect(dev.modeName).toBe('undefined'); // QEMU: DESTROY_PRIMARY leaves native mode
    expect(wl.workload?.events).toEqual([]);
  });

  it('counts CPU stores into a QXL primary (MMIO) and into guest RAM, and writes after the last poll', () => {
    const { machine } = boot(TWO_HEADS);
    const wl = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu0' } },
      { 'plug-monitor': { id: 'a', device: 'gpu0', width: 1024, height: 768 } },
      { 'cpu-fill': { monitor: 'a', rect: { left: 1000, top: 10, right: 1024, bottom: 14 }, color: 1 } },
      'poll',
      { 'plug-monitor': { id: 'fb', ram: 0x10_0000, width: 1024, height: 16 } },
      // Clipped to the framebuffer: rows 8..15, a page each; counted by the run's closing refresh.
      { 'cpu-fill': { monitor: 'fb', rect: { left: 0, top: 8, right: 2048, bottom: 100 }, color: 2 } },
    ]);
    expect(wl.dirty).toEqual([
      { range: range(0x10_0000, 0x11_0000), pages: 8 },
      { range: range(0xec00_0000, 0xec30_0000), pages: 4 },
    ]);
    expect(wl.workload?.polls).toBe(2);
  });

  it('restores the memory and VRAM write hooks it chained onto', () => {
    const { machine } = boot(TWO_HEADS);
    const dev = machine.byId.get('gpu0') as QxlDevice;
    const seen: number[] = [];
    const mine = (gpa: number): void => void seen.push(gpa);
    dev.onVramWrite = mine;
    runWorkload(machine, [{ 'qxl-init': { device: 'gpu0' } }, { 'create-primary': { device: 'gpu0', width: 64, height: 64 } }]);
    expect(dev.onVramWrite).toBe(mine);
    expect(machine.ram.onWrite).toBeUndefined();
    expect(seen.length).toBeGreaterThan(0); // the earlier hook kept running during the run
  });
});

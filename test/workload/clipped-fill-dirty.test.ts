import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../vmm/passthrough/workload/index.js';
import { boot, TWO_HEADS } from './helpers.js';

describe('dirty pages of a fill clipped at the surface edges', () => {
  it('marks exactly the pages of the clipped rows, rows that do not start on a page boundary included', () => {
    const { machine } = boot(TWO_HEADS);
    const wl = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu0' } },
      // 1000x700: stride 4000, so each row starts at another offset inside its page.
      { 'plug-monitor': { id: 'm', device: 'gpu0', width: 1000, height: 700 } },
      // Past the right and bottom edges: painted are columns 990..999 of rows 690..699, bytes
      // y * 4000 + 3960 .. y * 4000 + 3999: one page each, pages 674..683 (unclipped, rows would spill over).
      { fill: { monitor: 'm', rect: { left: 990, top: 690, right: 1200, bottom: 900 }, color: 0xabcdef } },
      { 'update-area': { monitor: 'm' } },
      'poll',
      // Columns 0..7 of rows 0..2: bytes 0..31 (page 0), 4000..4031 (pages 0 and 1), 8000..8031 (page 1): 2 pages.
      { fill: { monitor: 'm', rect: { left: 0, top: 0, right: 8, bottom: 3 }, color: 0x123456 } },
      { 'update-area': { monitor: 'm' } },
      'poll',
    ]);
    // 700 rows x 4000 bytes = 684 pages tracked.
    expect(wl.dirty).toEqual([{ range: { start: '0xec000000', end: '0xec2ac000' }, pages: 10 + 2 }]);
    expect(wl.workload?.events).toEqual([]);
  });
});

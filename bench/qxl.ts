/**
 * A QXL 4K session: qxl-vga with 256 MiB of VRAM, a 3840x2160 primary surface, full-screen fills
 * rendered (update-area) and the dirty framebuffer polled, `frames` times. Wall ms of the whole boot
 * (firmware, driver init, every frame), best of `boots` warm runs after a warm-up, as the other hot-path
 * figures take the best of their rounds: one boot allocates the 32 MiB framebuffer's pages afresh, so a
 * single sample also measures whichever major GC frees the previous boot's (docs/performance.md §8.1).
 * RSS growth is the first timed boot's.
 */
import { bootSpec } from '../vmm/core/boot/index.js';
import { parseConfig } from '../vmm/frontends/config/index.js';

export function qxl4kConfig(frames: number): string {
  return `name: qxl-4k
machine: { type: q35, memory: 2G, qemu: '7.2' }
devices:
  - model: qxl-vga
    id: gpu0
    addr: "01.0"
    props: { ram_size_mb: 128, vram_size_mb: 256, vgamem_mb: 64 }
workload:
  steps:
    - qxl-init: { device: gpu0 }
    - plug-monitor: { id: m, device: gpu0, width: 3840, height: 2160 }
    - repeat:
        times: ${frames}
        steps:
          - fill: { monitor: m, color: 0x203040 }
          - update-area: { monitor: m }
          - poll
`;
}

export function benchQxl(frames = 10, boots = 3): { ms: number; rssMb: number; note: string } {
  const r = parseConfig(qxl4kConfig(frames), 'qxl-4k.yaml');
  if (!r.ok) throw new Error(`bench: qxl-4k config: ${r.errors[0]?.message ?? 'bad config'}`);
  let report = bootSpec(r.spec).report; // warm-up: JIT, and every module loaded
  let ms = Infinity;
  let rssMb = 0;
  for (let b = 0; b < boots; b++) {
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    report = bootSpec(r.spec).report;
    ms = Math.min(ms, performance.now() - t0);
    if (b === 0) rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
  }
  const tracked = report.dirty?.length ?? 0;
  return { ms, rssMb, note: `${frames} full-screen fill + update-area + poll frames on a 3840x2160 primary, 256 MiB VRAM, best of ${boots} boots; RSS +${rssMb.toFixed(1)} MB${report.panic ? `; panic: ${report.panic}` : ''}${tracked === 0 ? '; NO dirty report' : ''}` };
}

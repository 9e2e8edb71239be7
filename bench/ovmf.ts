/**
 * OVMF boot cost against SeaBIOS in this tool: the 60 recorded OVMF topologies (test/fixtures/ovmf-*), each booted
 * warm as recorded (OVMF) and with the firmware overridden to SeaBIOS of the same QEMU; the figure is the median
 * over topologies of OVMF's median boot divided by SeaBIOS's. Target ≤ 2 (real OVMF takes 2–5 s under TCG).
 */
import { bootSpec } from '../vmm/core/boot/index.js';
import { fixtureTopologies, type Topology } from './boot.js';
import { median } from './figure.js';

function ovmfTopologies(): Topology[] {
  return ['2022.11', '2025.02'].flatMap((v) => fixtureTopologies(`ovmf-${v}`));
}

export function benchOvmf(rounds = 31, warmup = 10): { ratio: number; ovmfMs: number; seabiosMs: number; note: string } {
  const tops = ovmfTopologies();
  const seabios = { firmware: { type: 'seabios' as const } };
  const time = (profile?: typeof seabios): number[] => {
    for (let w = 0; w < warmup; w++) for (const t of tops) bootSpec(t.spec, { configPath: t.path, ...(profile ? { profile } : {}) });
    const times = tops.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      tops.forEach((t, i) => {
        const t0 = performance.now();
        bootSpec(t.spec, { configPath: t.path, ...(profile ? { profile } : {}) });
        times[i]!.push(performance.now() - t0);
      });
    }
    return times.map(median);
  };
  const o = time();
  const s = time(seabios);
  const ratio = median(o.map((x, i) => x / s[i]!));
  return { ratio, ovmfMs: median(o), seabiosMs: median(s), note: `median OVMF/SeaBIOS boot-time ratio over ${tops.length} topologies (OVMF ${median(o).toFixed(3)} ms, SeaBIOS ${median(s).toFixed(3)} ms)` };
}

/**
 * `npm run bench`: one JSON line per figure, {"name","value","unit","target","cmp","met"[,"note"]}.
 * Options: --quick (fewer rounds, QEMU on 8 topologies), --only a,b (just those figures).
 */
import { availableParallelism } from 'node:os';
import { benchBoot, fixtureTopologies, type Topology } from './boot.js';
import { figure, median, type Figure } from './figure.js';
import { benchGuestMemory } from './memory.js';
import { benchQemu } from './qemu.js';
import { benchSweep } from './sweep.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv[argv.indexOf('--only') + 1];
const only = argv.includes('--only') && onlyArg !== undefined ? new Set(onlyArg.split(',')) : undefined;
const want = (name: string): boolean => only === undefined || only.has(name);

function emit(f: Figure): void {
  process.stdout.write(JSON.stringify(f) + '\n');
}

/** Figures from modules other engineers own: loaded by name so a missing one is a null line, not a crash. */
async function loadBench(file: string, fn: string): Promise<{ run: () => unknown } | { missing: string }> {
  try {
    const mod = (await import(file)) as Record<string, unknown>;
    const f = mod[fn];
    if (typeof f !== 'function') return { missing: `${file} has no ${fn}()` };
    return { run: f as () => unknown };
  } catch (e) {
    return { missing: `${file} not available (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
}

/** A number out of whatever a bench function returned: the number itself, or the first key matching `key`. */
function pick(result: unknown, key: RegExp): number | null {
  if (typeof result === 'number') return result;
  if (typeof result !== 'object' || result === null) return null;
  for (const [k, v] of Object.entries(result)) if (key.test(k) && typeof v === 'number') return v;
  const v = (result as Record<string, unknown>)['value'];
  return typeof v === 'number' ? v : null;
}

function noteOf(result: unknown): string | undefined {
  const n = typeof result === 'object' && result !== null ? (result as Record<string, unknown>)['note'] : undefined;
  return typeof n === 'string' ? n : undefined;
}

async function main(): Promise<void> {
  let topologies: Topology[] = [];
  let bootMs: number | null = null;
  let perTopologyMs: number[] = [];
  const need = ['boot_median_ms', 'sweep_boots_per_s_1', 'sweep_boots_per_s_2', 'qemu_boot_ratio'].some(want);
  if (need) topologies = fixtureTopologies();

  if (want('boot_median_ms') || want('qemu_boot_ratio')) {
    const b = benchBoot(topologies, quick ? 7 : 51, quick ? 3 : 30);
    bootMs = b.medianMs;
    perTopologyMs = b.perTopologyMs;
    if (want('boot_median_ms')) emit(figure('boot_median_ms', bootMs, 'ms', 0.15, '<=', `median over ${topologies.length} SeaBIOS topologies of each one's median warm boot`));
  }

  if (want('ovmf_boot_ratio')) {
    const m = await loadBench('./ovmf.js', 'benchOvmf');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('ovmf_boot_ratio', 'run' in m ? pick(r, /ratio/i) : null, 'x', 2, '<=', 'run' in m ? noteOf(r) : m.missing));
  }

  if (want('gtt_writes_per_s')) {
    const m = await loadBench('./gtt.js', 'benchGtt');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('gtt_writes_per_s', 'run' in m ? pick(r, /per_?s|writes|rate/i) : null, 'writes/s', 20e6, '>=', 'run' in m ? noteOf(r) ?? 'trapped vBIOS GTT writes through the BAR4 quirk (8 MiB GTT)' : m.missing));
  }

  if (want('iotlb_hit_per_s') || want('iotlb_miss_per_s')) {
    const m = await loadBench('./iommu.js', 'benchIommu');
    const r = 'run' in m ? await m.run() : undefined;
    const note = 'run' in m ? noteOf(r) : m.missing;
    if (want('iotlb_hit_per_s')) emit(figure('iotlb_hit_per_s', 'run' in m ? pick(r, /hit/i) : null, 'translations/s', 30e6, '>=', note));
    if (want('iotlb_miss_per_s')) emit(figure('iotlb_miss_per_s', 'run' in m ? pick(r, /miss/i) : null, 'translations/s', null, null, note));
  }

  if (want('dirty_get_clear_us')) {
    const m = await loadBench('./dirty.js', 'benchDirty');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('dirty_get_clear_us', 'run' in m ? pick(r, /us|micro|get/i) : null, 'us', null, null, 'run' in m ? noteOf(r) ?? 'get-and-clear of a 4K framebuffer dirty bitmap' : m.missing));
  }

  for (const jobs of [1, 2]) {
    const name = `sweep_boots_per_s_${jobs}`;
    if (!want(name)) continue;
    const s = await benchSweep(topologies, jobs, quick ? 10 : 40);
    const how = jobs === 1 ? 'inline (--jobs 1)' : `piscina, ${jobs} threads, pool start and config loading included`;
    emit(figure(name, s.perS, 'boots/s', 1000, '>=', `${s.boots} boots, ${how}; ${availableParallelism()} cores`));
  }

  if (want('guest_64g_rss_mb')) {
    try {
      const g = benchGuestMemory();
      emit(figure('guest_64g_rss_mb', g.mb, 'MB', 50, '<', g.note));
    } catch (e) {
      emit(figure('guest_64g_rss_mb', null, 'MB', 50, '<', `child failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
    }
  }

  if (want('qemu_boot_ratio')) {
    // Both sides over the same topologies: those QEMU got through (SeaBIOS panics on one on purpose).
    let pairs = topologies.map((t, i) => ({ json: t.path.replace(/\.yaml$/, '.json'), ours: perTopologyMs[i] }));
    if (quick) pairs = pairs.slice(0, 8);
    const q = bootMs === null ? null : await benchQemu(pairs.map((p) => p.json));
    if (q === null) emit(figure('qemu_boot_ratio', null, 'x', 1000, '>=', 'qemu-system-x86_64 not installed (or it never reached the e820 dump)'));
    else {
      const ours = median(pairs.filter((_, i) => q.ms[i] !== null).map((p) => p.ours!));
      const n = q.ms.filter((x) => x !== null).length;
      emit(figure('qemu_boot_ratio', q.medianMs / ours, 'x', 1000, '>=', `QEMU 7.2+SeaBIOS (${q.accel}) median ${q.medianMs.toFixed(1)} ms from start to the e820 dump vs vfio-sim ${ours.toFixed(4)} ms, over the ${n} topologies QEMU boots`));
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * `npm run bench`: one JSON line per figure, {"name","value","unit","target","cmp","met"[,"note"]}.
 * Options: --quick (fewer rounds, QEMU on 8 topologies), --only a,b (just those figures).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { benchBoot, fixtureTopologies, type Topology } from './boot.js';
import { benchRootPorts } from './boot-shape.js';
import { benchCliBatch, benchCliBatchCpu, benchCliStart, benchCliStartCpu, benchCliSweep } from './cli.js';
import { benchColdStart, COLD_COUNTS } from './cold-start.js';
import { benchQxl } from './qxl.js';
import { benchScanout } from './scanout.js';
import { figure, median, type Figure } from './figure.js';
import { benchGuestMemory } from './memory.js';
import { benchQemu } from './qemu.js';
import { benchSweep } from './sweep.js';
import { benchParallelCeiling } from './parallel.js';

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

/** Runs a bench function; a throw becomes a null figure with the message, never a crash of the whole run. */
async function attempt<T>(f: () => T | Promise<T>): Promise<T | { failed: string }> {
  try {
    return await f();
  } catch (e) {
    return { failed: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

function failed(r: unknown): r is { failed: string } {
  return typeof r === 'object' && r !== null && 'failed' in r;
}

async function main(): Promise<void> {
  let topologies: Topology[] = [];
  let bootMs: number | null = null;
  let perTopologyMs: number[] = [];
  const need = ['boot_median_ms', 'boot_mean_ms', 'boot_cpu_mean_ms', 'boot_gc_share', 'sweep_speedup_2', 'sweep_cpu_ratio_2', 'qemu_boot_ratio', 'cli_batch_ms_per_config', 'cli_batch_cpu_ms_per_config'].some(want);
  if (need) topologies = fixtureTopologies();
  const machine = `${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;

  if (['boot_median_ms', 'boot_mean_ms', 'boot_cpu_mean_ms', 'boot_gc_share', 'qemu_boot_ratio'].some(want)) {
    const b = await benchBoot(topologies, quick ? 7 : 51, quick ? 3 : 30);
    bootMs = b.medianMs;
    perTopologyMs = b.perTopologyMs;
    const over = `${topologies.length} recorded SeaBIOS topologies`;
    if (want('boot_median_ms')) emit(figure('boot_median_ms', bootMs, 'ms', 0.15, '<=', `median over ${over} of each one's median warm boot`));
    if (want('boot_mean_ms')) emit(figure('boot_mean_ms', b.meanMs, 'ms', 0.1, '<=', `mean of every timed warm boot over ${over} (GC pauses included)`));
    if (want('boot_cpu_mean_ms')) emit(figure('boot_cpu_mean_ms', b.cpuMeanMs, 'ms', 0.1, '<=', `process CPU time (user + system, every thread) of the timed loop / boots over ${over}: the mean without the waits of a loaded machine`));
    if (want('boot_gc_share')) emit(figure('boot_gc_share', b.gcShare, 'share', 0.1, '<=', `time in garbage collection (perf_hooks 'gc' entries) / time of the timed boot loop over ${over}`));
  }

  if (want('boot_ms_200_root_ports')) {
    const r = await attempt(() => benchRootPorts(200, quick ? 7 : 21, quick ? 2 : 5));
    emit(failed(r) ? figure('boot_ms_200_root_ports', null, 'ms', 2, '<=', r.failed) : figure('boot_ms_200_root_ports', r.ms, 'ms', 2, '<=', r.note));
  }

  if (want('cli_start_ms')) {
    const r = await attempt(() => benchCliStart(quick ? 7 : 21));
    emit(failed(r) ? figure('cli_start_ms', null, 'ms', 150, '<=', r.failed) : figure('cli_start_ms', r.ms, 'ms', 150, '<=', `vfio-sim boot configs/q35-desktop.yaml, ${r.note}`));
  }

  if (want('cli_start_cpu_ms')) {
    const r = await attempt(() => benchCliStartCpu(quick ? 7 : 21));
    emit(failed(r) ? figure('cli_start_cpu_ms', null, 'ms', 150, '<=', r.failed) : figure('cli_start_cpu_ms', r.ms, 'ms', 150, '<=', `CPU time (user + system) of vfio-sim boot configs/q35-desktop.yaml, median of fresh processes; \`node -e 0\` alone: ${r.nodeMs.toFixed(0)} ms`));
  }

  let cliPerConfig: number | null = null;
  if (want('cli_batch_ms_per_config')) {
    const r = await attempt(() => benchCliBatch(topologies.map((t) => t.path), 1000, quick ? 1 : 3));
    if (!failed(r)) cliPerConfig = r.msPerConfig;
    emit(failed(r) ? figure('cli_batch_ms_per_config', null, 'ms', 0.15, '<=', r.failed) : figure('cli_batch_ms_per_config', r.msPerConfig, 'ms', 0.15, '<=', r.note));
  }

  if (want('cli_batch_cpu_ms_per_config')) {
    const r = await attempt(() => benchCliBatchCpu(topologies.map((t) => t.path), 1000, quick ? 1 : 3));
    emit(failed(r) ? figure('cli_batch_cpu_ms_per_config', null, 'ms', 0.15, '<=', r.failed) : figure('cli_batch_cpu_ms_per_config', r.msPerConfig, 'ms', 0.15, '<=', 'the same batch in CPU time (user + system, bash `times`): (batch − one config) / 999; robust to a loaded machine'));
  }

  const coldNames = COLD_COUNTS.map((n) => `cold_boots_cpu_ms_${n}`);
  if (coldNames.some(want)) {
    const r = await attempt(() => benchColdStart(quick ? 3 : 7));
    coldNames.forEach((name, i) => {
      if (want(name)) emit(failed(r) ? figure(name, null, 'ms', null, null, r.failed) : figure(name, r.cpuMs[i]!, 'ms', null, null, `first ${COLD_COUNTS[i]} boots: ${r.note}`));
    });
  }

  if (want('ovmf_boot_ratio')) {
    const m = await loadBench('./ovmf.js', 'benchOvmf');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('ovmf_boot_ratio', 'run' in m ? pick(r, /ratio/i) : null, 'x', 2, '<=', 'run' in m ? noteOf(r) : m.missing));
  }

  if (want('gtt_writes_per_s')) {
    const m = await loadBench('./gtt.js', 'benchGtt');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('gtt_writes_per_s', 'run' in m ? pick(r, /per_?s|writes|rate/i) : null, 'writes/s', 60e6, '>=', 'run' in m ? noteOf(r) ?? 'trapped vBIOS GTT writes through the BAR4 quirk (8 MiB GTT)' : m.missing));
  }

  if (want('iotlb_hit_per_s') || want('iotlb_miss_per_s')) {
    const m = await loadBench('./iommu.js', 'benchIommu');
    const r = 'run' in m ? await m.run() : undefined;
    const note = 'run' in m ? noteOf(r) : m.missing;
    if (want('iotlb_hit_per_s')) emit(figure('iotlb_hit_per_s', 'run' in m ? pick(r, /hit/i) : null, 'translations/s', 100e6, '>=', note));
    if (want('iotlb_miss_per_s')) emit(figure('iotlb_miss_per_s', 'run' in m ? pick(r, /miss/i) : null, 'translations/s', null, null, note));
  }

  if (want('igd_scanout_zero_gb_per_s')) {
    const r = await attempt(() => benchScanout(quick ? 5 : 15));
    emit(failed(r) ? figure('igd_scanout_zero_gb_per_s', null, 'GB/s', 4, '>=', r.failed) : figure('igd_scanout_zero_gb_per_s', r.gbPerS, 'GB/s', 4, '>=', `${r.note}; target: half the copy rate of a typical 2-core VM`));
  }

  if (want('qxl_4k_frame_ms')) {
    const frames = quick ? 3 : 10;
    const r = await attempt(() => benchQxl(frames));
    emit(failed(r) ? figure('qxl_4k_frame_ms', null, 'ms', 16.7, '<=', r.failed) : figure('qxl_4k_frame_ms', r.ms / frames, 'ms', 16.7, '<=', `whole boot / frames (one 60 Hz frame is the target): ${r.ms.toFixed(0)} ms; ${r.note}`));
  }

  if (want('dirty_get_clear_us')) {
    const m = await loadBench('./dirty.js', 'benchDirty');
    const r = 'run' in m ? await m.run() : undefined;
    emit(figure('dirty_get_clear_us', 'run' in m ? pick(r, /us|micro|get/i) : null, 'us', null, null, 'run' in m ? noteOf(r) ?? 'get-and-clear of a 4K framebuffer dirty bitmap' : m.missing));
  }

  if (want('sweep_speedup_2') || want('sweep_cpu_ratio_2') || want('sweep_boots_per_s_1') || want('sweep_boots_per_s_2')) {
    const repeat = quick ? 36 : 40; // 58 x 36 = 2088 boots: the issue's >= 2,000
    const one = await benchSweep(topologies, 1, repeat);
    const two = await benchSweep(topologies, 2, repeat);
    if (want('sweep_boots_per_s_1')) emit(figure('sweep_boots_per_s_1', one.perS, 'boots/s', null, null, `${one.boots} boots inline (--jobs 1)`));
    if (want('sweep_boots_per_s_2')) emit(figure('sweep_boots_per_s_2', two.perS, 'boots/s', null, null, `${two.boots} boots on 2 threads (the main thread + 1 worker), worker start included`));
    const load = loadavg()[0]!.toFixed(1);
    if (want('sweep_speedup_2')) emit(figure('sweep_speedup_2', two.perS / one.perS, 'x', 1.8, '>=', `--jobs 2 vs --jobs 1 wall clock over ${one.boots} boots, worker start included; ${machine}, load average ${load}`));
    if (want('sweep_cpu_ratio_2')) emit(figure('sweep_cpu_ratio_2', two.cpuMs / one.cpuMs, 'x', 1.1, '<=', `CPU time of the whole process (all threads), --jobs 2 / --jobs 1: ${two.cpuMs.toFixed(0)} / ${one.cpuMs.toFixed(0)} ms; what a second thread costs beyond the boots it takes over (1.0 = nothing), independent of other load`));
  }

  if (want('parallel_ceiling_2')) {
    // No target: what two cores give two warm processes at best, the ceiling of the --jobs 2 figures above and below.
    const r = await attempt(() => benchParallelCeiling(quick ? 1500 : 3000));
    emit(failed(r) ? figure('parallel_ceiling_2', null, 'x', null, null, r.failed) : figure('parallel_ceiling_2', r.ratio, 'x', null, null, `${r.note}; ${machine}`));
  }

  if (want('sweep_cli_speedup_2')) {
    // What a user's `vfio-sim sweep` gets from a second thread: fresh processes, both threads cold (docs/performance.md
    // §19). The target is sweep_speedup_2's (≥ 1.8): the same ratio, measured the way users run it.
    const all = fixtureTopologies();
    const r = await attempt(() => benchCliSweep(all.map((t) => t.path), quick ? 10 : 20));
    emit(
      failed(r)
        ? figure('sweep_cli_speedup_2', null, 'x', 1.8, '>=', r.failed)
        : figure('sweep_cli_speedup_2', r.speedup, 'x', 1.8, '>=', `vfio-sim sweep --jobs 1 vs --jobs 2 in fresh processes over ${r.runsPerSweep} runs (the recorded SeaBIOS topologies copied, × SeaBIOS 1.16.2 and 1.16.3): ${r.oneMs.toFixed(0)} vs ${r.twoMs.toFixed(0)} ms, medians of 3; ${machine}`),
    );
  }

  if (want('guest_64g_rss_mb')) {
    try {
      const g = benchGuestMemory();
      emit(figure('guest_64g_rss_mb', g.mb, 'MB', 50, '<', g.note));
    } catch (e) {
      emit(figure('guest_64g_rss_mb', null, 'MB', 50, '<', `child failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
    }
  }

  if (want('qemu_boot_ratio') || want('cli_qemu_ratio')) {
    // Both sides over the same topologies: those QEMU got through (SeaBIOS panics on one on purpose).
    let pairs = topologies.map((t, i) => ({ json: t.path.replace(/\.yaml$/, '.json'), ours: perTopologyMs[i] }));
    if (quick) pairs = pairs.slice(0, 8);
    const q = await benchQemu(pairs.map((p) => p.json));
    const none = 'qemu-system-x86_64 not installed (or it never reached the e820 dump)';
    if (want('qemu_boot_ratio')) {
      if (q === null || bootMs === null) emit(figure('qemu_boot_ratio', null, 'x', 1000, '>=', none));
      else {
        const ours = median(pairs.filter((_, i) => q.ms[i] !== null).map((p) => p.ours!));
        const n = q.ms.filter((x) => x !== null).length;
        emit(figure('qemu_boot_ratio', q.medianMs / ours, 'x', 1000, '>=', `QEMU 7.2+SeaBIOS (${q.accel}) median ${q.medianMs.toFixed(1)} ms from start to the e820 dump vs vfio-sim ${ours.toFixed(4)} ms, over the ${n} topologies QEMU boots`));
      }
    }
    if (want('cli_qemu_ratio')) {
      if (q === null || cliPerConfig === null) emit(figure('cli_qemu_ratio', null, 'x', 1000, '>=', q === null ? none : 'needs cli_batch_ms_per_config'));
      else emit(figure('cli_qemu_ratio', q.medianMs / cliPerConfig, 'x', 1000, '>=', `QEMU 7.2+SeaBIOS (${q.accel}) median ${q.medianMs.toFixed(1)} ms per topology vs \`vfio-sim boot --json\` ${cliPerConfig.toFixed(4)} ms per config in a batch, same run`));
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

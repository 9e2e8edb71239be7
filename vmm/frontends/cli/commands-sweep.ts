import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { bootSpec } from '../../core/boot/index.js';
import { IGD_STRATEGIES } from '../config/index.js';
import { renderMapHtml } from '../map/index.js';
import type { BootReport } from '../report/types.js';
import { parseFirmwareArg } from './firmware-arg.js';
import { AUTO_POOL_MIN, buildPlan, comboAt, csvHeader, expandConfigPaths, renderSummaryTable, rowToCsv, rowToJsonLine, planStarts, runSweep, SweepSummary, type SweepRow } from '../sweep/index.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { checkStrategy } from './strategy-arg.js';
import { budgetOption, checkOutputs, checkVbios, clampJobs } from './guard.js';
import { loadEachSpec } from './load.js';

interface SweepCliOptions {
  strategies?: string;
  firmware?: string;
  vbios?: string;
  jobs?: string;
  chunk?: string;
  json?: string;
  csv?: string;
  html?: string;
  quirks?: boolean;
  progress?: boolean;
  failOnFault?: boolean;
  budget?: string;
}

/** Maps of at most this many runs go into --html: one per strategy, its first failed or faulted run if any. */
const HTML_MAX_MAPS = 12;

function list(s: string | undefined): string[] | undefined {
  return s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function positiveInt(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`${what} must be a positive integer, got '${s}'`);
  return Number(s);
}

export function registerSweepCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('sweep')
    .description('boot every config × IGD strategy × vBIOS behaviour on worker threads and summarise per strategy')
    .argument('<config-or-dir...>', 'YAML machine configs, or directories scanned for *.yaml')
    .option('--strategies <list>', `comma-separated IGD strategies for IGD machines (${IGD_STRATEGIES.join(', ')}); default each config's own`)
    .option('--vbios <list>', "comma-separated vBIOS behaviours for IGD machines (reads-bdsm, cached-host-bdsm, a ROM program path); default each config's own")
    .option('--jobs <n>', `worker threads; 1 runs inline (default: inline below ${AUTO_POOL_MIN} runs, else ${availableParallelism()})`)
    .option('--chunk <n>', 'combinations per worker task (default: from the sweep size, 16-256 on big sweeps)')
    .option('--json <file>', 'write one JSON line per combination, in index order')
    .option('--csv <file>', 'write one CSV row per combination, in index order')
    .option('--html <file>', 'write the summary and the address maps of representative runs as one HTML page')
    .option('--firmware <list>', 'comma-separated firmware to boot every config with (seabios, ovmf, type-version such as ovmf-2025.02); rows gain "firmware"')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .option('--no-progress', 'no progress bar even on a terminal')
    .option('--fail-on-fault', 'exit 1 when any run had an IOMMU fault or DMA corruption')
    .option('--budget <list>', 'limits per run, e.g. steps=1e6,ms=5000 (steps, bytes, pixels, pages, log, ms)')
    .action(async (args: string[], opts: SweepCliOptions) => {
      const strategies = list(opts.strategies);
      for (const s of strategies ?? []) checkStrategy(s);
      const firmwares = list(opts.firmware);
      for (const f of firmwares ?? []) parseFirmwareArg(f);
      const jobs = clampJobs(positiveInt(opts.jobs, '--jobs'));
      const chunkSize = positiveInt(opts.chunk, '--chunk');
      const budget = budgetOption(opts.budget);
      // Every vBIOS is checked before the first boot: a typo must not sweep as a clean run.
      const vbios = list(opts.vbios)?.map(checkVbios);
      const { paths, missing } = expandConfigPaths(args);
      if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
      if (paths.length === 0) throw new UsageError(`no *.yaml configs in ${args.join(', ')}`);
      checkOutputs({ '--json': opts.json, '--csv': opts.csv, '--html': opts.html }, paths);
      // A bad config is reported and left out; the rest still sweep, and the exit code is 2 at the end.
      const { specs, bad } = loadEachSpec(paths);
      if (bad > 0) setCode(EXIT_USAGE);
      if (specs.length === 0) return;
      const plan = buildPlan(specs, { ...(strategies ? { strategies } : {}), ...(vbios ? { vbios } : {}), ...(firmwares ? { firmwares } : {}), quirks: opts.quirks !== false, ...(budget ? { budget } : {}) });

      const summary = new SweepSummary();
      const open = (opt: string, file: string | undefined): number | undefined => {
        if (file === undefined) return undefined;
        try {
          return openSync(file, 'w');
        } catch (e) {
          throw new UsageError(`${opt}: cannot write ${file}: ${(e as Error).message}`);
        }
      };
      const json = open('--json', opts.json);
      const csv = open('--csv', opts.csv);
      const byFirmware = firmwares !== undefined && firmwares.length > 0;
      if (csv !== undefined) writeSync(csv, csvHeader(byFirmware));
      const picks = new Map<string, SweepRow>();
      const bar = await progressBar(opts.progress !== false && process.stderr.isTTY === true);
      try {
        const stats = await runSweep(plan, {
          ...(jobs !== undefined ? { jobs } : {}),
          ...(chunkSize !== undefined ? { chunkSize } : {}),
          specs: (i) => specs[i]!.spec,
          onRows: (rows) => {
            summary.add(rows);
            if (json !== undefined) writeSync(json, rows.map(rowToJsonLine).join(''));
            if (csv !== undefined) writeSync(csv, rows.map((r) => rowToCsv(r, byFirmware)).join(''));
            for (const r of rows) {
              const key = r.strategy ?? '';
              const had = picks.get(key);
              if (had === undefined || (had.status === 'clean' && r.status !== 'clean')) picks.set(key, r);
            }
          },
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.stop();
        process.stdout.write(renderSummaryTable(summary) + '\n');
        const rate = stats.ms > 0 ? Math.round((stats.total / stats.ms) * 1000) : 0;
        process.stderr.write(`${stats.total} boots in ${stats.ms.toFixed(0)} ms (${rate}/s) on ${stats.jobs} thread${stats.jobs > 1 ? 's' : ''}, ${stats.chunkSize} per task\n`);
      } finally {
        bar?.stop();
        if (json !== undefined) closeSync(json);
        if (csv !== undefined) closeSync(csv);
      }
      if (opts.html !== undefined) {
        // Boots are pure, so the chosen runs are booted again here rather than shipped back from workers.
        const starts = planStarts(plan);
        const chosen = [...picks.values()].sort((a, b) => a.index - b.index).slice(0, HTML_MAX_MAPS);
        const reports: BootReport[] = [];
        const captions: string[] = [];
        for (const r of chosen) {
          if (r.error !== null) continue;
          const s = specs[comboAt(plan, starts, r.index).configIndex]!;
          reports.push(
            bootSpec(s.spec, {
              configPath: r.config,
              ...(r.strategy !== null ? { strategy: r.strategy } : {}),
              ...(r.vbios !== null ? { vbios: r.vbios } : {}),
              quirks: plan.quirks,
              ...(plan.budget !== undefined ? { budget: plan.budget } : {}),
            }).report,
          );
          captions.push(`#${r.index} ${r.config} · ${r.strategy ?? 'no IGD'}${r.vbios ? ` · ${r.vbios}` : ''} · ${r.status}`);
        }
        try {
          writeFileSync(opts.html, renderMapHtml(reports, { title: 'vfio-sim sweep', intro: renderSummaryTable(summary), captions }));
        } catch (e) {
          throw new UsageError(`--html: cannot write ${opts.html}: ${(e as Error).message}`);
        }
      }
      const t = summary.total();
      if (t.failed > 0) setCode(EXIT_FAILED);
      if (opts.failOnFault && t.faulted > 0) setCode(EXIT_FAILED);
    });
}

interface Bar {
  update(done: number, total: number): void;
  stop(): void;
}

/** cli-progress on a terminal only; piped output stays clean. Loaded lazily so piped runs never pay for it. */
async function progressBar(tty: boolean): Promise<Bar | undefined> {
  if (!tty) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const b = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'sweep [{bar}] {percentage}% | {value}/{total} boots | eta {eta}s', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (!started) {
        b.start(total, 0);
        started = true;
      }
      b.update(done);
    },
    stop() {
      if (started && !stopped) b.stop();
      stopped = true;
    },
  };
}

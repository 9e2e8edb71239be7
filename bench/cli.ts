/**
 * The CLI as a user runs it: `vfio-sim boot` in a fresh Node process (start-up: module loading,
 * validators, one boot, the text report), and `vfio-sim boot --json` over a batch of recorded
 * topologies in one process (per config: YAML parse, schema validation, boot, JSON report).
 * Wall clock of child processes, medians of several runs; stdout goes to /dev/null.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { median, repoRoot } from './figure.js';

function cliPath(): string {
  return join(repoRoot(), 'dist', 'vmm', 'frontends', 'cli', 'main.js');
}

/** Wall ms of one `node dist/vmm/frontends/cli/main.js ...args` run; throws unless it exits 0 or 1 (1: a boot failed, e.g. the fixture that panics on purpose). */
function runOnce(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cliPath(), ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 120_000, cwd: repoRoot() });
  const ms = performance.now() - t0;
  // Exit 1 is a boot that failed on purpose; a CLI that did not even load (moved module, syntax error) also exits 1,
  // in a few ms, which would read as a fast run: those are errors.
  const crashed = /ERR_MODULE_NOT_FOUND|Cannot find module|SyntaxError|internal error/.test(r.stderr ?? '');
  if ((r.status !== 0 && r.status !== 1) || crashed) throw new Error(`bench: vfio-sim ${args.slice(0, 2).join(' ')} … exited ${r.status}: ${(r.stderr ?? '').split('\n')[0]}`);
  return ms;
}

/**
 * CPU ms (user + system) of one `node dist/vmm/frontends/cli/main.js ...args` run, from bash's `times` for its
 * children: unlike wall time it does not grow with what else the machine runs.
 */
export function cpuOnce(args: readonly string[]): number {
  const quoted = [process.execPath, cliPath(), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; times`], { encoding: 'utf8', cwd: repoRoot(), timeout: 120_000 });
  const m = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout ?? '');
  if (m === null) throw new Error(`bench: no CPU times from bash for vfio-sim ${args[0] ?? ''}`);
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

/** Median CPU ms of `vfio-sim boot configs/q35-desktop.yaml`, `runs` fresh processes. */
export function benchCliStartCpu(runs = 15): { ms: number; nodeMs: number } {
  const args = ['boot', join('configs', 'q35-desktop.yaml')];
  const ms = median(Array.from({ length: runs }, () => cpuOnce(args)));
  const nodeMs = median(
    Array.from({ length: runs }, () => {
      const r = spawnSync('bash', ['-c', `'${process.execPath}' -e 0; times`], { encoding: 'utf8' });
      const m = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout ?? '');
      return m === null ? NaN : (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
    }),
  );
  return { ms, nodeMs };
}

/** Median wall ms of `vfio-sim boot configs/q35-desktop.yaml` (text report), `runs` fresh processes after one warm-up. */
export function benchCliStart(runs = 15): { ms: number; nodeMs: number; note: string } {
  const args = ['boot', join('configs', 'q35-desktop.yaml')];
  runOnce(args); // page cache warm
  const ms = median(Array.from({ length: runs }, () => runOnce(args)));
  const nodeMs = median(
    Array.from({ length: runs }, () => {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      return performance.now() - t0;
    }),
  );
  return { ms, nodeMs, note: `median of ${runs} fresh processes; \`node -e 0\` alone: ${nodeMs.toFixed(1)} ms` };
}

/**
 * `vfio-sim boot --json` over `count` configs (the recorded topologies repeated) in one process:
 * ms per config = (batch wall − one-config wall) / (count − 1), so process start-up is not spread
 * over the batch; medians of `runs`.
 */
export function benchCliBatch(topologyPaths: readonly string[], count = 1000, runs = 3): { msPerConfig: number; totalMs: number; note: string } {
  const paths: string[] = [];
  for (let i = 0; paths.length < count; i++) paths.push(topologyPaths[i % topologyPaths.length]!);
  const one = median(Array.from({ length: runs }, () => runOnce(['boot', '--json', paths[0]!])));
  const all = median(Array.from({ length: runs }, () => runOnce(['boot', '--json', ...paths])));
  return {
    msPerConfig: (all - one) / (count - 1),
    totalMs: all,
    note: `${count} configs (${topologyPaths.length} recorded SeaBIOS topologies repeated) in one process: ${all.toFixed(0)} ms, one config ${one.toFixed(0)} ms; (batch − one) / ${count - 1}, median of ${runs}`,
  };
}

/** The same batch in CPU time (user + system of the child, bash `times`): (batch − one config) / (count − 1), median of `runs`. */
export function benchCliBatchCpu(topologyPaths: readonly string[], count = 1000, runs = 3): { msPerConfig: number } {
  const paths: string[] = [];
  for (let i = 0; paths.length < count; i++) paths.push(topologyPaths[i % topologyPaths.length]!);
  const one = median(Array.from({ length: runs }, () => cpuOnce(['boot', '--json', paths[0]!])));
  const all = median(Array.from({ length: runs }, () => cpuOnce(['boot', '--json', ...paths])));
  return { msPerConfig: (all - one) / (count - 1) };
}

/**
 * `vfio-sim sweep --jobs 1` and `--jobs 2` as a user runs them: fresh processes, both threads cold (the in-process
 * `sweep_speedup_2` has a main thread the boot figures warmed). The topologies are copied `copies` times into a
 * temporary folder (a sweep lists each file once) and booted under every firmware in `firmware`; medians of `runs`
 * alternated pairs (docs/performance.md §19).
 */
export function benchCliSweep(topologyPaths: readonly string[], copies = 20, firmware = 'seabios-1.16.2,seabios-1.16.3', runs = 3): { speedup: number; runsPerSweep: number; oneMs: number; twoMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-sim-bench-sweep-'));
  try {
    for (let k = 0; k < copies; k++) for (const p of topologyPaths) copyFileSync(p, join(dir, `${k}-${basename(p)}`));
    const args = (jobs: number): string[] => ['sweep', dir, '--firmware', firmware, '--jobs', String(jobs), '--no-progress'];
    const one: number[] = [];
    const two: number[] = [];
    for (let r = 0; r < runs; r++) {
      one.push(runOnce(args(1)));
      two.push(runOnce(args(2)));
    }
    const oneMs = median(one);
    const twoMs = median(two);
    return { speedup: oneMs / twoMs, runsPerSweep: copies * topologyPaths.length * firmware.split(',').length, oneMs, twoMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The cost of a cold boot path (docs/performance.md §13): CPU time of the first N boots in a fresh Node process,
 * over the recorded SeaBIOS topologies in order, round-robin, after they are loaded (config loading is not counted).
 * The child sets V8's tiering flags as the CLI and a sweep worker do (vmm/frontends/v8-tiering.ts) unless
 * `--default-tiering` is given, so the two can be compared in one build.
 *
 * CPU is `process.cpuUsage()`: every thread of the child, i.e. the background compiler and GC threads too, which is
 * what a warming isolate costs a 2-core machine. Standalone: `node dist/bench/cold-start.js [--default-tiering]`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './figure.js';

/** The counts reported: one round of the 58 topologies, ten, forty (a `sweep` bench's worth). */
export const COLD_COUNTS: readonly number[] = [58, 580, 2320];

/** CPU ms of the first `counts[i]` boots of one fresh process, for each i. */
function coldOnce(counts: readonly number[], defaultTiering: boolean): number[] {
  const args = [fileURLToPath(import.meta.url), '--child', counts.join(',')];
  if (defaultTiering) args.push('--default-tiering');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`bench: cold-start child exited ${r.status}: ${(r.stderr ?? '').split('\n')[0]}`);
  const ms = JSON.parse(r.stdout) as unknown;
  if (!Array.isArray(ms) || ms.length !== counts.length || !ms.every((v) => typeof v === 'number')) throw new Error(`bench: cold-start child printed ${r.stdout}`);
  return ms as number[];
}

/** Median over `runs` fresh processes of the CPU ms of their first N boots, for each N of `counts`. */
export function benchColdStart(runs = 3, counts: readonly number[] = COLD_COUNTS, defaultTiering = false): { cpuMs: number[]; note: string } {
  const all = Array.from({ length: runs }, () => coldOnce(counts, defaultTiering));
  const cpuMs = counts.map((_, i) => median(all.map((r) => r[i]!)));
  return { cpuMs, note: `CPU (user + system, every thread) of the first N boots of a fresh process over the recorded SeaBIOS topologies, ${defaultTiering ? "V8's default tiering" : "the CLI's V8 tiering flags"}; median of ${runs} processes` };
}

/** The child: boots the topologies round-robin and prints the CPU ms at each count as a JSON array. */
async function child(counts: readonly number[], defaultTiering: boolean): Promise<void> {
  if (!defaultTiering) await import('../vmm/frontends/v8-tiering.js');
  const { fixtureTopologies } = await import('./boot.js');
  const { bootSpec } = await import('../vmm/core/boot/index.js');
  const topologies = fixtureTopologies();
  const last = Math.max(...counts);
  const out: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < last; i++) {
    const t = topologies[i % topologies.length]!;
    bootSpec(t.spec, { configPath: t.path });
    if (counts.includes(i + 1)) {
      const c = process.cpuUsage(c0);
      out.push((c.user + c.system) / 1000);
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const defaultTiering = argv.includes('--default-tiering');
  const at = argv.indexOf('--child');
  if (at >= 0) await child((argv[at + 1] ?? '').split(',').map(Number), defaultTiering);
  else {
    const r = benchColdStart(5, COLD_COUNTS, defaultTiering);
    for (let i = 0; i < COLD_COUNTS.length; i++) process.stdout.write(`first ${COLD_COUNTS[i]} boots: ${r.cpuMs[i]!.toFixed(0)} ms CPU\n`);
    process.stdout.write(r.note + '\n');
  }
}

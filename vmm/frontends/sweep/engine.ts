import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChunk, type SpecSource } from './chunk.js';
import { planSize, planStarts, type SweepPlan } from './plan.js';
import type { SweepRow } from './row.js';
import { shipSpecs, type WorkerMessage, type WorkerStart } from './protocol.js';

export interface SweepRunOptions {
  /** 1 = inline in this thread (no pool); default: inline below AUTO_POOL_MIN combinations, else os.availableParallelism(). */
  readonly jobs?: number;
  /** Combinations per task; default from the plan size (defaultChunkSize). */
  readonly chunkSize?: number;
  /** Specs by plan config index, parsed once here; workers get them with their start data. */
  readonly specs: SpecSource;
  /** Rows in index order, a chunk at a time, as soon as every earlier chunk is done. */
  readonly onRows?: (rows: readonly SweepRow[]) => void;
  /** Combinations done so far (completion order, for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Worker module; default resolveWorkerFile(). */
  readonly workerFile?: string;
  readonly signal?: AbortSignal;
}

export interface SweepStats {
  readonly total: number;
  readonly jobs: number;
  readonly chunkSize: number;
  readonly ms: number;
}

/**
 * Below this many combinations the default is inline. A worker warms its own JIT: ~1 s of CPU over its first
 * two thousand boots, on background compiler threads that share the cores with the boots. Measured from the
 * CLI (fresh processes, 2-core project machine, docs/performance.md §19): 4,560 runs took 1.80 s on two threads
 * against 1.56 s inline, 18,240 runs 3.64 s against 4.13 s; the break-even is near 10,000.
 */
export const AUTO_POOL_MIN = 12_000;

/**
 * About 32 chunks per thread, 16-256 combinations each: claiming a chunk is one Atomics.add, so
 * small chunks cost nothing and keep the tail short (the last chunk decides when the sweep ends,
 * and one chunk of a slow topology on a loaded machine is most of a second at 128 or more).
 */
export function defaultChunkSize(total: number, jobs: number): number {
  const spread = Math.ceil(total / (jobs * 32));
  const floor = Math.min(16, Math.max(1, Math.ceil(total / (jobs * 2))));
  return Math.min(256, Math.max(floor, spread));
}

/**
 * The compiled worker: `worker.js` beside this module (dist/vmm/frontends/sweep/ when run from dist). Under a
 * TypeScript runner this module is a .ts source, so fall back to the matching file in <root>/dist.
 * Returns null when there is no compiled worker (then the sweep must run inline).
 * VFIO_SIM_SWEEP_WORKER (a path or file: URL) overrides all of this, e.g. for a test's fresh build.
 */
export function resolveWorkerFile(): string | null {
  const env = process.env['VFIO_SIM_SWEEP_WORKER'];
  if (env) return env.startsWith('file:') ? env : pathToFileURL(env).href;
  // From the dist/vmm/frontends/ level: the same file from this module and from the bundled CLI (scripts/bundle-cli.mjs).
  const here = new URL('../sweep/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  const src = fileURLToPath(import.meta.url);
  const m = /^(.*)[\\/]vmm[\\/]sweep[\\/][^\\/]+\.ts$/.exec(src);
  if (m !== null) {
    const dist = `${m[1]}/dist/vmm/frontends/sweep/worker.js`;
    if (existsSync(dist)) return pathToFileURL(dist).href;
  }
  return null;
}

/**
 * Runs every combination of the plan. Rows are delivered in index order whatever the completion
 * order, so output files are identical for any --jobs.
 */
export async function runSweep(plan: SweepPlan, opts: SweepRunOptions): Promise<SweepStats> {
  const total = planSize(plan);
  const jobs = Math.max(1, Math.floor(opts.jobs ?? (total >= AUTO_POOL_MIN ? availableParallelism() : 1)));
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? defaultChunkSize(total, jobs)));
  const nChunks = Math.ceil(total / chunkSize);
  const starts = planStarts(plan);
  const t0 = performance.now();
  let done = 0;
  const pending = new Map<number, SweepRow[]>();
  let nextOut = 0;
  const deliver = (chunk: number, rows: SweepRow[]): void => {
    done += rows.length;
    opts.onProgress?.(done, total);
    pending.set(chunk, rows);
    for (let r = pending.get(nextOut); r !== undefined; r = pending.get(nextOut)) {
      pending.delete(nextOut++);
      opts.onRows?.(r);
    }
  };
  const range = (c: number): { from: number; to: number } => ({ from: c * chunkSize, to: Math.min(total, (c + 1) * chunkSize) });

  if (jobs === 1) {
    for (let c = 0; c < nChunks; c++) {
      if (opts.signal?.aborted) throw new Error('sweep aborted');
      deliver(c, runChunk(plan, starts, opts.specs, range(c)));
    }
    return { total, jobs, chunkSize, ms: performance.now() - t0 };
  }

  const workerFile = opts.workerFile ?? resolveWorkerFile();
  if (workerFile === null) throw new Error('no compiled sweep worker (dist/vmm/frontends/sweep/worker.js): run `npm run build`, or use --jobs 1');
  // jobs threads in all: this one boots too, beside jobs - 1 workers; every thread claims the next
  // chunk from one shared counter, so a slow start (a worker's module load) or a slow chunk only
  // shifts work to the others.
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const start: WorkerStart = { plan, specs: shipSpecs(plan, opts.specs), counter: counter.buffer as SharedArrayBuffer, chunkSize, total };
  const { Worker } = await import('node:worker_threads');
  const workers = Array.from({ length: jobs - 1 }, () => new Worker(new URL(workerFile), { workerData: start }));
  const finished = workers.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        w.on('message', (m: WorkerMessage) => (m.chunk < 0 ? resolve() : deliver(m.chunk, m.rows)));
        w.on('error', reject);
        w.on('exit', (code) => reject(new Error(`sweep worker exited (code ${code}) before finishing`)));
      }),
  );
  // A failed worker must not leave the others claiming chunks nobody waits for.
  const stopAll = (): void => void Atomics.store(counter, 0, nChunks);
  finished.forEach((f) => f.catch(stopAll));
  try {
    for (let c = Atomics.add(counter, 0, 1); c < nChunks; c = Atomics.add(counter, 0, 1)) {
      if (opts.signal?.aborted) {
        stopAll();
        throw new Error('sweep aborted');
      }
      deliver(c, runChunk(plan, starts, opts.specs, range(c)));
      // Let the workers' finished chunks in between ours (progress, and rows written as they come).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(finished);
    if (opts.signal?.aborted) throw new Error('sweep aborted');
    return { total, jobs, chunkSize, ms: performance.now() - t0 };
  } finally {
    stopAll();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

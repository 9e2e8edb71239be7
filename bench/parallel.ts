/**
 * What two cores give this workload at best: warm boots per second of two processes booting side by side over
 * one process alone (fresh child processes, each warmed before its window; the two windows start together). It is
 * the ceiling any `--jobs 2` figure can reach on this machine (shared caches, memory bandwidth, GC and compiler
 * threads, a neighbour on the host), measured rather than assumed to be 2 (docs/performance.md §30).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Window {
  boots: number;
  ms: number;
  cpuMs: number;
}

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  result: Promise<Window>;
}

/** A forked child: `ready` once it is warm; `result` after a go (the window's figures). */
function child(): Child {
  const file = fileURLToPath(new URL('./parallel-child.js', import.meta.url));
  const proc = fork(file, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const result = new Promise<Window>((resolve, reject) => {
    proc.on('message', (m: unknown) => (m === 'ready' ? ready() : resolve(m as Window)));
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`bench: parallel child exited ${code}: ${err.split('\n')[0] ?? ''}`)));
  });
  // An early exit must fail the wait for `ready` too.
  return { proc, ready: Promise.race([readyP, result.then(() => undefined)]), result };
}

async function windows(n: number, windowMs: number): Promise<Window[]> {
  const kids = Array.from({ length: n }, child);
  try {
    await Promise.all(kids.map((k) => k.ready));
    for (const k of kids) k.proc.send({ windowMs });
    return await Promise.all(kids.map((k) => k.result));
  } finally {
    for (const k of kids) k.proc.kill();
  }
}

const rate = (w: Window): number => (w.boots / w.ms) * 1000;

/** Boots/s of two side-by-side warm processes over one alone (each window is seconds long: no median needed). */
export async function benchParallelCeiling(windowMs = 3000): Promise<{ ratio: number; note: string }> {
  const [one] = await windows(1, windowMs);
  const [a, b] = await windows(2, windowMs);
  const ratio = (rate(a!) + rate(b!)) / rate(one!);
  const note =
    `warm boots of the recorded SeaBIOS topologies, ${windowMs} ms windows: one process ${rate(one!).toFixed(0)}/s; ` +
    `two side by side ${rate(a!).toFixed(0)} + ${rate(b!).toFixed(0)}/s (CPU ${a!.cpuMs.toFixed(0)} and ${b!.cpuMs.toFixed(0)} ms, GC helpers included)`;
  return { ratio, note };
}

/**
 * `npm run fuzz [-- --seed N --count N --out DIR]`: a seeded fuzzer of configs, ROM programs,
 * workloads and command lines, run in-process on a worker thread (fast: no process per input) under a
 * watchdog on the main thread: an input that does not finish within HANG_MS, or a worker that runs out
 * of its heap, is a broken promise too, saved with the input that was running. Every broken promise is
 * written to DIR as `<kind>-<index>.txt` (seed, index, the verdict, the input) to become a test.
 * Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { BUNDLED_ROMS } from '../../vmm/passthrough/rom/bundled.js';
import { generated, mulberry32, mutate, pick, romProgram, type Rng } from './mutate.js';
import { cliTarget, configTarget, romTarget, workloadTarget, type Verdict } from './targets.js';

/** An input still running after this long is a hang. */
const HANG_MS = 30_000;
/** An input that finished but took this long broke "ends in time". */
const SLOW_MS = 10_000;
/** Room for the in-flight input (longer inputs are kept truncated). */
const INFLIGHT_BYTES = 4 << 20;
/** Heap of the worker: past it the worker dies, which counts as unbounded memory. */
const HEAP_MB = 2048;

interface Options {
  seed: number;
  count: number;
  out: string;
  root: string;
}

interface Stats {
  inputs: number;
  byKind: Record<string, number>;
  booted: number;
  violations: number;
  slowestMs: number;
  slowestKind: string;
  maxHeapMb: number;
  ms: number;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function corpus(root: string): { configs: string[]; roms: string[]; workloads: string[] } {
  const read = (dir: string, max = Infinity): string[] =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .slice(0, max)
      .map((f) => readFileSync(join(root, dir, f), 'utf8'));
  const configs = [...read('configs'), ...read('test/fixtures/seabios', 60), ...read('test/fixtures/bad-configs'), ...read('test/firmware/recorded')];
  const roms = [...Object.values(BUNDLED_ROMS), ...read('test/budget')];
  const workloads = configs.filter((c) => c.includes('workload:')).map((c) => c.slice(c.indexOf('workload:') + 'workload:'.length).replace(/^\n/, '').replace(/^ {2}/gm, ''));
  return { configs, roms, workloads };
}

const OUT_NAMES = ['out.json', 'out.csv', 'out.html', 'out.svg', 'trace.jsonl'];

function cliArgs(rng: Rng, tmp: string, configFiles: readonly string[]): string[] {
  const cfg = (): string => pick(rng, [...configFiles, ...configFiles, '/dev/zero', tmp, join(tmp, 'missing.yaml'), '', 'constructor', join(tmp, 'mutant.yaml')]);
  const out = (inputs: string[]): string => pick(rng, [join(tmp, pick(rng, OUT_NAMES)), join(tmp, 'nope', 'x.out'), tmp, '', '/dev/null', inputs[0] ?? join(tmp, 'o')]);
  const val = (): string => String(pick(rng, ['0', '1', '-1', '6', '7', 'abc', '0x10', '1e3', '4294967296', '9007199254740993', '', 'constructor', '__proto__', 'hex', 'raw', 'x']));
  const cmd = pick(rng, ['boot', 'boot', 'validate', 'qemu-args', 'schema', 'compare', 'dump', 'map', 'sweep', 'bogus', '']);
  const inputs = Array.from({ length: 1 + Math.floor(rng() * 3) }, cfg);
  const argv = [cmd, ...inputs];
  const opts: (() => string[])[] = [
    () => ['--json'],
    () => ['--strategy', pick(rng, ['e820-reserved', 'none', 'lpc-bars', 'bogus', '', 'constructor'])],
    () => ['--strategies', pick(rng, ['none,identity', 'bogus', ',', 'e820-reserved,,zero-gms'])],
    () => ['--vbios', pick(rng, ['reads-bdsm', 'cached-host-bdsm', 'reads-bdms', '', '__proto__', tmp, '/dev/zero', join(ROOT, 'test/budget/long-loop.yaml'), join(ROOT, 'test/budget/huge-plane.yaml')])],
    () => ['--no-quirks'],
    () => ['--trace', out(inputs)],
    () => ['--fail-on-fault'],
    () => ['--budget', pick(rng, ['steps=1000', 'ms=1', 'pixels=0', 'bytes=1k,log=1', 'stepz=1', 'steps', 'steps=1e99', ''])],
    () => ['--json', out(inputs)],
    () => ['--csv', out(inputs)],
    () => ['--html', out(inputs)],
    () => ['--svg', out(inputs)],
    () => ['--bdf', pick(rng, ['00:01.0', '00:02.0', '00:03.0', 'zz', '00:1f.3'])],
    () => ['--bar', val()],
    () => ['--offset', val()],
    () => ['--length', pick(rng, [val(), '4096'])],
    () => ['--format', val()],
    () => ['--chunk', val()],
    () => ['--bogus-option'],
  ];
  for (let n = Math.floor(rng() * 5); n > 0; n--) argv.push(...pick(rng, opts)());
  // Always inline sweeps: worker pools per input would measure thread start-up, not the promises.
  if (cmd === 'sweep') argv.push('--jobs', '1', '--no-progress');
  return argv;
}

async function worker(o: Options, beat: Int32Array, inflight: Uint8Array): Promise<Stats> {
  const encoder = new TextEncoder();
  const rng = mulberry32(o.seed);
  const { configs, roms, workloads } = corpus(o.root);
  const tmp = mkdtempSync(join(tmpdir(), 'vfio-fuzz-'));
  const configFiles = configs.slice(0, 12).map((c, i) => {
    const p = join(tmp, `cfg-${i}.yaml`);
    writeFileSync(p, c);
    return p;
  });
  mkdirSync(o.out, { recursive: true });
  // A Node warning printed while an input runs (e.g. yaml stringifying an object key) is output the
  // tool never meant to print: a broken promise too.
  let warning: string | undefined;
  process.on('warning', (w) => {
    warning = `${w.name}: ${w.message}`;
  });
  const stats: Stats = { inputs: 0, byKind: {}, booted: 0, violations: 0, slowestMs: 0, slowestKind: '', maxHeapMb: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < o.count; i++) {
    const k = i % 20;
    // Boots cost ~100x a validation: a sample of the valid inputs boots.
    const boot = rng() < 0.08;
    let kind: string;
    let input: string;
    let run: () => Verdict | Promise<Verdict>;
    if (k < 9) {
      kind = 'config';
      input = rng() < 0.15 ? generated(rng) : mutate(rng, pick(rng, configs));
      run = () => configTarget(input, tmp, boot);
    } else if (k < 13) {
      kind = 'rom';
      input = romProgram(rng, roms);
      const igd = rng() < 0.3;
      run = () => romTarget(input, tmp, boot, igd);
    } else if (k < 16) {
      kind = 'workload';
      input = mutate(rng, pick(rng, workloads));
      run = () => workloadTarget(input, tmp, boot);
    } else {
      kind = 'cli';
      if (rng() < 0.5) writeFileSync(join(tmp, 'mutant.yaml'), mutate(rng, pick(rng, configs)));
      const argv = cliArgs(rng, tmp, configFiles);
      input = JSON.stringify(argv);
      run = () => cliTarget(argv);
    }
    // The in-flight input, in shared memory for the watchdog to save if this one never ends (a file
    // write per input costs more than most inputs).
    const written = encoder.encodeInto(`seed ${o.seed} index ${i} kind ${kind}\n${input}`, inflight).written;
    Atomics.store(beat, 1, written);
    const start = performance.now();
    warning = undefined;
    const result = await run();
    await new Promise<void>((r) => process.nextTick(r)); // emitWarning delivers on the next tick
    const verdict = result ?? (warning !== undefined ? `process warning: ${warning}` : undefined);
    const ms = performance.now() - start;
    Atomics.add(beat, 0, 1);
    stats.inputs++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    if (boot && kind !== 'cli') stats.booted++;
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowestKind = kind;
    }
    const v = verdict ?? (ms > SLOW_MS ? `took ${ms.toFixed(0)} ms` : undefined);
    if (v !== undefined) {
      stats.violations++;
      writeFileSync(join(o.out, `${kind}-${i}.txt`), `seed ${o.seed} index ${i} kind ${kind}\n${v}\n---\n${input}`);
    }
    if (i % 256 === 0) {
      stats.maxHeapMb = Math.max(stats.maxHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
      parentPort?.postMessage({ progress: i, violations: stats.violations });
    }
  }
  stats.maxHeapMb = Math.max(stats.maxHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
  stats.ms = performance.now() - t0;
  rmSync(tmp, { recursive: true, force: true });
  return stats;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string, def: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
  };
  return { seed: Number(get('seed', '1')), count: Number(get('count', '100000')), out: resolve(get('out', join(ROOT, 'fuzz-out'))), root: ROOT };
}

async function mainThread(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  // Fuzzed command lines write files wherever their arguments say (`sweep --json --csv` writes
  // ./--csv): they run in a scratch folder, never in the repository. Worker threads share the cwd.
  const scratch = mkdtempSync(join(tmpdir(), 'vfio-fuzz-cwd-'));
  process.chdir(scratch);
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  const beat = new Int32Array(new SharedArrayBuffer(8));
  const inflight = new Uint8Array(new SharedArrayBuffer(INFLIGHT_BYTES));
  const saveInflight = (): string => {
    const file = join(o.out, 'inflight.txt');
    mkdirSync(o.out, { recursive: true });
    writeFileSync(file, Buffer.from(inflight.slice(0, Atomics.load(beat, 1))));
    return file;
  };
  const w = new Worker(fileURLToPath(import.meta.url), { workerData: { o, beat, inflight }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  let last = 0;
  let lastChange = Date.now();
  const dog = setInterval(() => {
    const now = Atomics.load(beat, 0);
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > HANG_MS) {
      process.stderr.write(`fuzz: HANG: no input finished for ${HANG_MS} ms; the input is in ${saveInflight()}\n`);
      void w.terminate();
      process.exitCode = 1;
    }
  }, 1000);
  w.on('message', (m: { progress?: number; violations?: number; stats?: Stats }) => {
    if (m.stats !== undefined) {
      const s = m.stats;
      process.stdout.write(
        `fuzz: seed ${o.seed}: ${s.inputs} inputs (${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}; ${s.booted} booted) in ${(s.ms / 1000).toFixed(1)} s, ` +
          `${(s.inputs / (s.ms / 1000)).toFixed(0)}/s; slowest ${s.slowestMs.toFixed(0)} ms (${s.slowestKind}); max heap ${s.maxHeapMb.toFixed(0)} MiB; ${s.violations} broken promises${s.violations > 0 ? ` (in ${o.out})` : ''}\n`,
      );
      if (s.violations > 0) process.exitCode = 1;
    } else if (m.progress !== undefined && m.progress % 8192 === 0) {
      process.stderr.write(`fuzz: ${m.progress}/${o.count}, ${m.violations ?? 0} broken\n`);
    }
  });
  w.on('error', (e) => {
    process.stderr.write(`fuzz: worker died (${e.message}); the input is in ${saveInflight()}\n`);
    process.exitCode = 1;
  });
  w.on('exit', () => clearInterval(dog));
}

if (isMainThread) {
  void mainThread();
} else {
  const { o, beat, inflight } = workerData as { o: Options; beat: Int32Array; inflight: Uint8Array };
  void worker(o, beat, inflight).then((stats) => parentPort?.postMessage({ stats }));
}

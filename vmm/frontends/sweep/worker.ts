/**
 * A sweep worker thread. It imports the boot path only (no YAML parser, no schema validator, no
 * CLI): the main thread parsed every config once and the specs arrive with the start data. Chunks
 * are claimed from the shared counter until none is left, each posted back as soon as it is booted.
 */
// First: V8's tiering flags, before the boot path is evaluated (docs/performance.md §13).
import '../v8-tiering.js';
import { parentPort, workerData } from 'node:worker_threads';
import { runChunk } from './chunk.js';
import { planStarts } from './plan.js';
import { shippedSource, type WorkerStart } from './protocol.js';

const start = workerData as WorkerStart;
const counter = new Int32Array(start.counter);
const starts = planStarts(start.plan);
const specs = shippedSource(start.specs);
const nChunks = Math.ceil(start.total / start.chunkSize);
for (let c = Atomics.add(counter, 0, 1); c < nChunks; c = Atomics.add(counter, 0, 1)) {
  const from = c * start.chunkSize;
  parentPort!.postMessage({ chunk: c, rows: runChunk(start.plan, starts, specs, { from, to: Math.min(start.total, from + start.chunkSize) }) });
}
parentPort!.postMessage({ chunk: -1, rows: [] });

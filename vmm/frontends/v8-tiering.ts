/**
 * V8 tiering for the programs vfio-sim starts itself: the CLI (`cli/main.ts`) and a sweep worker
 * (`sweep/worker.ts`) import this module first, so the flags are set before any other of our modules is
 * evaluated (docs/performance.md §13). The library does not: a process that imports `vfio-sim` keeps its own V8.
 *
 * Why: a fresh isolate runs its first ~1,000 boots at several times the warm cost, and most of that extra CPU is
 * TurboFan (V8's optimizing compiler, on background threads that share the same 2 cores) compiling ~280 functions
 * of the boot path, many of them called once per boot (the `Machine` constructor, SeaBIOS's `collect`, the report
 * builders). Their compile time grows with the bytecode TurboFan inlines into them (V8 src/flags/flag-definitions.h
 * `max_inlined_bytecode_size`, default 460; src/compiler/js-inlining-heuristic.cc). Inlining only callees of up to
 * 100 bytes of bytecode keeps every small accessor and register helper inlined and stops whole stages from being
 * copied into their callers: measured in fresh processes over the 58 recorded topologies, the CPU of the first 580
 * boots fell by ~15–20 % and of the first 2,320 by ~10–13 %, with warm boots unchanged (4,640 → 9,280 boots).
 * Measured and not kept (no gain or worse, docs/performance.md §13): `--no-lazy-feedback-allocation`,
 * `--always-sparkplug`, `--maglev` (V8 11.3, Node 20), a larger or smaller `--interrupt-budget`,
 * `--no-concurrent-recompilation`; `--no-turbo-inlining` and a smaller cumulative inlining budget start faster
 * but leave warm boots slower.
 *
 * V8's flags are per process: a worker that imports this sets them for its whole process, which is the CLI's own.
 * Setting a flag after V8 started is allowed for flags read at each compilation, as these are.
 */
import { setFlagsFromString } from 'node:v8';
import { V8_TIERING_FLAGS } from './v8-flags.js';

for (const flag of V8_TIERING_FLAGS) setFlagsFromString(flag);

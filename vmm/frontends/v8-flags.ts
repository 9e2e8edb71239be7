/**
 * The V8 flags the CLI and a sweep worker set at start (applied by `v8-tiering.ts`, whose comment says why each
 * one is there; measurements in docs/performance.md §13). Kept apart from the module that applies them so a test
 * or a tool can read them without changing its own process's V8.
 */

/** One flag per entry, in the form `node` takes it on its command line (so `node <flag> -e 0` checks it exists). */
export const V8_TIERING_FLAGS: readonly string[] = ['--max-inlined-bytecode-size=100'];

/** The fuzz tests' seeded PRNG is the fuzzer's (bench/prng.ts), so a failure replays exactly. */
export { mulberry32 } from '../../bench/prng.js';

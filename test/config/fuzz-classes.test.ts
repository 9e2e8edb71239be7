import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generated, mulberry32, romProgram } from '../../bench/fuzz/mutate.js';
import { configTarget, romTarget } from '../../bench/fuzz/targets.js';
import { BUNDLED_ROMS } from '../../vmm/passthrough/rom/bundled.js';

// A slice of `npm run fuzz`, replayed from fixed seeds: each known break class at random sizes
// (alias bombs, deep nesting, key floods, bridge chains, nested repeats, memory edges, trap rules,
// hostile ROM names) and generated ROM programs must keep every promise.
describe("the fuzzer's break classes keep their promises", () => {
  it('validates and boots generated configs without a broken promise', () => {
    const rng = mulberry32(13);
    const dir = mkdtempSync(join(tmpdir(), 'vfio-fuzz-test-'));
    const broken: string[] = [];
    for (let i = 0; i < 24; i++) {
      const text = generated(rng);
      const v = configTarget(text, dir, i % 4 === 0);
      if (v !== undefined) broken.push(`${i}: ${v}`);
    }
    expect(broken).toEqual([]);
  });

  it('validates and runs generated ROM programs without a broken promise', () => {
    const rng = mulberry32(7);
    const dir = mkdtempSync(join(tmpdir(), 'vfio-fuzz-test-'));
    const broken: string[] = [];
    for (let i = 0; i < 24; i++) {
      const v = romTarget(romProgram(rng, Object.values(BUNDLED_ROMS)), dir, i % 3 === 0, i % 6 === 0);
      if (v !== undefined) broken.push(`${i}: ${v}`);
    }
    expect(broken).toEqual([]);
  });
});

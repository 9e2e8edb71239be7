import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayStep } from '../../devices/qxl/replay.js';
import { parseReplayScript } from '../../devices/qxl/replay-script.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'qxl-replay');

interface RecordedStep {
  readonly label: string;
  readonly status: 'running' | 'dead';
  readonly exit?: { signal: string; code: number };
  readonly [k: string]: unknown;
}

/** The facts compared step by step: everything the recorder reads back from real QEMU (stderr is not compared). */
const RUNNING_FACTS = ['status', 'int_pending', 'int_mask', 'irq_level', 'cmd_ring', 'cursor_ring', 'release_ring', 'release_items', 'rom_mode', 'rom_update_id', 'guest_bugs', 'io', 'watch'] as const;

/** spice-server warnings as "function: message", host pointers and details after the 4-space gap cut off. */
const SPICE_STDERR = /Spice: \S+:\d+:(\w+): (.*)$/;
const SPICE_EVENT = /^qxl-\d+: spice: (\w+): (.*)$/;
function spiceWarnings(lines: readonly string[], re: RegExp): string[] {
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m === null ? [] : [`${m[1]}: ${m[2]!.split('    ')[0]}`];
  });
}

function facts(s: ReplayStep | RecordedStep): Record<string, unknown> {
  const o = s as unknown as Record<string, unknown>;
  if (s.status === 'dead') return { label: s.label, status: 'dead', exit: o['exit'], guest_bugs: o['guest_bugs'] };
  const warnings = 'stderr' in s ? spiceWarnings(o['stderr'] as string[], SPICE_STDERR) : spiceWarnings(o['events'] as string[], SPICE_EVENT);
  return Object.fromEntries([['label', s.label], ...RUNNING_FACTS.map((k) => [k, o[k]]), ['spice_warnings', warnings]]);
}

const names = readdirSync(DIR).filter((f) => f.endsWith('.recorded.json')).map((f) => f.replace('.recorded.json', '')).sort();

describe('qxl-replay matches what QEMU 7.2 + spice-server 0.15 did, step by step (recorded with scripts/record-qxl.py)', () => {
  it('has the recorded scenarios', () => {
    expect(names.length).toBe(29);
  });
  for (const name of names) {
    it(name, () => {
      const parsed = parseReplayScript(JSON.parse(readFileSync(join(DIR, `${name}.script.json`), 'utf8')));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const recorded = JSON.parse(readFileSync(join(DIR, `${name}.recorded.json`), 'utf8')) as { steps: RecordedStep[] };
      expect(replay(parsed.script).map(facts)).toEqual(recorded.steps.map(facts));
    });
  }
});

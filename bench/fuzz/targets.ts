/**
 * What the fuzzer feeds and what it demands. Each target takes one input and returns the broken
 * promise, or undefined: no exception escapes a library entry point, errors carry FILE:LINE:COL, a
 * booted report stays small, the CLI exits 0/1/2 without "internal error" or a stack trace, and every
 * input ends in time (the run loop times each one; the watchdog catches the ones that never end).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootSpec } from '../../vmm/core/boot/index.js';
import type { BudgetLimits } from '../../vmm/core/budget/budget.js';
import { main } from '../../vmm/frontends/cli/main.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { parseRomProgram } from '../../vmm/passthrough/rom/index.js';
import { validateWorkload } from '../../vmm/passthrough/workload/index.js';
import { parse } from 'yaml';

/** Tight limits: every fuzzed boot must end well inside the per-input time limit. */
export const FUZZ_BUDGET: Partial<BudgetLimits> = { steps: 200_000, bytes: 16 << 20, pixels: 1 << 22, pages: 4096, log: 1 << 20, ms: 3000 };
/** A report larger than this is a silently unbounded output. */
const MAX_REPORT_CHARS = 20 << 20;

export type Verdict = string | undefined;

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e));

function bootChecked(text: string, path: string): Verdict {
  const r = parseConfig(text, path);
  if (!r.ok) {
    for (const e of r.errors) {
      if (!(e.line >= 1 && e.col >= 1) || typeof e.message !== 'string' || e.message === '') return `bad error position/message: ${JSON.stringify(e)}`;
    }
    return undefined;
  }
  const { report } = bootSpec(r.spec, { configPath: path, budget: FUZZ_BUDGET });
  const size = JSON.stringify(report).length;
  if (size > MAX_REPORT_CHARS) return `report of ${size} characters`;
  return undefined;
}

/** A config text: validated, and booted when valid (`boot` false: validation only). */
export function configTarget(text: string, dir: string, boot: boolean): Verdict {
  const path = join(dir, 'fuzz-config.yaml');
  try {
    if (!boot) {
      const r = parseConfig(text, path);
      return r.ok || r.errors.every((e) => e.line >= 1 && e.col >= 1) ? undefined : 'error without a position';
    }
    return bootChecked(text, path);
  } catch (e) {
    return `threw: ${describeError(e)}`;
  }
}

/** A ROM program text: validated, and run as an e1000's option ROM (or as the IGD vBIOS) when it loads. */
export function romTarget(text: string, dir: string, boot: boolean, igd: boolean): Verdict {
  try {
    const r = parseRomProgram(text, 'fuzz-rom.yaml');
    if (!r.ok || !boot) return undefined;
    const file = join(dir, 'fuzz-rom.yaml');
    writeFileSync(file, text);
    const cfg = igd
      ? `machine: { type: q35, memory: 2G }\nhost: { igd: { generation: ${9} } }\ndevices:\n  - model: vfio-igd\nfirmware: { vbios: ${JSON.stringify(file)} }\n`
      : `machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: ${JSON.stringify(file)}\n`;
    return bootChecked(cfg, join(dir, 'fuzz-rom-host.yaml'));
  } catch (e) {
    return `threw: ${describeError(e)}`;
  }
}

/** A workload (YAML text of its steps): validated alone, then booted on a two-head QXL machine. */
export function workloadTarget(text: string, dir: string, boot: boolean): Verdict {
  try {
    let value: unknown;
    try {
      value = parse(text, { maxAliasCount: 100, logLevel: 'error' });
    } catch {
      return undefined; // not YAML: the config loader's business, covered by configTarget
    }
    validateWorkload(value);
    if (!boot) return undefined;
    const cfg = `machine: { type: q35, memory: 2G }\ndevices:\n  - { model: qxl-vga, id: gpu0, addr: "01.0" }\n  - { model: qxl, id: gpu1, addr: "02.0" }\nworkload:\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
    return bootChecked(cfg, join(dir, 'fuzz-workload.yaml'));
  } catch (e) {
    return `threw: ${describeError(e)}`;
  }
}

/** A command line, run in-process with stdout and stderr captured. */
export async function cliTarget(argv: readonly string[]): Promise<Verdict> {
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    if (stderr.length < 1 << 16) stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    return `internal error (main threw): ${describeError(e)}`;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  if (code !== 0 && code !== 1 && code !== 2) return `exit ${code}`;
  if (/internal error/.test(stderr)) return `internal error on stderr: ${stderr.slice(0, 400)}`;
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(stderr)) return `stack trace on stderr: ${stderr.slice(0, 400)}`;
  return undefined;
}

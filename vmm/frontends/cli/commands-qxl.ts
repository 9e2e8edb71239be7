import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { replay, type ReplayStep } from '../../../devices/qxl/replay.js';
import { parseReplayScript } from '../../../devices/qxl/replay-script.js';
import { checkSize, suggestedProps } from '../../../devices/qxl/size-check.js';
import { YamlSource } from '../config/yaml-doc.js';
import { renderProblem } from '../config/problems.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';

/** Reads and checks a replay script; problems are printed as FILE:LINE:COL: path: message. */
function loadScript(path: string): ReturnType<typeof parseReplayScript> & { text?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  // JSON is YAML 1.2; the YAML parser keeps node positions for the messages.
  const src = new YamlSource(text);
  const syntax = src.syntaxErrors();
  if (syntax.length > 0) {
    for (const e of syntax) process.stderr.write(`${path}:${e.pos.line}:${e.pos.col}: ${renderProblem(e.problem).replace('YAML syntax error', 'syntax error')}\n`);
    return { ok: false, problems: [] };
  }
  const parsed = parseReplayScript(src.toJS());
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      const pos = src.locate(p.path);
      const where = p.path.length > 0 ? `$.${p.path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[')}: ` : '';
      process.stderr.write(`${path}:${pos.line}:${pos.col}: ${where}${p.message}\n`);
    }
  }
  return parsed;
}

function stepLine(s: ReplayStep): string {
  if (s.status === 'dead') return `${s.label}: DEAD ${s.exit.signal} (exit ${s.exit.code}): ${s.reason}`;
  const released = s.release_items.filter((x) => x !== '0x0');
  const bugs = s.guest_bugs.length > 0 ? ` guest-bugs=[${s.guest_bugs.join('; ')}]` : '';
  return `${s.label}: int_pending=0x${s.int_pending.toString(16)} irq=${s.irq_level} cmd=[${s.cmd_ring.join(',')}] release=[${s.release_ring.join(',')}]` +
    ` released=[${released.join(',')}] io=[${s.io.join(',')}]${bugs}`;
}

function parseResolution(text: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (m === null || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > 16384 || Number(m[2]) > 16384) {
    throw new UsageError(`--resolution must look like 3840x2160 (1..16384 each), not ${text}`);
  }
  return [Number(m[1]), Number(m[2])];
}

function parseCount(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer 1..${max}, not ${text}`);
  return n;
}

export function registerQxlCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('qxl-replay')
    .description('replay a QXL guest-action script against the model, printing the device state after each step')
    .argument('<script>', 'replay script (JSON; see README "QXL replay")')
    .option('--json', 'one JSON object per step (the shape scripts/record-qxl.py records from real QEMU)')
    .action((path: string, opts: { json?: boolean }) => {
      const parsed = loadScript(path);
      if (!parsed.ok) return setCode(EXIT_USAGE);
      const steps = replay(parsed.script);
      for (const s of steps) process.stdout.write(`${opts.json === true ? JSON.stringify(s) : stepLine(s)}\n`);
      if (steps.some((s) => s.status === 'dead')) setCode(EXIT_FAILED);
    });

  program
    .command('qxl-size')
    .description('check whether a QXL device has enough video memory for N heads at a resolution')
    .requiredOption('--heads <n>', 'number of monitors (one primary surface spans them, side by side)')
    .requiredOption('--resolution <WxH>', 'per-head resolution, e.g. 3840x2160')
    .option('--vgamem-mb <n>', 'qxl vgamem_mb (QEMU default 16)')
    .option('--ram-size-mb <n>', 'qxl ram_size_mb (QEMU default 64)')
    .option('--vram-size-mb <n>', 'qxl vram_size_mb (QEMU default 64)')
    .option('--json', 'machine-readable output')
    .action((opts: { heads: string; resolution: string; vgamemMb?: string; ramSizeMb?: string; vramSizeMb?: string; json?: boolean }) => {
      const heads = parseCount('heads', opts.heads, 16);
      const [w, h] = parseResolution(opts.resolution);
      const props: Record<string, number> = {};
      if (opts.vgamemMb !== undefined) props['vgamem_mb'] = parseCount('vgamem-mb', opts.vgamemMb, 1024);
      if (opts.ramSizeMb !== undefined) props['ram_size_mb'] = parseCount('ram-size-mb', opts.ramSizeMb, 4096);
      if (opts.vramSizeMb !== undefined) props['vram_size_mb'] = parseCount('vram-size-mb', opts.vramSizeMb, 4096);
      const c = checkSize(heads, w, h, props);
      const suggest = suggestedProps(c);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify({ ...c, suggested: suggest ?? null })}\n`);
      } else {
        const MiB = 1024 * 1024;
        const lines = [
          `${heads} x ${w}x${h} @ 32 bpp: primary ${c.primaryBytes} bytes (${(c.primaryBytes / MiB).toFixed(1)} MiB)`,
          `device: vgamem ${c.vgamem / MiB} MiB, BAR0 ram ${c.ramSize / MiB} MiB (${c.numPages} pages for commands), BAR1 vram ${c.vramSize / MiB} MiB`,
          `ROM mode ${w}x${h}: ${c.modeInRom ? 'listed' : c.modeInTable ? 'not listed (vgamem too small)' : 'not in QEMU\'s mode table'}`,
          c.fits ? 'fits' : `does NOT fit:\n${c.problems.map((p) => `  - ${p}`).join('\n')}`,
        ];
        if (!c.fits && suggest !== undefined) lines.push(`use: -device qxl-vga,${Object.entries(suggest).map(([k, v]) => `${k}=${v}`).join(',')}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!c.fits) setCode(EXIT_FAILED);
    });
}

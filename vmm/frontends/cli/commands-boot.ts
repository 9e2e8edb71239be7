import { closeSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { bootSpec } from '../../core/boot/index.js';
import { dmaVerdict } from '../testing/matchers.js';
import { checkStrategy } from './strategy-arg.js';
import { parseFirmwareArg } from './firmware-arg.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { budgetOption, checkOutputs, checkVbios, printableText } from './guard.js';
import { loadEachSpec } from './load.js';
import { renderBootText } from './render-text.js';
import { renderLspci } from '../lspci/render.js';

interface BootCliOptions {
  json?: boolean;
  strategy?: string;
  vbios?: string;
  quirks?: boolean;
  trace?: string;
  failOnFault?: boolean;
  firmware?: string;
  lspci?: boolean;
  budget?: string;
}

/** Trace lines are written in batches of about this many bytes: the trace of one boot can be millions of lines. */
const TRACE_BATCH = 1 << 20;
/** Reports are written to stdout in batches of about this many characters. */
const STDOUT_BATCH = 1 << 16;

export function registerBootCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('boot')
    .description('boot configs and show the PCI tree, BARs, windows, IGD, IOMMU and e820 (--json: one JSON line per config)')
    .argument('<config...>', 'YAML machine configs')
    .option('--json', 'print one JSON report per config per line (JSON Lines)')
    .option('--strategy <name>', 'IGD stolen-memory strategy (overrides firmware.igd-strategy)')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .option('--trace <file>', 'write every trap hit as JSON Lines (all configs, in order)')
    .option('--fail-on-fault', 'exit 1 when any IOMMU fault or DMA corruption happened')
    .option('--firmware <name>', 'seabios | ovmf | type-version (e.g. ovmf-2025.02): overrides the config\'s firmware')
    .option('--lspci', "print the guest's PCI devices the way lspci -nnv does (after the firmware ran)")
    .option('--budget <list>', 'limits per boot, e.g. steps=1e6,ms=5000 (steps, bytes, pixels, pages, log, ms)')
    .action((paths: string[], opts: BootCliOptions) => {
      if (opts.strategy !== undefined) checkStrategy(opts.strategy);
      const fw = opts.firmware === undefined ? undefined : parseFirmwareArg(opts.firmware);
      const vbios = opts.vbios !== undefined ? checkVbios(opts.vbios) : undefined;
      const budget = budgetOption(opts.budget);
      checkOutputs({ '--trace': opts.trace }, paths);
      // A bad config is reported and skipped; the others still boot, and the exit code is 2 at the end.
      const { specs, bad } = loadEachSpec(paths);
      if (bad > 0) setCode(EXIT_USAGE);
      let fd: number | undefined;
      if (opts.trace !== undefined) {
        try {
          fd = openSync(opts.trace, 'w');
        } catch (e) {
          throw new UsageError(`--trace: cannot write ${opts.trace}: ${(e as Error).message}`);
        }
      }
      // Reports go out in large writes: one write per report made a batch of small configs pay a system call each.
      const out = new StdoutBatch();
      try {
        for (const { path, spec } of specs) {
          const { report, passthrough, machine } = bootSpec(spec, {
            configPath: path,
            ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
            ...(vbios !== undefined ? { vbios } : {}),
            ...(budget !== undefined ? { budget } : {}),
            quirks: opts.quirks !== false,
            trace: opts.trace !== undefined,
            ...(fw !== undefined ? { profile: { firmware: fw.firmware } } : {}),
          });
          if (opts.lspci) out.write(printableText(renderLspci(machine.pci.functions())) + '\n');
          else out.write(opts.json ? JSON.stringify(report) + '\n' : printableText(renderBootText(report)) + '\n\n');
          if (fd !== undefined) writeTrace(fd, passthrough.traceLines());
          // A run its budget stopped did not finish: like a panic or a dead VM, exit 1 (a sweep counts it failed).
          const stopped = report.events.some((e) => e.kind === 'budget-exceeded');
          if (report.panic !== null || report.vm?.status === 'dead' || stopped) setCode(EXIT_FAILED);
          if (opts.failOnFault && !dmaVerdict(report).clean) setCode(EXIT_FAILED);
        }
      } finally {
        out.flush();
        if (fd !== undefined) closeSync(fd);
      }
    });
}

/** Text for stdout, written when about STDOUT_BATCH bytes have gathered and at flush(). */
class StdoutBatch {
  private parts: string[] = [];
  private size = 0;

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= STDOUT_BATCH) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    process.stdout.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** Streams one boot's trace lines (each already ends in '\n') to `fd` in bounded batches. */
function writeTrace(fd: number, lines: Iterable<string>): void {
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length >= TRACE_BATCH) {
      writeSync(fd, batch);
      batch = '';
    }
  }
  if (batch !== '') writeSync(fd, batch);
}

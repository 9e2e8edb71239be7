import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { bootSpec } from '../boot/index.js';
import { dmaVerdict } from '../testing/matchers.js';
import { checkStrategy } from './commands-map.js';
import { parseFirmwareArg } from './firmware-arg.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { loadSpecs } from './load.js';
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
}

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
    .action((paths: string[], opts: BootCliOptions) => {
      if (opts.strategy !== undefined) checkStrategy(opts.strategy);
      const fw = opts.firmware === undefined ? undefined : parseFirmwareArg(opts.firmware);
      const specs = loadSpecs(paths);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const trace: string[] = [];
      for (const { path, spec } of specs) {
        const { report, passthrough, machine } = bootSpec(spec, {
          configPath: path,
          ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
          ...(opts.vbios !== undefined ? { vbios: opts.vbios } : {}),
          quirks: opts.quirks !== false,
          trace: opts.trace !== undefined,
          ...(fw !== undefined ? { profile: { firmware: fw.firmware } } : {}),
        });
        if (opts.lspci) process.stdout.write(renderLspci(machine.pci.functions()) + '\n');
        else process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : renderBootText(report) + '\n\n');
        if (opts.trace !== undefined) for (const line of passthrough.traceLines()) trace.push(line);
        if (report.panic !== null || report.vm?.status === 'dead') setCode(EXIT_FAILED);
        if (opts.failOnFault && !dmaVerdict(report).clean) setCode(EXIT_FAILED);
      }
      if (opts.trace !== undefined) {
        try {
          writeFileSync(opts.trace, trace.join('')); // each trace line already ends in '\n'
        } catch (e) {
          throw new UsageError(`--trace: cannot write ${opts.trace}: ${(e as Error).message}`);
        }
      }
    });
}

import type { Command } from 'commander';
import { bootSpec } from '../boot.js';
import { EXIT_FAILED, EXIT_USAGE } from './errors.js';
import { loadSpecs } from './load.js';
import { renderBootText } from './render-text.js';

interface BootCliOptions {
  json?: boolean;
  strategy?: string;
  vbios?: string;
  quirks?: boolean;
  trace?: string;
  failOnFault?: boolean;
}

export function registerBootCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('boot')
    .description('boot configs and show the PCI tree, BARs, windows and e820 map (--json: one JSON line per config)')
    .argument('<config...>', 'YAML machine configs')
    .option('--json', 'print one JSON report per config per line (JSON Lines)')
    .option('--strategy <name>', 'IGD stolen-memory strategy (overrides firmware.igd-strategy)')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .option('--trace <file>', 'write every trap hit as JSON Lines')
    .option('--fail-on-fault', 'exit 1 when any IOMMU fault or DMA corruption happened')
    .action((paths: string[], opts: BootCliOptions) => {
      const specs = loadSpecs(paths);
      if (specs === undefined) return setCode(EXIT_USAGE);
      for (const { path, spec } of specs) {
        const { report } = bootSpec(spec, {
          configPath: path,
          ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
          ...(opts.vbios !== undefined ? { vbios: opts.vbios } : {}),
          quirks: opts.quirks !== false,
        });
        process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : renderBootText(report) + '\n\n');
        if (report.panic !== null) setCode(EXIT_FAILED);
      }
    });
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { bootSpec } from '../../core/boot/index.js';
import { checkStrategy } from './strategy-arg.js';
import { renderMapHtml, renderMapSvg } from '../map/index.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { checkOutputs, checkVbios } from './guard.js';
import { loadSpecs } from './load.js';

interface MapCliOptions {
  strategy?: string;
  vbios?: string;
  quirks?: boolean;
  svg?: string;
  html?: string;
}

export function registerMapCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('map')
    .description('draw the guest physical address map of one boot: e820, PCI windows, BARs, IGD stolen memory, faults')
    .argument('<config>', 'YAML machine config')
    .option('--strategy <name>', 'IGD stolen-memory strategy (overrides firmware.igd-strategy)')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .option('--svg <file>', 'write the map as a self-contained SVG')
    .option('--html <file>', 'write the map as a self-contained HTML page')
    .action((path: string, opts: MapCliOptions) => {
      if (opts.svg === undefined && opts.html === undefined) throw new UsageError('map needs --svg FILE and/or --html FILE');
      if (opts.strategy !== undefined) checkStrategy(opts.strategy);
      const vbios = opts.vbios !== undefined ? checkVbios(opts.vbios) : undefined;
      checkOutputs({ '--svg': opts.svg, '--html': opts.html }, [path]);
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const { report } = bootSpec(specs[0]!.spec, {
        configPath: path,
        ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
        ...(vbios !== undefined ? { vbios } : {}),
        quirks: opts.quirks !== false,
      });
      const write = (opt: string, file: string, text: string): void => {
        try {
          writeFileSync(file, text);
        } catch (e) {
          throw new UsageError(`${opt}: cannot write ${file}: ${(e as Error).message}`);
        }
      };
      if (opts.svg !== undefined) write('--svg', opts.svg, renderMapSvg(report) + '\n');
      if (opts.html !== undefined) write('--html', opts.html, renderMapHtml([report], { title: `vfio-sim map: ${path}` }));
      if (report.panic !== null) setCode(EXIT_FAILED);
    });
}

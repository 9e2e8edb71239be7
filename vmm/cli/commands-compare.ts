import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IGD_STRATEGY_NAMES } from '../../firmware/igd/types.js';
import { bootSpec } from '../boot.js';
import { comparisonJson, compareStrategies, renderComparison } from '../igd/index.js';
import { renderMapHtml } from '../map/index.js';
import type { BootReport } from '../report/types.js';
import { checkStrategy } from './commands-map.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { checkOutputs, checkVbios } from './guard.js';
import { loadSpecs } from './load.js';

interface CompareOptions {
  strategies?: string;
  json?: boolean;
  html?: string;
  vbios?: string;
  quirks?: boolean;
}

export function registerCompareCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('compare')
    .description('boot an IGD machine under each stolen-memory strategy and show them side by side')
    .argument('<config>', 'YAML machine config with a vfio-igd device')
    .option('--strategies <list>', `comma-separated (default: all: ${IGD_STRATEGY_NAMES.join(',')})`)
    .option('--json', 'print the comparison as one JSON document')
    .option('--html <file>', 'write a page with the table and each strategy\'s address map')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .action((path: string, opts: CompareOptions) => {
      const strategies = opts.strategies === undefined ? [...IGD_STRATEGY_NAMES] : opts.strategies.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (strategies.length === 0) throw new UsageError('--strategies: name at least one strategy');
      strategies.forEach(checkStrategy);
      const vbios = opts.vbios !== undefined ? checkVbios(opts.vbios) : undefined;
      checkOutputs({ '--html': opts.html }, [path]);
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const reports = new Map<string, BootReport>();
      const cmp = compareStrategies(specs[0]!.spec, strategies, (spec, o) => {
        const r = bootSpec(spec, {
          configPath: path,
          strategy: o.strategy,
          ...(vbios !== undefined ? { vbios } : {}),
          quirks: opts.quirks !== false,
        }).report;
        reports.set(o.strategy, r);
        return r;
      });
      const text = renderComparison(cmp);
      process.stdout.write(opts.json ? comparisonJson(cmp) : text);
      if (opts.html !== undefined) {
        try {
          writeFileSync(opts.html, renderMapHtml(strategies.map((s) => reports.get(s)!), { title: `vfio-sim compare: ${path}`, intro: text }));
        } catch (e) {
          throw new UsageError(`--html: cannot write ${opts.html}: ${(e as Error).message}`);
        }
      }
    });
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IGD_STRATEGY_NAMES } from '../../../firmware/igd/types.js';
import { bootSpec } from '../../core/boot/index.js';
import { IGD_MODEL } from '../config/index.js';
import { compareProfiles, DEFAULT_QEMU, parseProfileList, QEMU_RELEASES, renderProfileComparison } from '../../core/profile/index.js';
import { comparisonJson, compareQemuVersions, compareStrategies, renderComparison, renderQemuComparison, type StrategyComparison } from '../../passthrough/igd/index.js';
import { isQemuVersion, QEMU_VERSIONS, type QemuVersion } from '../../../devices/qemu-version.js';
import { renderMapHtml } from '../map/index.js';
import type { BootReport } from '../report/types.js';
import { checkStrategy } from './strategy-arg.js';
import { parseFirmwareArg, type FirmwareArg } from './firmware-arg.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { checkOutputs, checkVbios } from './guard.js';
import { loadSpecs } from './load.js';

interface CompareOptions {
  profiles?: string;
  strategies?: string;
  firmware?: string;
  json?: boolean;
  html?: string;
  vbios?: string;
  quirks?: boolean;
  qemu?: string;
}

export function registerCompareCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('compare')
    .description('boot an IGD machine under each stolen-memory strategy, or any machine under each profile (--profiles), and show what changes')
    .argument('<config>', 'YAML machine config (with a vfio-igd device unless --profiles)')
    .option('--profiles <list>', 'compare machine profiles instead: QEMU[:VENDOR[:PHYS-BITS]],... e.g. 7.2,10.0,10.0:intel:39')
    .option('--strategies <list>', `comma-separated (default: all: ${IGD_STRATEGY_NAMES.join(',')})`)
    .option('--firmware <list>', 'comma-separated firmware (seabios, ovmf, or type-version such as ovmf-2025.02): one column per strategy and firmware, labelled strategy@firmware')
    .option('--json', 'print the comparison as one JSON document')
    .option('--html <file>', 'write a page with the table and each strategy\'s address map')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .option('--no-quirks', 'turn the built-in IGD BAR4 quirk off (QEMU 10.0 behaviour)')
    .option('--qemu <list>', `compare QEMU versions instead of strategies (${QEMU_VERSIONS.join(',')}): what each version's IGD code does to this machine`)
    .action((path: string, opts: CompareOptions) => {
      if (opts.profiles !== undefined) return compareProfilesCommand(path, opts.profiles, opts.json === true, setCode);
      if (opts.qemu !== undefined) return compareQemu(path, opts, setCode);
      const strategies = opts.strategies === undefined ? [...IGD_STRATEGY_NAMES] : opts.strategies.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (strategies.length === 0) throw new UsageError('--strategies: name at least one strategy');
      strategies.forEach(checkStrategy);
      const firmwares = opts.firmware === undefined ? undefined : opts.firmware.split(',').map((s) => s.trim()).filter((s) => s !== '').map(parseFirmwareArg);
      if (firmwares !== undefined && firmwares.length === 0) throw new UsageError('--firmware: name at least one firmware');
      const vbios = opts.vbios !== undefined ? checkVbios(opts.vbios) : undefined;
      checkOutputs({ '--html': opts.html }, [path]);
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      // Every strategy boots a machine without an IGD the same way: a table of dashes would answer nothing.
      if (!specs[0]!.spec.devices.some((d) => d.model === IGD_MODEL)) {
        throw new UsageError(`compare: ${path} has no ${IGD_MODEL} device, so there are no IGD stolen-memory strategies to compare`);
      }
      const reports = new Map<string, BootReport>();
      const run = (fw: FirmwareArg | undefined): StrategyComparison => {
        const c = compareStrategies(specs[0]!.spec, strategies, (spec, o) => {
          const r = bootSpec(spec, {
            configPath: path,
            strategy: o.strategy,
            ...(fw !== undefined ? { profile: { firmware: fw.firmware } } : {}),
            ...(vbios !== undefined ? { vbios } : {}),
            quirks: opts.quirks !== false,
          }).report;
          reports.set(fw === undefined ? o.strategy : `${o.strategy}@${fw.label}`, r);
          return r;
        });
        // With --firmware each firmware is measured against its own 'none' boot; columns read strategy@firmware.
        return fw === undefined ? c : { ...c, columns: c.columns.map((col) => ({ ...col, strategy: `${col.strategy}@${fw.label}` })) };
      };
      const parts = firmwares === undefined ? [run(undefined)] : firmwares.map(run);
      const cmp: StrategyComparison = { ...parts[0]!, columns: parts.flatMap((p) => p.columns) };
      const columns = cmp.columns.map((c) => c.strategy);
      const text = renderComparison(cmp);
      process.stdout.write(opts.json ? comparisonJson(cmp) : text);
      if (opts.html !== undefined) {
        try {
          writeFileSync(opts.html, renderMapHtml(columns.map((s) => reports.get(s)!), { title: `vfio-sim compare: ${path}`, intro: text }));
        } catch (e) {
          throw new UsageError(`--html: cannot write ${opts.html}: ${(e as Error).message}`);
        }
      }
    });
}

/** `compare --profiles`: the same config booted under each profile, differences against the first. */
function compareProfilesCommand(path: string, list: string, json: boolean, setCode: (c: number) => void): void {
  const choices = parseProfileList(list);
  if (typeof choices === 'string') throw new UsageError(choices);
  const specs = loadSpecs([path]);
  if (specs === undefined) return setCode(EXIT_USAGE);
  const spec = specs[0]!.spec;
  // Upgrading QEMU upgrades its firmware too (Debian's pairing), even when the config pins a firmware version.
  const type = spec.firmware.type ?? 'seabios';
  const reports = choices.map((c) => {
    const qemu = c.overrides.qemu ?? DEFAULT_QEMU;
    const profile = { ...c.overrides, firmware: { type, version: QEMU_RELEASES[qemu].firmware[type] } };
    return bootSpec(spec, { configPath: path, profile }).report;
  });
  const cmp = compareProfiles(path, choices, reports);
  process.stdout.write(json ? JSON.stringify(cmp, null, 2) + '\n' : renderProfileComparison(cmp));
}

/** `compare --qemu 9.1,9.2,10.0,10.1 CONFIG`: one machine (its own strategy, or the one --strategies names) per QEMU version. */
function compareQemu(path: string, opts: CompareOptions, setCode: (c: number) => void): void {
  const versions = opts.qemu!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (versions.length === 0) throw new UsageError('--qemu: name at least one QEMU version');
  for (const v of versions) if (!isQemuVersion(v)) throw new UsageError(`--qemu: unknown QEMU version ${v} (known: ${QEMU_VERSIONS.join(', ')})`);
  const strategies = opts.strategies?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
  if (strategies.length > 1) throw new UsageError('--qemu compares versions under one strategy: give --strategies at most one name');
  strategies.forEach(checkStrategy);
  const specs = loadSpecs([path]);
  if (specs === undefined) return setCode(EXIT_USAGE);
  const cmp = compareQemuVersions(specs[0]!.spec, versions as QemuVersion[], (spec, qemu) => bootSpec(spec, {
    configPath: path,
    profile: { qemu },
    ...(strategies[0] !== undefined ? { strategy: strategies[0] } : {}),
    ...(opts.vbios !== undefined ? { vbios: opts.vbios } : {}),
    quirks: opts.quirks !== false,
  }).report);
  process.stdout.write(opts.json ? JSON.stringify(cmp, null, 2) + '\n' : renderQemuComparison(cmp));
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderDoctorHtml, renderDoctorText, renderUpgradeText, runDoctor, upgradeDiff } from '../doctor/index.js';
import { isQemuVersion, QEMU_VERSIONS } from '../../../devices/qemu-version.js';
import { checkStrategy } from './strategy-arg.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { loadSpecs } from './load.js';

interface DoctorCliOptions {
  json?: boolean;
  html?: string;
  upgradeTo?: string;
  strategy?: string;
  vbios?: string;
}

/** `vfio-sim doctor CONFIG`: exit 1 when the machine (or, with --upgrade-to, the upgraded one) is predicted to fail. */
export function registerDoctorCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('doctor')
    .description('will it boot? QEMU start, IGD mode, fw_cfg, what the guest reads, DSM/OpRegion placement, DMA faults, IOMMU width — each problem with cause and fix')
    .argument('<config>', 'YAML machine config')
    .option('--json', 'print the findings and facts as one JSON object')
    .option('--html <file>', 'write a self-contained HTML page (findings beside the address map)')
    .option('--upgrade-to <version>', `also boot under this QEMU version and list what changes (${QEMU_VERSIONS.join(', ')})`)
    .option('--strategy <name>', 'IGD stolen-memory strategy (overrides firmware.igd-strategy)')
    .option('--vbios <name>', 'IGD video BIOS behaviour: reads-bdsm | cached-host-bdsm | a ROM program path')
    .action((path: string, opts: DoctorCliOptions) => {
      if (opts.strategy !== undefined) checkStrategy(opts.strategy);
      if (opts.upgradeTo !== undefined && !isQemuVersion(opts.upgradeTo)) {
        throw new UsageError(`--upgrade-to: vfio-sim models QEMU ${QEMU_VERSIONS.join(', ')}, not '${opts.upgradeTo}'`);
      }
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const spec = specs[0]!.spec;
      const boot = {
        configPath: path,
        ...(opts.strategy !== undefined ? { strategy: opts.strategy } : {}),
        ...(opts.vbios !== undefined ? { vbios: opts.vbios } : {}),
      };
      const up = opts.upgradeTo !== undefined && isQemuVersion(opts.upgradeTo) ? upgradeDiff(spec, opts.upgradeTo, boot) : undefined;
      const run = up?.before ?? runDoctor(spec, boot);
      if (opts.json) {
        process.stdout.write(JSON.stringify(up === undefined ? run.doctor : { ...run.doctor, upgrade: up.diff }) + '\n');
      } else {
        process.stdout.write(renderDoctorText(run.doctor));
        if (up !== undefined) process.stdout.write('\n' + renderUpgradeText(up.diff));
      }
      if (opts.html !== undefined) {
        try {
          writeFileSync(opts.html, renderDoctorHtml(run.doctor, run.report, up?.diff));
        } catch (e) {
          throw new UsageError(`--html: cannot write ${opts.html}: ${(e as Error).message}`);
        }
      }
      if (run.doctor.verdict === 'fails' || up?.after.doctor.verdict === 'fails') setCode(EXIT_FAILED);
    });
}

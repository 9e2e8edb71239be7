import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { hostYaml, importHost, type HostInputs } from '../import/host.js';
import { ImportError } from '../import/types.js';
import { EXIT_USAGE, UsageError } from './errors.js';

interface HostCliOptions {
  iomem?: string;
  dmar?: string;
  opregion?: string;
  stolenReserved?: string;
  output?: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** True for lspci text (hex lines), false for the binary sysfs config file. */
function isText(b: Buffer): boolean {
  return /^[\x09\x0a\x0d\x20-\x7e]*$/.test(b.subarray(0, 512).toString('latin1')) && /^[0-9a-f]{2,3}:(\s+[0-9a-f]{2}){1,16}\s*$/im.test(b.toString('latin1'));
}

/** `vfio-sim host import` → the config's host: section from the host's own dumps. */
export function registerHostCommands(program: Command, setCode: (c: number) => void): void {
  const host = program.command('host').description("describe the host's hardware for configs");
  host
    .command('import')
    .description("the host.igd section from 'lspci -nn -xxxx -s 00:02.0' output or /sys/bus/pci/devices/0000:00:02.0/config")
    .argument('<config>', "lspci output or the sysfs config file ('-' for stdin)")
    .option('--iomem <file>', '/proc/iomem (checks "Graphics Stolen Memory" against BDSM and GMS)')
    .option('--dmar <width|file|text>', "the DMAR host address width: a number, a file with dmesg's 'DMAR: Host address width N', or that text")
    .option('--opregion <file>', 'the OpRegion bytes (the vfio OpRegion region, or /sys/kernel/debug/dri/0/i915_opregion)')
    .option('--stolen-reserved <value>', 'STOLEN_RESERVED as read from BAR0 0x1082c0 (gen 11+; intel_reg read 0x1082c0)')
    .option('-o, --output <file>', 'write the section here instead of stdout')
    .action((path: string, opts: HostCliOptions) => {
      const cfg = read(path, 'config');
      const inputs: HostInputs = {
        config: isText(cfg) ? cfg.toString('utf8') : new Uint8Array(cfg),
        ...(opts.iomem !== undefined ? { iomem: read(opts.iomem, '--iomem').toString('utf8') } : {}),
        ...(opts.dmar !== undefined ? { dmar: dmarInput(opts.dmar) } : {}),
        ...(opts.opregion !== undefined ? { opregion: new Uint8Array(read(opts.opregion, '--opregion')) } : {}),
        ...(opts.stolenReserved !== undefined ? { stolenReservedReg: stolenReg(opts.stolenReserved) } : {}),
      };
      try {
        const yaml = hostYaml(importHost(inputs), path);
        if (opts.output === undefined) process.stdout.write(yaml);
        else {
          try {
            writeFileSync(opts.output, yaml);
          } catch (e) {
            throw new UsageError(`-o: cannot write ${opts.output}: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        process.stderr.write(`${path}:${e.line}:${e.col}: ${e.message}\n`);
        setCode(EXIT_USAGE);
      }
    });
}

function stolenReg(s: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(s.trim())) throw new UsageError(`--stolen-reserved: expected a register value like 0x4ff00187, got '${s}'`);
  return BigInt(s.trim());
}

/** --dmar: a width, the dmesg line itself (`--dmar "$(dmesg | grep DMAR)"`), or a file holding it. */
function dmarInput(v: string): number | string {
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  if (/Host address width/.test(v)) return v;
  return read(v, '--dmar').toString('utf8');
}

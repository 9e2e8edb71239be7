import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { importedYaml, importQemuArgv, importText, ImportError, IMPORT_FORMATS, type ImportFormat } from '../import/index.js';
import { isQemuVersion, QEMU_VERSIONS } from '../../../devices/qemu-version.js';
import { EXIT_USAGE, UsageError } from './errors.js';

interface ImportCliOptions {
  from?: string;
  qemu?: string;
  host?: string;
  output?: string;
}

/** The QEMU version an import names when --qemu is absent: the newest release vfio-sim models (what users run). */
const IMPORT_QEMU = QEMU_VERSIONS[QEMU_VERSIONS.length - 1]!;

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** `vfio-sim import FILE` or `vfio-sim import -- qemu-system-x86_64 ARGS...`. */
export function registerImportCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('import')
    .description('turn a QEMU command line, a Proxmox VM .conf or a libvirt domain XML into a commented vfio-sim config')
    .argument('[input...]', "a file ('-' for stdin), or after --, the QEMU command line itself")
    .option('--from <format>', `input format: ${IMPORT_FORMATS.join(' | ')} (default: detected)`)
    .option('--qemu <version>', `QEMU version the config models (${QEMU_VERSIONS.join(', ')}; default ${IMPORT_QEMU})`)
    .option('--host <file>', "a host section from 'vfio-sim host import' to put in the config")
    .option('-o, --output <file>', 'write the config here instead of stdout')
    .action((input: string[], opts: ImportCliOptions) => {
      if (opts.from !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(opts.from)) {
        throw new UsageError(`--from: expected ${IMPORT_FORMATS.join(', ')}, got '${opts.from}'`);
      }
      const qemu = opts.qemu ?? IMPORT_QEMU;
      if (!isQemuVersion(qemu)) throw new UsageError(`--qemu: vfio-sim models QEMU ${QEMU_VERSIONS.join(', ')}, not '${qemu}'`);
      if (input.length === 0) throw new UsageError('import: name a file, or give the QEMU command line after --');
      const asArgv = input.length > 1 || (input[0]!.startsWith('-') && input[0] !== '-');
      const file = asArgv ? '<command line>' : input[0]!;
      const host = opts.host !== undefined ? readInput(opts.host) : undefined;
      try {
        const imported = asArgv
          ? importQemuArgv(input, { qemu })
          : importText(readInput(file), { qemu, source: file === '-' ? 'stdin' : file, ...(opts.from !== undefined ? { format: opts.from as ImportFormat } : {}) });
        const yaml = importedYaml(imported, host !== undefined ? { yaml: host } : {});
        if (opts.output !== undefined) {
          try {
            writeFileSync(opts.output, yaml);
          } catch (e) {
            throw new UsageError(`-o: cannot write ${opts.output}: ${(e as Error).message}`);
          }
        } else process.stdout.write(yaml);
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        process.stderr.write(`${file}:${e.line}:${e.col}: ${e.message}\n`);
        setCode(EXIT_USAGE);
      }
    });
}

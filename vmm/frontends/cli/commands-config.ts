import type { Command } from 'commander';
import { configSchema, qemuCommandLine } from '../config/index.js';
import { EXIT_USAGE } from './errors.js';
import { loadSpecs } from './load.js';

export function registerConfigCommands(program: Command, setCode: (c: number) => void): void {
  program
    .command('validate')
    .description('check configs; print FILE:LINE:COL: message for each problem')
    .argument('<config...>', 'YAML machine configs')
    .action((paths: string[]) => {
      const specs = loadSpecs(paths);
      if (specs === undefined) setCode(EXIT_USAGE);
      else for (const s of specs) process.stdout.write(`${s.path}: ok\n`);
    });

  program
    .command('qemu-args')
    .description("print the command line that boots the same topology on the config's QEMU version (only what that QEMU accepts)")
    .argument('<config>', 'YAML machine config')
    .option('--shell', 'quote each argument for a POSIX shell, so the line can be pasted (default: arguments joined by spaces, unquoted)')
    .action((path: string, opts: { shell?: boolean }) => {
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const { args, dropped } = qemuCommandLine(specs[0]!.spec);
      for (const d of dropped) process.stderr.write(`${path}: note: ${d.device}: ${d.prop} left out: ${d.reason}\n`);
      if (opts.shell) process.stdout.write(args.map(shellQuote).join(' ') + '\n');
      else process.stdout.write(args.join(' ') + '\n');
    });

  program
    .command('schema')
    .description('print the JSON Schema of the config format (for editor completion)')
    .action(() => {
      process.stdout.write(JSON.stringify(configSchema(), null, 2) + '\n');
    });
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

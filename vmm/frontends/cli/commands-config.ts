import type { Command } from 'commander';
import { configSchema, qemuCommandLine } from '../config/index.js';
import { romProgramSchema } from '../../passthrough/rom/schema.js';
import { workloadSchema } from '../../passthrough/workload/schema.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { loadSpecs } from './load.js';

/** Each input language's editor schema, derived from its one definition (config/schema.ts, rom/schema.ts, workload/schema.ts). */
const EDITOR_SCHEMAS = {
  config: configSchema,
  'rom-program': romProgramSchema,
  workload: (): Record<string, unknown> => ({ $schema: 'http://json-schema.org/draft-07/schema#', ...workloadSchema() }),
} as const;

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
    .description('print the JSON Schema of an input language (for editor completion): config (default), rom-program or workload')
    .argument('[language]', `one of ${Object.keys(EDITOR_SCHEMAS).join(', ')}`, 'config')
    .action((language: string) => {
      const schema = Object.hasOwn(EDITOR_SCHEMAS, language) ? EDITOR_SCHEMAS[language as keyof typeof EDITOR_SCHEMAS] : undefined;
      if (schema === undefined) throw new UsageError(`schema: unknown language '${language}' (expected one of: ${Object.keys(EDITOR_SCHEMAS).join(', ')})`);
      process.stdout.write(JSON.stringify(schema(), null, 2) + '\n');
    });
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

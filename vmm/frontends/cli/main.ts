#!/usr/bin/env node
// First: V8's tiering flags, before any other module of ours is evaluated (docs/performance.md §13).
import '../v8-tiering.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { packageVersion } from './version.js';

type Register = (program: Command, setCode: (c: number) => void) => void;

/**
 * Command name → its module, imported only when that command runs (a `boot` never loads the map
 * renderer, the sweep engine or the dump code); help and unknown commands load them all so the
 * usage text lists every command.
 */
const COMMAND_MODULES: Readonly<Record<string, () => Promise<Register>>> = {
  boot: async () => (await import('./commands-boot.js')).registerBootCommands,
  validate: async () => (await import('./commands-config.js')).registerConfigCommands,
  'qemu-args': async () => (await import('./commands-config.js')).registerConfigCommands,
  schema: async () => (await import('./commands-config.js')).registerConfigCommands,
  compare: async () => (await import('./commands-compare.js')).registerCompareCommand,
  dump: async () => (await import('./commands-dump.js')).registerDumpCommand,
  map: async () => (await import('./commands-map.js')).registerMapCommands,
  sweep: async () => (await import('./commands-sweep.js')).registerSweepCommands,
  'qxl-replay': async () => (await import('./commands-qxl.js')).registerQxlCommands,
  'qxl-size': async () => (await import('./commands-qxl.js')).registerQxlCommands,
  import: async () => (await import('./commands-import.js')).registerImportCommand,
  host: async () => (await import('./commands-host.js')).registerHostCommands,
  doctor: async () => (await import('./commands-doctor.js')).registerDoctorCommand,
  rom: async () => (await import('./commands-rom.js')).registerRomCommand,
};

async function commandsFor(name: string | undefined): Promise<Register[]> {
  const one = name !== undefined ? COMMAND_MODULES[name] : undefined;
  if (one !== undefined) return [await one()];
  const all = await Promise.all(Object.values(COMMAND_MODULES).map((load) => load()));
  return [...new Set(all)];
}

/** vfio-sim's command line. Exit codes: 0 success, 1 a boot failed or faulted (with --fail-on-fault), 2 bad usage or config. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name('vfio-sim')
    .description('Boot VFIO passthrough machines the way QEMU + SeaBIOS does, and show what the devices did.')
    .version(packageVersion(), '-V, --version', 'print the vfio-sim version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  const setCode = (c: number): void => {
    code = Math.max(code, c);
  };
  for (const register of await commandsFor(argv[0])) register(program, setCode);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      // `vfio-sim` with no command: commander prints the usage to stderr as an error (exitCode 1); that is bad usage.
      if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : EXIT_USAGE;
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`vfio-sim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  return code;
}

/** True when this file is the program node started (directly, or through npm's bin link or npx). */
function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  // `vfio-sim schema | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`vfio-sim: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      if (process.env['VFIO_SIM_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
      process.exitCode = 70;
    },
  );
}

#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerBootCommands } from './commands-boot.js';
import { registerCompareCommand } from './commands-compare.js';
import { registerConfigCommands } from './commands-config.js';
import { registerDoctorCommand } from './commands-doctor.js';
import { registerDumpCommand } from './commands-dump.js';
import { registerHostCommands } from './commands-host.js';
import { registerImportCommand } from './commands-import.js';
import { registerMapCommands } from './commands-map.js';
import { registerQxlCommands } from './commands-qxl.js';
import { registerRomCommand } from './commands-rom.js';
import { registerSweepCommands } from './commands-sweep.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { packageVersion } from './version.js';

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
  registerBootCommands(program, setCode);
  registerConfigCommands(program, setCode);
  registerCompareCommand(program, setCode);
  registerDumpCommand(program, setCode);
  registerMapCommands(program, setCode);
  registerSweepCommands(program, setCode);
  registerQxlCommands(program, setCode);
  registerImportCommand(program, setCode);
  registerHostCommands(program, setCode);
  registerDoctorCommand(program, setCode);
  registerRomCommand(program, setCode);
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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/compiled.js';
import { runCli } from './run-cli.js';

describe('vfio-sim usage', () => {
  it('answers no command with the usage on stderr and exit 2', async () => {
    const r = await runCli();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('Usage: vfio-sim [options] [command]');
    expect(r.stderr).toMatch(/^ {2}boot \[options\] <config\.\.\.>/m);
  });

  it('prints the package version for --version and -V', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = await runCli(flag);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
    }
  });

  it('still exits 0 for help asked for', async () => {
    for (const args of [['--help'], ['help'], ['help', 'boot']]) {
      const r = await runCli(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: vfio-sim/);
    }
  });
});

describe('vfio-sim compare and qemu-args', () => {
  it('refuses to compare a machine without an IGD (exit 2) instead of printing dashes', async () => {
    const r = await runCli('compare', 'configs/q35-desktop.yaml');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe('vfio-sim: compare: configs/q35-desktop.yaml has no vfio-igd device, so there are no IGD stolen-memory strategies to compare\n');
  });

  it('describes --shell as what it does: quoting, versus unquoted arguments on one line', async () => {
    const help = await runCli('qemu-args', '--help');
    expect(help.stdout).toMatch(/--shell\s+quote each argument for a POSIX shell/);
    const plain = await runCli('qemu-args', 'configs/q35-desktop.yaml');
    expect(plain.stdout.split('\n')).toHaveLength(2);
  });
});

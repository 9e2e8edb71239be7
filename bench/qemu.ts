import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { median } from './figure.js';

/** The e820 dump SeaBIOS prints at the end of POST (src/e820map.c dump_map): the point we time to. */
const E820_DUMP = /e820 map has (\d+) items:\n/;
/** SeaBIOS panics that end POST before the dump (src/fw/pciinit.c "PCI: out of %s address space"). */
const SEABIOS_PANIC = /PCI: out of \w+ address space/;

export function qemuAvailable(binary = 'qemu-system-x86_64'): boolean {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0;
}

function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Wall time (ms) from starting QEMU to SeaBIOS having printed its whole e820 map on the debug
 * console (isa-debugcon at 0x402, read through a pipe); QEMU is killed right then.
 * null when it does not get there within `timeoutMs`.
 */
export function timeQemuToE820(args: readonly string[], accel: string, timeoutMs = 30_000): Promise<number | null> {
  const [bin, ...rest] = args;
  const extra = ['-accel', accel, '-chardev', 'stdio,id=dbg,signal=off', '-device', 'isa-debugcon,iobase=0x402,chardev=dbg', '-no-reboot'];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(bin!, [...rest, ...extra], { stdio: ['ignore', 'pipe', 'ignore'] });
    let log = '';
    let done = false;
    const finish = (v: number | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (s: string) => {
      log += s;
      if (SEABIOS_PANIC.test(log)) return finish(null);
      const m = E820_DUMP.exec(log);
      if (m === null) return;
      const after = log.slice(m.index + m[0].length).split('\n');
      if (after.length > Number(m[1])) finish(performance.now() - t0);
    });
    child.on('error', () => finish(null));
    child.on('exit', () => finish(null));
  });
}

/**
 * QEMU 7.2 + SeaBIOS booting each fixture's recorded command line, sequentially: ms per fixture
 * (null where SeaBIOS panicked or timed out), with KVM when /dev/kvm is usable.
 */
export async function benchQemu(fixtureJsons: readonly string[]): Promise<{ ms: (number | null)[]; medianMs: number; accel: string } | null> {
  if (!qemuAvailable()) return null;
  const accel = kvmUsable() ? 'kvm' : 'tcg';
  const ms: (number | null)[] = [];
  for (const f of fixtureJsons) {
    const args = (JSON.parse(readFileSync(f, 'utf8')) as { qemu_args: string[] }).qemu_args;
    ms.push(await timeQemuToE820(args, accel));
  }
  const ok = ms.filter((x): x is number => x !== null);
  return ok.length === 0 ? null : { ms, medianMs: median(ok), accel };
}

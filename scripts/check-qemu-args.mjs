// Starts each config's `vfio-sim qemu-args` line in the real QEMU of its profile (paused with -S, stopped after
// 2 s) and prints one JSON line per config: accepted, or QEMU's first error line. QEMU 7.2 is the host's (also for
// 9.x profiles), 10.0 runs in the trixie chroot (also for 10.1) ($QEMU10_ROOT, default /srv/chroot/trixie). Usage: node scripts/check-qemu-args.mjs CONFIG...
import { spawnSync } from 'node:child_process';
import { registerAllModels } from '../dist/devices/index.js';
import { formatConfigError, loadConfigFile, qemuCommandLine } from '../dist/vmm/frontends/config/index.js';
import { DEFAULT_QEMU, QEMU_RELEASES } from '../dist/vmm/core/profile/index.js';

registerAllModels();
for (const path of process.argv.slice(2)) {
  const loaded = loadConfigFile(path);
  if (!loaded.ok) {
    console.log(JSON.stringify({ config: path, error: loaded.errors.map(formatConfigError) }));
    continue;
  }
  const qemu = loaded.spec.machine.qemu ?? DEFAULT_QEMU;
  // The QEMU of the profile's recorded placement: 7.2 (host, Debian 12) for 7.2 and 9.x, 10.0 (trixie) for 10.x.
  const placement = QEMU_RELEASES[qemu].placement;
  const root = placement === '7.2' ? (process.env.QEMU72_ROOT ?? '/') : (process.env.QEMU10_ROOT ?? '/srv/chroot/trixie');
  const { args, dropped } = qemuCommandLine(loaded.spec);
  // `-cpu host` needs KVM, which this recorder (TCG) lacks: check the rest of the line with `-cpu max` and the same
  // options, and record that it was substituted.
  const cpu = args.indexOf('-cpu');
  const hostCpu = cpu >= 0 && /^host(,|$)/.test(args[cpu + 1] ?? '');
  const run = hostCpu ? args.map((a, i) => (i === cpu + 1 ? a.replace(/^host/, 'max') : a)) : args;
  const cmd = [...(root === '/' ? [] : ['chroot', root]), 'timeout', '2', ...run, '-S'];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  const version = spawnSync(root === '/' ? 'qemu-system-x86_64' : 'chroot', [...(root === '/' ? [] : [root, 'qemu-system-x86_64']), '--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  // timeout(1) exits 124 when QEMU was still running: it accepted the command line.
  const errorLine = (r.stderr ?? '').split('\n').find((l) => l.includes('qemu-system-x86_64:') && !l.includes('warning:') && !l.includes('terminating on signal'));
  console.log(JSON.stringify({ config: path, qemu: version, accepted: r.status === 124, ...(errorLine !== undefined ? { error: errorLine } : {}), line: args.join(' '), dropped, ...(hostCpu ? { cpu: 'host checked as max (TCG)' } : {}) }));
}

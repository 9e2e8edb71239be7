// The recorder behind scripts/record-seabios.sh (plain ESM on top of dist/, so it runs without a TS loader).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { registerAllModels } from '../dist/devices/index.js';
import { formatConfigError, loadConfigFile, qemuArgs } from '../dist/vmm/frontends/config/index.js';
import { DEFAULT_QEMU } from '../dist/vmm/core/profile/index.js';

const TIMEOUT_MS = Number(process.env.RECORD_TIMEOUT_MS ?? 60_000);
/** The line SeaBIOS ends POST with (src/e820map.c dump_map), and its PCI panics (src/fw/pciinit.c). */
const DONE = /e820 map has (\d+) items:\n((?:  \d+: .*\n)*)/;
const PANIC = /^PCI: out of (?:I\/O|32bit) address space$/m;

const hex = (v) => '0x' + BigInt(v).toString(16);
const hex4 = (v) => '0x' + v.toString(16).padStart(4, '0');
const bdf = (bus, slot, fn) => `${bus.toString(16).padStart(2, '0')}:${slot.toString(16).padStart(2, '0')}.${fn.toString(16)}`;

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Minimal QMP client: greeting, qmp_capabilities, then one command at a time. */
async function qmp(path, commands) {
  const sock = connect(path);
  let buf = '';
  const pending = [];
  const replies = [];
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line === '') continue;
      const msg = JSON.parse(line);
      if (msg.event !== undefined) continue;
      const waiter = pending.shift();
      if (waiter) waiter(msg);
      else replies.push(msg);
    }
  });
  const next = () => new Promise((r) => (replies.length > 0 ? r(replies.shift()) : pending.push(r)));
  await new Promise((r, j) => {
    sock.once('connect', r);
    sock.once('error', j);
  });
  await next(); // greeting
  const out = [];
  for (const cmd of ['qmp_capabilities', ...commands]) {
    sock.write(JSON.stringify({ execute: cmd }) + '\n');
    if (cmd === 'quit') break;
    const reply = await next();
    if (reply.error) throw new Error(`QMP ${cmd}: ${reply.error.desc}`);
    if (cmd !== 'qmp_capabilities') out.push(reply.return);
  }
  sock.end();
  return out;
}

function parseLog(log) {
  const bars = [];
  for (const m of log.matchAll(/^PCI: map device bdf=(\S+)  bar (\d+), addr ([0-9a-f]+), size ([0-9a-f]+) \[(\w+)\]$/gm)) {
    bars.push({ bdf: m[1], bar: Number(m[2]), address: hex('0x' + m[3]), size: hex('0x' + m[4]), type: m[5] });
  }
  const io = /^PCI: IO: +([0-9a-f]+) - +([0-9a-f]+)$/m.exec(log);
  const m32 = /^PCI: 32: ([0-9a-f]+) - ([0-9a-f]+)$/m.exec(log);
  const m64 = /^PCI: 64: ([0-9a-f]+) - ([0-9a-f]+)$/m.exec(log);
  const pair = (m) => (m ? [hex('0x' + m[1]), hex('0x' + m[2])] : null);
  const e820 = [];
  const done = DONE.exec(log);
  const names = { RAM: 'ram', RESERVED: 'reserved', ACPI: 'acpi', NVS: 'nvs' };
  if (done) {
    for (const m of done[2].matchAll(/^  \d+: ([0-9a-f]+) - ([0-9a-f]+) = \d+ (\w+)$/gm)) {
      e820.push({ start: hex('0x' + m[1]), end: hex('0x' + m[2]), type: names[m[3]] ?? m[3].toLowerCase() });
    }
  }
  const panic = PANIC.exec(log)?.[0] ?? null;
  return { bars: panic ? [] : bars, e820, windows: { io: pair(io), mem32: pair(m32), mem64: pair(m64) }, panic };
}

function window(r) {
  return r.base > r.limit ? null : { base: hex(r.base), limit: hex(r.limit) };
}

/** query-pci flattened depth-first (each bridge followed by the devices QEMU lists under it). */
function devicesOf(list, out = []) {
  for (const d of list) {
    const e = { bdf: bdf(d.bus, d.slot, d.function), vendor: hex4(d.id.vendor), device: hex4(d.id.device), class: hex4(d.class_info.class) };
    if (d.pci_bridge) {
      const b = d.pci_bridge.bus;
      e.bridge = { secondary: b.secondary, subordinate: b.subordinate, io: window(b.io_range), mem: window(b.memory_range), prefmem: window(b.prefetchable_range) };
    }
    out.push(e);
    if (d.pci_bridge?.devices) devicesOf(d.pci_bridge.devices, out);
  }
  return out;
}

/**
 * Where the profile's QEMU runs: QEMU 7.2 is Debian 12's own (the host), QEMU 10.0 Debian 13's inside a trixie
 * chroot ($QEMU10_ROOT, default /srv/chroot/trixie; see README "Recording"). The binary's version must match.
 */
function qemuStack(version) {
  const root = version === '7.2' ? (process.env.QEMU72_ROOT ?? '/') : (process.env.QEMU10_ROOT ?? '/srv/chroot/trixie');
  const prefix = root === '/' ? [] : ['chroot', root];
  const [cmd, ...rest] = [...prefix, 'qemu-system-x86_64', '--version'];
  const out = spawnSync(cmd, rest, { encoding: 'utf8' });
  const got = /QEMU emulator version (\d+\.\d+)/.exec(out.stdout ?? '')?.[1];
  if (got !== version) throw new Error(`config wants QEMU ${version}, but ${root === '/' ? 'the host' : root} has ${got ?? 'no QEMU'} (set QEMU${version.replace('.', '')}_ROOT)`);
  return { root, prefix, version: out.stdout.split('\n')[0] };
}

async function main() {
  const [configPath, prefixArg] = process.argv.slice(2);
  registerAllModels();
  const loaded = loadConfigFile(configPath);
  if (!loaded.ok) {
    for (const e of loaded.errors) console.error(formatConfigError(e));
    process.exit(2);
  }
  const args = qemuArgs(loaded.spec);
  const prefix = resolve(prefixArg ?? configPath.replace(/\.ya?ml$/, ''));
  const stack = qemuStack(loaded.spec.machine.qemu ?? DEFAULT_QEMU);
  // Scratch files live under the QEMU's root so that a chrooted QEMU sees them at `inner` paths.
  const dir = mkdtempSync(join(stack.root === '/' ? tmpdir() : join(stack.root, 'tmp'), 'record-seabios-'));
  const inner = stack.root === '/' ? dir : dir.slice(stack.root.length);
  const logPath = join(dir, 'debugcon.log');
  const qmpPath = join(dir, 'qmp.sock');
  const extra = ['-accel', 'tcg', '-chardev', `file,id=dbg,path=${join(inner, 'debugcon.log')}`, '-device', 'isa-debugcon,iobase=0x402,chardev=dbg', '-qmp', `unix:${join(inner, 'qmp.sock')},server=on,wait=off`, '-no-reboot'];
  const [cmd, ...cmdArgs] = [...stack.prefix, args[0], ...args.slice(1), ...extra];
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    const t0 = Date.now();
    let log = '';
    for (;;) {
      if (exited) throw new Error(`QEMU exited early: ${stderr.trim()}`);
      log = existsSync(logPath) ? readFileSync(logPath, 'latin1') : '';
      if (DONE.test(log) || PANIC.test(log)) break;
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error('timed out waiting for SeaBIOS to finish POST');
      await sleep(50);
    }
    await sleep(100); // let the dump finish
    log = readFileSync(logPath, 'latin1');
    const [pci] = await qmp(qmpPath, ['query-pci', 'quit']);
    const parsed = parseLog(log);
    const fixture = {
      config: parseYaml(readFileSync(configPath, 'utf8')),
      qemu_args: args,
      recorded_with: stack.version,
      expected: { bars: parsed.bars, e820: parsed.e820, devices: devicesOf(pci[0].devices), windows: parsed.windows },
    };
    writeFileSync(`${prefix}.json`, JSON.stringify(fixture, null, 1) + '\n');
    writeFileSync(`${prefix}.seabios.log`, log);
    console.log(`${prefix}.json: ${parsed.bars.length} BARs, ${fixture.expected.devices.length} devices, ${parsed.e820.length} e820 entries${parsed.panic ? `, panic "${parsed.panic}"` : ''}`);
  } finally {
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`record-seabios: ${e.message}`);
  process.exit(1);
});

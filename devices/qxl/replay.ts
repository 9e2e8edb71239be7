import { QXL_IO_RESET, RAM_CMD_RING, RAM_CURSOR_RING, RAM_INT_MASK, RAM_INT_PENDING, RAM_RELEASE_RING, RING_ITEMS, ROM_MODE, ROM_UPDATE_ID } from './constants.js';
import type { VmExit } from './fatal.js';
import { ioDisposition } from './ports.js';
import type { ReplayOp, ReplayScript } from './replay-script.js';
import { createStandaloneQxl, type StandaloneQxl } from './standalone.js';

/** What one step leaves behind, in the shape scripts/record-qxl.py records from real QEMU. */
export interface ReplayRunning {
  readonly label: string;
  readonly status: 'running';
  readonly int_pending: number;
  readonly int_mask: string;
  readonly irq_level: 0 | 1;
  readonly cmd_ring: readonly number[];
  readonly cursor_ring: readonly number[];
  readonly release_ring: readonly number[];
  readonly release_items: readonly string[];
  readonly rom_mode: number;
  readonly rom_update_id: number;
  readonly guest_bugs: readonly string[];
  readonly io: readonly string[];
  readonly watch: Readonly<Record<string, string>>;
  /** Everything else the step logged (spice warnings, QEMU's stderr lines, interrupts): the model's own detail. */
  readonly events: readonly string[];
}

export interface ReplayDead {
  readonly label: string;
  readonly status: 'dead';
  readonly reason: string;
  readonly exit: VmExit;
  readonly io: readonly string[];
  readonly guest_bugs: readonly string[];
  readonly events: readonly string[];
}

export type ReplayStep = ReplayRunning | ReplayDead;

const hex = (n: number): string => `0x${n.toString(16)}`;
const GUEST_BUG = /^qxl-\d+: guest bug: /;

/** A standalone device with the script's BAR addresses, reset as the recorder resets it before `init`. */
function build(script: ReplayScript): StandaloneQxl {
  const q = createStandaloneQxl(script.props, { vga: script.model === 'qxl-vga', ramBytes: 64 * 1024 * 1024 });
  script.bars.forEach((addr, i) => q.moveBar(i, addr));
  q.dev.ioWrite(QXL_IO_RESET, 0);
  return q;
}

function runOp(q: StandaloneQxl, op: ReplayOp, io: string[]): void {
  const { dev, cpu } = q;
  switch (op.op) {
    case 'write':
      cpu.writeBytes(op.gpa, Uint8Array.from(op.hex.match(/../g) ?? [], (b) => parseInt(b, 16)));
      return;
    case 'out':
      io.push(ioDisposition(dev, op.port));
      cpu.outb(dev.barAddress(3) + op.port, op.val);
      return;
    case 'vga-out':
      dev.vgaPortWrite();
      return;
    case 'push': {
      // Append a QXLCommand at prod and advance prod, as a driver does (SPICE_RING_PUSH without the notify).
      const ring = dev.barAddress(0) + dev.ramHeaderOffset + (op.ring === 'cmd' ? RAM_CMD_RING : RAM_CURSOR_RING);
      const num = cpu.readMem(ring, 4);
      const prod = cpu.readMem(ring + 4, 4);
      const item = ring + RING_ITEMS + 16 * ((prod & (num - 1)) >>> 0);
      [op.lo, op.hi, op.type, 0].forEach((v, i) => cpu.writeMem(item + 4 * i, 4, v >>> 0));
      cpu.writeMem(ring + 4, 4, (prod + 1) >>> 0);
      return;
    }
  }
}

function snapshot(q: StandaloneQxl, label: string, io: string[], events: string[], watch: ReplayScript['watch']): ReplayStep {
  const { dev, cpu } = q;
  const guestBugs = events.filter((e) => GUEST_BUG.test(e)).map((e) => e.replace(GUEST_BUG, ''));
  const others = events.filter((e) => !GUEST_BUG.test(e));
  if (dev.dead !== undefined) {
    return { label, status: 'dead', reason: dev.dead.reason, exit: dev.dead.exit, io, guest_bugs: guestBugs, events: others };
  }
  const h = dev.ramHeaderOffset;
  const ring = (off: number): number[] => [0, 4, 8, 12, 16].map((f) => dev.ramMem.read32(h + off + f));
  const rel = h + RAM_RELEASE_RING + RING_ITEMS;
  const rom = new DataView(dev.rom.buffer, dev.rom.byteOffset);
  const w: Record<string, string> = {};
  for (const x of watch) {
    const b = new Uint8Array(x.len);
    cpu.readBytes(x.gpa, b);
    w[x.name] = Buffer.from(b).toString('hex');
  }
  return {
    label,
    status: 'running',
    int_pending: dev.ramMem.read32(h + RAM_INT_PENDING),
    int_mask: hex(dev.ramMem.read32(h + RAM_INT_MASK)),
    irq_level: dev.irqLevel ? 1 : 0,
    cmd_ring: ring(RAM_CMD_RING),
    cursor_ring: ring(RAM_CURSOR_RING),
    release_ring: ring(RAM_RELEASE_RING),
    release_items: Array.from({ length: 8 }, (_, i) => hex(dev.ramMem.read32(rel + 8 * i) + dev.ramMem.read32(rel + 8 * i + 4) * 0x1_0000_0000)),
    rom_mode: rom.getUint32(ROM_MODE, true),
    rom_update_id: rom.getUint32(ROM_UPDATE_ID, true),
    guest_bugs: guestBugs,
    io,
    watch: w,
    events: others,
  };
}

/**
 * Replays `script` against the model: `init` is reported as a first step labelled "init" (as the recorder does),
 * and the run stops after the step in which the VM died.
 */
export function replay(script: ReplayScript): ReplayStep[] {
  const q = build(script);
  const out: ReplayStep[] = [];
  for (const step of [{ label: 'init', ops: script.init }, ...script.steps]) {
    const from = q.dev.log.list.length;
    const io: string[] = [];
    for (const op of step.ops) {
      if (q.dev.dead !== undefined) break;
      runOp(q, op, io);
    }
    const events = q.dev.log.list.slice(from).filter((e) => e.kind !== 'irq').map((e) => e.message);
    const s = snapshot(q, step.label, io, events, script.watch);
    out.push(s);
    if (s.status === 'dead') break;
  }
  return out;
}

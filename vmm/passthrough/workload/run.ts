/**
 * Runs a workload on a booted machine: dirty tracking on guest RAM and on every QXL device's BAR memory (by
 * guest-physical address), a driver session per QXL device, monitors plugged and unplugged, display refreshes.
 * Whatever the workload asks, the outcome is a report: refusals and guest bugs are events, never exceptions.
 */
import type { QxlDevice } from '../../../devices/qxl/device.js';
import type { QxlDriver } from '../../../devices/qxl/driver.js';
import { DirtyTracker, FramebufferTracker, type DirtyTrackerOptions, type FramebufferDirtyReport } from '../dirty/index.js';
import { PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import type { Machine } from '../../core/machine/machine.js';
import { label } from './problems.js';
import { WorkloadEvents, type WorkloadEvent } from './events.js';
import { Monitors, type LiveMonitor, type MonitorReport } from './monitors.js';
import { qxlDevices, qxlReportSection, type QxlReport } from './qxl-report.js';
import { QxlSessions } from './sessions.js';
import type { DrawTarget, Workload, WorkloadPath, WorkloadRect, WorkloadStep } from './types.js';
import { validateWorkload } from './validate.js';

/** The `workload` report section: what ran and what could not be done. */
export interface WorkloadSection {
  /** Steps executed, repeats unrolled (0 when the workload was refused). */
  readonly steps: number;
  /** Display refreshes, the final one included. */
  readonly polls: number;
  /** Every plug, in order: the framebuffer each monitor had, to read `dirty` by. */
  readonly monitors: MonitorReport[];
  readonly events: WorkloadEvent[];
  /** Events past the listed ones. */
  readonly omitted: number;
}

export interface WorkloadRun {
  /** Pages written per framebuffer while plugged, summed over refreshes, by address (FramebufferTracker.pagesDirtied). */
  readonly dirty: FramebufferDirtyReport[];
  /** Every QXL device's events after the run (qxlReportSection). */
  readonly qxl: QxlReport[];
  /** Undefined when there was no workload. */
  readonly workload: WorkloadSection | undefined;
  /** The report sections to merge into the boot report: `qxl` when the machine has QXL, `dirty` and `workload` when a workload ran. */
  readonly sections: { qxl?: QxlReport[]; dirty?: FramebufferDirtyReport[]; workload?: WorkloadSection; vm?: VmSection };
}

export interface RunOptions {
  /** Caps of the run's DirtyTracker (defaults: 64 ranges, 4 GiB of pages). */
  readonly tracker?: DirtyTrackerOptions;
}

/**
 * Runs a workload given as a raw value (the library's entry: a script built in code). It is validated first;
 * an invalid one runs nothing and its problems are the workload section's events.
 */
export function runWorkload(machine: Machine, workload: unknown, options: RunOptions = {}): WorkloadRun {
  if (workload === undefined) return runCheckedWorkload(machine, undefined, options);
  const checked = validateWorkload(workload, { devices: machine.spec.devices });
  if (!checked.ok) {
    const events = new WorkloadEvents();
    for (const e of checked.errors) events.add(e.path, 'invalid', e.message);
    return finish(machine, [], { steps: 0, polls: 0, monitors: [], events: events.list, omitted: events.omitted });
  }
  return runCheckedWorkload(machine, checked.workload, options);
}

/** Runs a workload the config loader already validated (MachineSpec.workload): no second validation. */
export function runCheckedWorkload(machine: Machine, workload: Workload | undefined, options: RunOptions = {}): WorkloadRun {
  if (workload === undefined) {
    const qxl = qxlReportSection(machine);
    return { dirty: [], qxl, workload: undefined, sections: qxl.length > 0 ? { qxl } : {} };
  }
  const events = new WorkloadEvents();
  const checked = { workload };
  const tracker = new DirtyTracker(options.tracker);
  const fbs = new FramebufferTracker(tracker);
  const detach = [tracker.attach(machine.ram), ...qxlDevices(machine).map((d) => hookVram(d, tracker))];
  const sessions = new QxlSessions(machine, events);
  const run = new Runner(machine, fbs, sessions, events);
  try {
    run.steps(checked.workload.steps);
    // The run ends with a last refresh, so writes after the last poll step are counted too.
    if (run.monitors.live.size > 0) run.poll(['end']);
  } finally {
    for (const d of detach) d();
  }
  const section = { steps: run.executed, polls: run.polls, monitors: run.monitors.plugs, events: events.list, omitted: events.omitted };
  return finish(machine, fbs.pagesDirtied(), section);
}

function finish(machine: Machine, dirty: FramebufferDirtyReport[], workload: WorkloadSection): WorkloadRun {
  const qxl = qxlReportSection(machine);
  const vm = firstDeath(machine);
  return { dirty, qxl, workload, sections: { ...(qxl.length > 0 ? { qxl } : {}), dirty, workload, ...(vm !== undefined ? { vm } : {}) } };
}

/** The report's `vm` section once a guest action ended the VM (devices/qxl/fatal.ts): QEMU's process is gone. */
export interface VmSection {
  readonly status: 'dead';
  readonly reason: string;
  readonly exit: { readonly signal: string; readonly code: number };
  /** The device whose guest action did it. */
  readonly bdf: string;
}

function firstDeath(machine: Machine): VmSection | undefined {
  for (const d of qxlDevices(machine)) if (d.dead !== undefined) return { status: 'dead', reason: d.dead.reason, exit: d.dead.exit, bdf: d.bdf };
  return undefined;
}

/** Chains onto the device's onVramWrite: every byte written into BAR0/1/4 marks its guest-physical page. */
function hookVram(dev: QxlDevice, tracker: DirtyTracker): () => void {
  const prev = dev.onVramWrite;
  const hook = (gpa: number, len: number, who: 'device' | 'cpu'): void => {
    prev?.(gpa, len, who);
    if (len <= 0) return;
    tracker.markRange(Math.floor(gpa / PAGE_SIZE), Math.floor((gpa + len - 1) / PAGE_SIZE) + 1);
  };
  dev.onVramWrite = hook;
  return () => {
    if (dev.onVramWrite === hook) dev.onVramWrite = prev;
  };
}

/** A surface to draw on, with its size when known (for steps without a rect). */
interface Drawable {
  readonly driver?: QxlDriver;
  readonly surface: number;
  readonly monitor?: LiveMonitor;
  readonly size?: { readonly width: number; readonly height: number };
}

class Runner {
  readonly monitors: Monitors;
  executed = 0;
  polls = 0;
  /** Set once a budget ran out: the rest of the workload is skipped (the budget event says why). */
  private stopped = false;

  constructor(private readonly machine: Machine, private readonly fbs: FramebufferTracker, private readonly sessions: QxlSessions, private readonly events: WorkloadEvents) {
    this.monitors = new Monitors(machine, fbs, sessions, events);
  }

  steps(list: readonly WorkloadStep[]): void {
    for (const s of list) {
      if (this.stopped) return;
      if (firstDeath(this.machine) !== undefined) return; // the VM is gone: nothing after runs
      if (s.kind === 'repeat') {
        for (let i = 0; i < s.times && !this.stopped; i++) this.steps(s.steps);
        continue;
      }
      const at: WorkloadPath = [...s.path, s.kind];
      const budget = this.machine.budget;
      if (!budget.charge('steps', 1, `workload stopped before ${label(at)}`) || !budget.inTime(`workload stopped before ${label(at)}`)) {
        this.stop(at);
        return;
      }
      this.executed++;
      this.step(at, s);
      const dead = firstDeath(this.machine);
      if (dead !== undefined) {
        this.events.add(at, 'vm-dead', `${dead.bdf}: the VM ended (${dead.exit.signal}, exit ${dead.exit.code}): ${dead.reason}`);
        return;
      }
      this.sessions.harvestAll(at);
    }
  }

  private stop(at: WorkloadPath): void {
    this.stopped = true;
    this.events.add(at, 'budget-exceeded', 'the run\'s budget ran out here: the rest of the workload was skipped');
  }

  /** Charges the pixels a step renders; false (and the workload stops) past the pixel budget. */
  private pixels(at: WorkloadPath, rect: WorkloadRect): boolean {
    const n = Math.max(0, rect.right - rect.left) * Math.max(0, rect.bottom - rect.top);
    if (this.machine.budget.charge('pixels', n, `workload stopped at ${label(at)}`)) return true;
    this.stop(at);
    return false;
  }

  poll(at: WorkloadPath): void {
    this.polls++;
    for (const p of this.fbs.poll()) if (!p.result.ok) this.events.add(at, 'framebuffer', `monitor '${p.id}': ${p.result.code}: ${p.result.message}`);
  }

  private step(at: WorkloadPath, s: Exclude<WorkloadStep, { kind: 'repeat' }>): void {
    const refused = (what: string): void => {
      this.sessions.harvestAll(at); // the driver's reasons first
      this.events.add(at, 'refused', `${what} did not go through (see the driver's and the device's events)`);
    };
    switch (s.kind) {
      case 'qxl-init':
        return this.sessions.init(at, s.device, s.reset);
      case 'create-primary': {
        const d = this.sessions.driver(at, s.device);
        if (d !== undefined && !d.driver.createPrimary(s.width, s.height)) refused('CREATE_PRIMARY');
        return;
      }
      case 'destroy-primary': {
        const d = this.sessions.driver(at, s.device);
        if (d !== undefined && !this.sessions.destroyPrimary(d.driver)) refused('DESTROY_PRIMARY');
        return;
      }
      case 'create-surface': {
        const d = this.sessions.driver(at, s.device);
        const id = d?.driver.createSurface(s.width, s.height);
        if (d !== undefined && id === undefined) refused(`surface '${s.name}'`);
        if (d !== undefined && id !== undefined) this.sessions.name(s.name, d.dev, id);
        return;
      }
      case 'destroy-surface': {
        const r = this.sessions.surface(at, s.device, s.surface);
        if (r !== undefined && !this.sessions.destroySurface(r.driver, r.id)) refused(`destroying surface ${r.id}`);
        if (typeof s.surface === 'string') this.sessions.forget(s.surface);
        return;
      }
      case 'flush-release': {
        this.sessions.driver(at, s.device)?.driver.flushRelease();
        return;
      }
      case 'fill':
      case 'copy-image':
      case 'update-area':
        return this.draw(at, s);
      case 'cpu-fill': {
        const m = this.monitors.get(at, s.monitor);
        if (m !== undefined && this.pixels(at, s.rect ?? whole(m))) this.monitors.cpuStore(at, m, s.rect ?? whole(m), () => s.color);
        return;
      }
      case 'plug-monitor':
        return this.monitors.plug(at, s.id, s.fb);
      case 'unplug-monitor':
        return this.monitors.unplug(at, s.id);
      case 'poll':
        return this.poll(at);
    }
  }

  private draw(at: WorkloadPath, s: Extract<WorkloadStep, { kind: 'fill' | 'copy-image' | 'update-area' }>): void {
    const t = this.target(at, s.target);
    if (t === undefined) return;
    const rect = s.kind === 'copy-image' ? s.rect : (s.rect ?? (t.size !== undefined ? whole(t.size) : undefined));
    if (rect === undefined) {
      this.events.add(at, 'no-surface', `surface ${t.surface} is unknown to the driver session: give a rect`);
      return;
    }
    if (!this.pixels(at, rect)) return;
    const w = rect.right - rect.left;
    const h = rect.bottom - rect.top;
    const color = s.kind === 'update-area' ? 0 : s.color;
    const pixel = color !== undefined ? () => color : (x: number, y: number) => gradient(x, y, w, h);
    if (t.driver === undefined) {
      // A guest-RAM monitor: the CPU draws; update-area has nothing to render.
      if (s.kind !== 'update-area' && t.monitor !== undefined) this.monitors.cpuStore(at, t.monitor, rect, pixel);
      return;
    }
    const qr = { top: rect.top, left: rect.left, bottom: rect.bottom, right: rect.right };
    let ok: boolean;
    if (s.kind === 'fill') ok = t.driver.fill(t.surface, qr, s.color);
    else if (s.kind === 'update-area') ok = t.driver.updateArea(t.surface, qr);
    else {
      const pixels = new Uint32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * w + x] = pixel(x, y);
      ok = t.driver.copyImage(t.surface, qr, w, h, pixels);
    }
    if (!ok) {
      this.sessions.harvestAll(at);
      this.events.add(at, 'refused', `${s.kind} on surface ${t.surface} did not go through (see the driver's and the device's events)`);
    }
  }

  private target(at: WorkloadPath, t: DrawTarget): Drawable | undefined {
    if ('monitor' in t) {
      const m = this.monitors.get(at, t.monitor);
      if (m === undefined) return undefined;
      return { ...(m.qxl !== undefined ? { driver: m.qxl.driver } : {}), surface: m.qxl?.surface ?? -1, monitor: m, size: m };
    }
    const r = this.sessions.surface(at, t.device, t.surface);
    if (r === undefined) return undefined;
    const ds = r.driver.surfaces.get(r.id);
    return { driver: r.driver, surface: r.id, ...(ds !== undefined ? { size: ds } : {}) };
  }
}

function whole(s: { readonly width: number; readonly height: number }): WorkloadRect {
  return { left: 0, top: 0, right: s.width, bottom: s.height };
}

/** copy-image's default bitmap: red across, green down, so misplaced copies show. */
function gradient(x: number, y: number, w: number, h: number): number {
  return ((Math.floor((x * 255) / Math.max(1, w - 1)) << 16) | (Math.floor((y * 255) / Math.max(1, h - 1)) << 8) | 0x40) >>> 0;
}

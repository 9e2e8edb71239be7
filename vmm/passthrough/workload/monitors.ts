/**
 * Monitors that come and go: each one's framebuffer (a QXL primary in BAR0, a QXL surface in VRAM, or a
 * linear framebuffer in guest RAM) is registered with the FramebufferTracker while plugged.
 */
import type { QxlDevice } from '../../../devices/qxl/device.js';
import type { QxlDriver } from '../../../devices/qxl/driver.js';
import type { FramebufferTracker } from '../dirty/index.js';
import type { Machine } from '../../core/machine/machine.js';
import { PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import { hex } from '../../frontends/report/types.js';
import type { WorkloadEvents } from './events.js';
import { describe, type QxlSessions } from './sessions.js';
import { MAX_CPU_FILL_PIXELS, type MonitorFramebuffer, type WorkloadPath, type WorkloadRect } from './types.js';
import { findIgd } from '../../../devices/igd/index.js';

/** A plugged monitor. QXL monitors keep their device, session and surface id; a RAM monitor has none. */
export interface LiveMonitor {
  readonly id: string;
  readonly kind: MonitorFramebuffer['kind'];
  readonly base: number;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly qxl?: { readonly dev: QxlDevice; readonly driver: QxlDriver; readonly surface: number };
}

/** One line of the workload section per plug: the framebuffer a monitor had; `range` matches its `dirty` entry. */
export interface MonitorReport {
  readonly id: string;
  readonly kind: MonitorFramebuffer['kind'];
  readonly device?: string;
  readonly surface?: number;
  readonly width: number;
  readonly height: number;
  readonly range: { readonly start: string; readonly end: string };
}

const BYTES_PER_PIXEL = 4; // the harness draws 32 bpp xRGB (SPICE_SURFACE_FMT_32_xRGB) and RAM monitors match

export class Monitors {
  readonly live = new Map<string, LiveMonitor>();
  readonly plugs: MonitorReport[] = [];
  private cpuPixels = 0;

  constructor(
    private readonly machine: Machine,
    private readonly fbs: FramebufferTracker,
    private readonly sessions: QxlSessions,
    private readonly events: WorkloadEvents,
  ) {}

  plug(at: WorkloadPath, id: string, fb: MonitorFramebuffer): void {
    if (this.live.has(id)) {
      this.events.add(at, 'monitor', `monitor '${id}' is already plugged`);
      return;
    }
    const m = this.create(at, id, fb);
    if (m === undefined) return;
    const size = m.stride * m.height;
    const r = this.fbs.register({ id, base: m.base, size });
    if (!r.ok) {
      this.events.add(at, 'framebuffer', `monitor '${id}': ${r.code}: ${r.message}`);
      this.release(m);
      return;
    }
    this.live.set(id, m);
    this.plugs.push({
      id, kind: m.kind,
      ...(m.qxl !== undefined ? { device: m.qxl.dev.bdf, surface: m.qxl.surface } : {}),
      width: m.width, height: m.height,
      // The tracked page span, as the `dirty` entries write it.
      range: { start: hex(Math.floor(m.base / PAGE_SIZE) * PAGE_SIZE), end: hex(Math.ceil((m.base + size) / PAGE_SIZE) * PAGE_SIZE) },
    });
  }

  unplug(at: WorkloadPath, id: string): void {
    const m = this.live.get(id);
    if (m === undefined) {
      this.events.add(at, 'monitor', `monitor '${id}' is not plugged`);
      return;
    }
    const r = this.fbs.unregister(id);
    if (!r.ok) this.events.add(at, 'framebuffer', `monitor '${id}': ${r.code}: ${r.message}`);
    this.live.delete(id);
    this.release(m);
  }

  /** The monitor a drawing step names; an event when it is not plugged. */
  get(at: WorkloadPath, id: string): LiveMonitor | undefined {
    const m = this.live.get(id);
    if (m === undefined) this.events.add(at, 'monitor', `monitor '${id}' is not plugged`);
    return m;
  }

  /**
   * Stores pixels into `rect` (clipped to the framebuffer) through the CPU, as software rendering does: plain
   * stores to guest RAM, MMIO stores into QXL BARs. Refused past MAX_CPU_FILL_PIXELS in one run.
   */
  cpuStore(at: WorkloadPath, m: LiveMonitor, rect: WorkloadRect, pixel: (x: number, y: number) => number): void {
    const width = Math.min(rect.right, m.width) - rect.left;
    const height = Math.min(rect.bottom, m.height) - rect.top;
    if (width <= 0 || height <= 0) {
      this.events.add(at, 'empty-rect', `monitor '${m.id}' (${m.width}x${m.height}) has no pixel in that rectangle`);
      return;
    }
    if (this.cpuPixels + width * height > MAX_CPU_FILL_PIXELS) {
      this.events.add(at, 'budget', `CPU stores stop: the run would store more than ${MAX_CPU_FILL_PIXELS} pixels`);
      return;
    }
    this.cpuPixels += width * height;
    const cpu = this.machine.cpu;
    const row = new Uint32Array(width);
    const bytes = new Uint8Array(row.buffer); // little-endian host: the pixel bytes as the guest stores them
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) row[x] = pixel(x, y) >>> 0;
      const addr = m.base + (rect.top + y) * m.stride + rect.left * BYTES_PER_PIXEL;
      if (this.machine.isRam(addr, bytes.length)) cpu.writeBytes(addr, bytes);
      else for (let x = 0; x < width; x++) cpu.writeMem(addr + x * BYTES_PER_PIXEL, 4, row[x]!);
    }
  }

  /** Where the IGD scans out from: the guest page its GTT entry 0 maps (the vBIOS maps the framebuffer at 0). */
  private igdFramebuffer(at: WorkloadPath, id: string): number | undefined {
    const igd = findIgd(this.machine.pci.functions());
    const base = igd?.gtt.pageAddress(0) ?? -1;
    if (base < 0) {
      this.events.add(at, 'framebuffer', `monitor '${id}': ${igd === undefined ? 'the machine has no vfio-igd' : 'the IGD GTT maps no framebuffer (no vBIOS mode set)'}`);
      return undefined;
    }
    return base;
  }

  private create(at: WorkloadPath, id: string, fb: MonitorFramebuffer): LiveMonitor | undefined {
    if (fb.kind === 'ram' || fb.kind === 'igd') {
      const base = fb.kind === 'ram' ? fb.base : this.igdFramebuffer(at, id);
      if (base === undefined) return undefined;
      const stride = fb.width * BYTES_PER_PIXEL;
      if (!this.machine.isRam(base, stride * fb.height)) {
        this.events.add(at, 'framebuffer', `monitor '${id}': ${hex(base)}+${hex(stride * fb.height)} is not guest RAM`);
        return undefined;
      }
      return { id, kind: fb.kind, base, width: fb.width, height: fb.height, stride };
    }
    const s = this.sessions.driver(at, fb.device);
    if (s === undefined) return undefined;
    const { dev, driver } = s;
    let surface: number;
    if (fb.kind === 'primary') {
      if (!driver.createPrimary(fb.width, fb.height)) {
        this.sessions.harvest(at, driver);
        this.events.add(at, 'monitor', `monitor '${id}': ${describe(dev)} refused the primary surface ${fb.width}x${fb.height}`);
        return undefined;
      }
      surface = 0;
    } else if (fb.kind === 'offscreen') {
      const sid = driver.createSurface(fb.width, fb.height);
      this.sessions.harvest(at, driver);
      if (sid === undefined) {
        this.events.add(at, 'monitor', `monitor '${id}': ${describe(dev)} has no room for a ${fb.width}x${fb.height} surface`);
        return undefined;
      }
      surface = sid;
    } else {
      const r = this.sessions.surface(at, fb.device, fb.surface);
      if (r === undefined) return undefined;
      surface = r.id;
    }
    const ds = driver.surfaces.get(surface);
    if (ds === undefined) {
      this.events.add(at, 'no-surface', `monitor '${id}': ${describe(dev)} has no surface ${surface}`);
      return undefined;
    }
    // The primary sits at the start of BAR0 (Linux qxl_io_create_primary); surfaces in the driver's VRAM BAR.
    const base = surface === 0 ? driver.ramBase : driver.vramBase + ds.vramOffset;
    return { id, kind: fb.kind, base, width: ds.width, height: ds.height, stride: ds.stride, qxl: { dev, driver, surface } };
  }

  /** What unplugging does to the display memory: the primary or the monitor's own surface goes. */
  private release(m: LiveMonitor): void {
    if (m.qxl === undefined) return;
    if (m.kind === 'primary') this.sessions.destroyPrimary(m.qxl.driver);
    else if (m.kind === 'offscreen') this.sessions.destroySurface(m.qxl.driver, m.qxl.surface);
  }
}

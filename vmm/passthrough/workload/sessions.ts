/**
 * The guest driver side of a workload: one QxlDriver session per QXL device, the surface names the workload
 * gave, and the driver's recorded errors turned into workload events.
 */
import { QXL_IO_DESTROY_PRIMARY, QXL_IO_DESTROY_PRIMARY_ASYNC } from '../../../devices/qxl/constants.js';
import type { QxlDevice } from '../../../devices/qxl/device.js';
import { QxlDriver } from '../../../devices/qxl/driver.js';
import type { Machine } from '../../core/machine/machine.js';
import type { WorkloadEvents } from './events.js';
import { qxlDevices } from './qxl-report.js';
import type { DeviceRef, SurfaceRef, WorkloadPath } from './types.js';

/** Linux tags release ids with a session number of 5 bits (driver-core.ts DriverOptions.session: 1..31). */
const MAX_SESSION_TAG = 31;

export interface ResolvedSurface {
  readonly dev: QxlDevice;
  readonly driver: QxlDriver;
  readonly id: number;
}

export class QxlSessions {
  private readonly drivers = new Map<QxlDevice, QxlDriver>();
  private readonly errorsSeen = new Map<QxlDriver, number>();
  private readonly names = new Map<string, { dev: QxlDevice; id: number }>();
  private readonly devices: QxlDevice[];

  constructor(private readonly machine: Machine, private readonly events: WorkloadEvents) {
    this.devices = qxlDevices(machine);
  }

  /** A QXL device by qdev id or bdf; an event when there is none. */
  device(at: WorkloadPath, ref: DeviceRef): QxlDevice | undefined {
    const dev = this.devices.find((d) => d.qdevId === ref || d.bdf === ref);
    if (dev === undefined) {
      const known = this.devices.map((d) => (d.qdevId !== '' ? `${d.qdevId} (${d.bdf})` : d.bdf));
      const other = this.machine.byId.get(ref) ?? [...this.machine.pci.functions()].find((f) => f.bdf === ref);
      const why = other !== undefined ? `${ref} (model ${other.model}) is not a QXL device` : `no QXL device '${ref}'`;
      this.events.add(at, 'no-device', `${why} (QXL devices: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    return dev;
  }

  /** qxl-init: a new driver session on the device (the previous one, if any, is simply abandoned, as a reloaded driver's). */
  init(at: WorkloadPath, ref: DeviceRef, reset: boolean): void {
    const dev = this.device(at, ref);
    if (dev === undefined) return;
    const prev = this.drivers.get(dev);
    const session = prev === undefined ? 1 : (prev.session % MAX_SESSION_TAG) + 1;
    const driver = new QxlDriver(this.machine.cpu, dev, { session, resetOnInit: reset });
    this.drivers.set(dev, driver);
    for (const [name, s] of this.names) if (s.dev === dev) this.names.delete(name);
    const ok = driver.init();
    this.harvest(at, driver);
    if (!ok) {
      // Later steps on this device then report 'no-session' instead of driving a half-initialised session.
      this.drivers.delete(dev);
      this.events.add(at, 'init-failed', `${describe(dev)}: the driver session did not start`);
    }
  }

  /** The device's driver session; an event when the workload has not run qxl-init on it. */
  driver(at: WorkloadPath, ref: DeviceRef): { dev: QxlDevice; driver: QxlDriver } | undefined {
    const dev = this.device(at, ref);
    if (dev === undefined) return undefined;
    const driver = this.drivers.get(dev);
    if (driver === undefined) {
      this.events.add(at, 'no-session', `${describe(dev)} has no driver session (run qxl-init on it first)`);
      return undefined;
    }
    return { dev, driver };
  }

  /** A surface of a device: 0, a driver id, or a name from create-surface on that same device. */
  surface(at: WorkloadPath, ref: DeviceRef, surface: SurfaceRef): ResolvedSurface | undefined {
    const s = this.driver(at, ref);
    if (s === undefined) return undefined;
    if (typeof surface === 'number') return { ...s, id: surface };
    const named = this.names.get(surface);
    if (named === undefined || named.dev !== s.dev) {
      this.events.add(at, 'no-surface', `${describe(s.dev)} has no surface named '${surface}'`);
      return undefined;
    }
    return { ...s, id: named.id };
  }

  name(name: string, dev: QxlDevice, id: number): void {
    this.names.set(name, { dev, id });
  }

  forget(name: string): void {
    this.names.delete(name);
  }

  /** DESTROY_PRIMARY(_ASYNC) as Linux qxl_io_destroy_primary does (async from revision 3). */
  destroyPrimary(driver: QxlDriver): boolean {
    const ok = driver.revision >= 3 ? driver.ioAsync(QXL_IO_DESTROY_PRIMARY_ASYNC) : (driver.out(QXL_IO_DESTROY_PRIMARY), !driver.bugMode);
    driver.surfaces.delete(0);
    return ok;
  }

  /** Destroys a surface and waits until its VRAM is free: SURFACE DESTROY, DESTROY_SURFACE_WAIT, FLUSH_RELEASE. */
  destroySurface(driver: QxlDriver, id: number): boolean {
    const ok = driver.destroySurface(id) && driver.destroySurfaceWait(id);
    driver.flushRelease();
    return ok;
  }

  /** Turns the driver errors recorded since the last call into events. */
  harvest(at: WorkloadPath, driver: QxlDriver): void {
    const seen = this.errorsSeen.get(driver) ?? 0;
    for (const e of driver.errors.slice(seen)) this.events.add(at, e.kind, e.message);
    this.errorsSeen.set(driver, driver.errors.length);
  }

  harvestAll(at: WorkloadPath): void {
    for (const d of this.drivers.values()) this.harvest(at, d);
  }
}

export function describe(dev: QxlDevice): string {
  return dev.qdevId !== '' ? `${dev.qdevId} (${dev.bdf})` : dev.bdf;
}

/**
 * The boot report's `qxl` section: per QXL device, what the guest did wrong and the interrupts the device
 * raised (issue 4). Lists are capped so a busy guest cannot blow up the report; the counts stay exact.
 */
import { QxlDevice } from '../../../devices/qxl/device.js';
import type { Machine } from '../../core/machine/machine.js';
import { MAX_LISTED_EVENTS } from './types.js';

/** Events listed per kind, so a flood of interrupts does not hide a later guest bug. */
export const LISTED_PER_KIND = 32;

export interface QxlReportEvent {
  readonly kind: string;
  readonly message: string;
}

export interface QxlReport {
  /** The device's bdf (the source of its events). */
  readonly bdf: string;
  readonly id?: string;
  readonly model: string;
  /** The device mode at the end: undefined, vga, compat or native. */
  readonly mode: string;
  /** In device order: at most LISTED_PER_KIND of each kind and MAX_LISTED_EVENTS in all. */
  readonly events: QxlReportEvent[];
  /** Events left out of `events` (counted in `counts`). */
  readonly omitted: number;
  /** Every event kind's count, listed or not. */
  readonly counts: Record<string, number>;
  /** Guest bugs recorded (QEMU qxl_set_guest_bug; the ERROR interrupt). */
  readonly guestBugs: number;
  /** Interrupts raised: each time the device set interrupt bits that were not pending yet. */
  readonly irqs: number;
}

/** The QXL devices of a machine, in bus order. */
export function qxlDevices(machine: Machine): QxlDevice[] {
  return machine.pci.functions().filter((fn): fn is QxlDevice => fn instanceof QxlDevice);
}

/** One entry per QXL device (empty when the machine has none). Reads the devices only. */
export function qxlReportSection(machine: Machine): QxlReport[] {
  // One pass, no intermediate list of devices (most machines have none).
  const out: QxlReport[] = [];
  for (const fn of machine.pci.functions()) if (fn instanceof QxlDevice) out.push(deviceReport(fn));
  return out;
}

function deviceReport(dev: QxlDevice): QxlReport {
  const events: QxlReportEvent[] = [];
  const all = dev.events;
  if (all.length <= LISTED_PER_KIND) {
    // No kind can reach its cap (nor the total MAX_LISTED_EVENTS): every event is listed, with no per-kind tally.
    for (const e of all) events.push({ kind: e.kind, message: e.message });
  } else {
    const perKind = new Map<string, number>();
    for (const e of all) {
      if (events.length >= MAX_LISTED_EVENTS) break;
      const n = perKind.get(e.kind) ?? 0;
      if (n >= LISTED_PER_KIND) continue;
      perKind.set(e.kind, n + 1);
      events.push({ kind: e.kind, message: e.message });
    }
  }
  // Every QXL boot reports its devices (most with no events at all): no entry arrays, spreads or sort comparator
  // for an empty or short count map (docs/performance.md §24). Kinds are the device's own names, sorted by code unit.
  const log = dev.log.counts;
  const kinds = log.size === 0 ? [] : [...log.keys()].sort();
  const counts: Record<string, number> = {};
  let total = 0;
  for (const k of kinds) {
    const n = log.get(k)!;
    counts[k] = n;
    total += n;
  }
  const omitted = total - events.length;
  const guestBugs = counts['guest-bug'] ?? 0;
  const irqs = counts['irq'] ?? 0;
  return dev.qdevId === ''
    ? { bdf: dev.bdf, model: dev.model, mode: dev.modeName, events, omitted, counts, guestBugs, irqs }
    : { bdf: dev.bdf, id: dev.qdevId, model: dev.model, mode: dev.modeName, events, omitted, counts, guestBugs, irqs };
}

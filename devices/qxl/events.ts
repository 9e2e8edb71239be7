import {
  QXL_INTERRUPT_CLIENT, QXL_INTERRUPT_CLIENT_MONITORS_CONFIG, QXL_INTERRUPT_CURSOR, QXL_INTERRUPT_DISPLAY,
  QXL_INTERRUPT_ERROR, QXL_INTERRUPT_IO_CMD,
} from './constants.js';

/** A report event: what the guest did wrong, interrupts raised, host state dropped, spice warnings. */
export interface QxlEvent {
  readonly kind: string;
  readonly message: string;
}

/** Our bound on recorded events (a guest must not grow host memory without limit); later ones are only counted. */
export const MAX_EVENTS = 4096;

const IRQ_NAMES: readonly [number, string][] = [
  [QXL_INTERRUPT_DISPLAY, 'DISPLAY'],
  [QXL_INTERRUPT_CURSOR, 'CURSOR'],
  [QXL_INTERRUPT_IO_CMD, 'IO_CMD'],
  [QXL_INTERRUPT_ERROR, 'ERROR'],
  [QXL_INTERRUPT_CLIENT, 'CLIENT'],
  [QXL_INTERRUPT_CLIENT_MONITORS_CONFIG, 'CLIENT_MONITORS_CONFIG'],
];

/**
 * The names of the interrupt bits set, `|`-joined, or '0'. A plain loop: the filter-and-map with destructured
 * `[bit, name]` parameters made two arrays per interrupt and read each pair through the array iterator, and its
 * optimized code was thrown away once in a fresh process ("wrong map", docs/performance.md §13).
 */
export function irqNames(bits: number): string {
  let out = '';
  for (let i = 0; i < IRQ_NAMES.length; i++) {
    const e = IRQ_NAMES[i]!;
    if ((bits & e[0]) !== 0) out = out === '' ? e[1] : `${out}|${e[1]}`;
  }
  return out === '' ? '0' : out;
}

export interface EventsHost {
  readonly consoleId: number;
  readonly running: boolean;
  /** QXLRam.int_pending (a device write: dirty tracking sees it) and int_mask, as the RAM header holds them. */
  intPending: number;
  readonly intMask: number;
  guestBugSet: boolean;
  setIrq(level: boolean): void;
}

/** Events, the guest-bug state and interrupt delivery (QEMU qxl_set_guest_bug, qxl_send_events, qxl_update_irq). */
export class QxlEvents {
  readonly list: QxlEvent[] = [];
  dropped = 0;
  /** Events of each kind ever added, listed or dropped (reports keep exact counts past MAX_EVENTS). */
  readonly counts = new Map<string, number>();

  constructor(private readonly d: EventsHost) {}

  add(kind: string, message: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.list.length < MAX_EVENTS) this.list.push({ kind, message });
    else this.dropped++;
  }

  /** qxl_set_guest_bug: ERROR interrupt, sticky flag until RESET, and QEMU's message. */
  guestBug(msg: string): void {
    this.sendEvents(QXL_INTERRUPT_ERROR);
    this.d.guestBugSet = true;
    this.add('guest-bug', `qxl-${this.d.consoleId}: guest bug: ${msg}`);
  }

  /** qxl_send_events: OR into int_pending; the line is recomputed only when a bit is new. */
  sendEvents(bits: number): void {
    if (!this.d.running) {
      this.add('warning', 'qxl_send_events: spice-server bug: guest stopped, ignoring');
      return;
    }
    const old = this.d.intPending;
    this.d.intPending = (old | bits) >>> 0;
    if ((old & bits) === bits) return;
    const mask = this.d.intMask;
    this.add('irq', `qxl-${this.d.consoleId}: interrupt ${irqNames(bits & ~old)} (pending 0x${((old | bits) >>> 0).toString(16)}, mask 0x${mask.toString(16)})`);
    this.updateIrq();
  }

  /** qxl_update_irq: level = (int_pending & int_mask) != 0. */
  updateIrq(): void {
    this.d.setIrq((this.d.intPending & this.d.intMask) !== 0);
  }
}

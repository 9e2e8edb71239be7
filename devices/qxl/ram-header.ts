/**
 * BAR0 of a QXL device (qxl->vga.vram_ptr) with its RAM header, made on first use (docs/performance.md §25): the
 * memory, its device-side writer and the three rings the header holds. Until something reads or writes BAR0 the
 * header is in the state realize, machine reset and VM start leave it in — init_qxl_ram's words (hw/display/qxl.c)
 * with `intPendingUnbuilt` as int_pending (the CLIENT bit spice's display start sends on revision >= 4) — and no
 * pages back it. Only int_pending/int_mask accesses nobody observes (no onVramWrite hook) and a reset's
 * init_qxl_ram (`resetUnbuilt`) keep it unbuilt; everything else builds it first.
 */
import { GuestMemory } from '../memory/guest-memory.js';
import {
  QXL_COMMAND_RING_SIZE, QXL_COMMAND_SIZEOF, QXL_CURSOR_RING_SIZE, QXL_RAM_MAGIC, QXL_RELEASE_ITEM_SIZEOF,
  QXL_RELEASE_RING_SIZE, RAM_CMD_RING, RAM_CURSOR_RING, RAM_INT_MASK, RAM_INT_PENDING, RAM_MAGIC, RAM_RELEASE_RING,
  RING_NOTIFY_ON_PROD, RING_NUM_ITEMS,
} from './constants.js';
import { DeviceMemory, Space } from './memory.js';
import { Ring } from './ring.js';
import { QXL_RAM_HEADER_SIZE } from './rom.js';

/** What the header reads off its device (the QxlDevice, structurally). */
export interface RamHeaderHost {
  readonly qxl: { readonly ramSize: number };
  readonly ramHeaderOffset: number;
  /** Set when someone watches BAR0 writes: then every header write must really happen, to be reported. */
  readonly onVramWrite: unknown;
  markDirty(space: Space, off: number, len: number): void;
}

/** BAR0's memory, its writer and the rings in its RAM header: made together. */
export interface RamParts {
  readonly mem: GuestMemory;
  readonly writer: DeviceMemory;
  readonly rings: readonly [cmd: Ring, cursor: Ring, release: Ring];
}

export class QxlRamHeader {
  private built: RamParts | undefined;
  private intPendingUnbuilt = 0;

  constructor(private readonly host: RamHeaderHost) {}

  /** BAR0 with the header written (made now if it was not). */
  get parts(): RamParts {
    return this.built ?? this.build();
  }

  /** Whether the header was written into BAR0's pages (any use of BAR0 memory since the device was made). */
  get materialized(): boolean {
    return this.built !== undefined;
  }

  /**
   * init_qxl_ram's state written into zeroed pages: only its non-zero words (the magic, int_pending, each ring's
   * num_items and notify_on_prod = 1; SPICE_RING_INIT). Nobody saw these writes happen (no hook was set while the
   * header stayed unbuilt), so they are not reported to onVramWrite. One buffer backs both header pages.
   */
  private build(): RamParts {
    const host = this.host;
    const m = new GuestMemory();
    const writer = new DeviceMemory(Space.Ram, host.qxl.ramSize, m, (space, off, len) => host.markDirty(space, off, len));
    const h = host.ramHeaderOffset;
    const rings = [
      new Ring(writer, h + RAM_CMD_RING, QXL_COMMAND_RING_SIZE, QXL_COMMAND_SIZEOF),
      new Ring(writer, h + RAM_CURSOR_RING, QXL_CURSOR_RING_SIZE, QXL_COMMAND_SIZEOF),
      new Ring(writer, h + RAM_RELEASE_RING, QXL_RELEASE_RING_SIZE, QXL_RELEASE_ITEM_SIZEOF),
    ] as const;
    const parts: RamParts = { mem: m, writer, rings };
    this.built = parts;
    m.populate(h, h + QXL_RAM_HEADER_SIZE);
    m.write(h + RAM_MAGIC, 4, QXL_RAM_MAGIC);
    m.write(h + RAM_INT_PENDING, 4, this.intPendingUnbuilt);
    for (const r of rings) {
      m.write(r.base + RING_NUM_ITEMS, 4, r.capacity);
      m.write(r.base + RING_NOTIFY_ON_PROD, 4, 1);
    }
    return parts;
  }

  /**
   * init_qxl_ram (qxl_reset_state) on a header not built yet, when no hook would see its writes: the header stays
   * unbuilt, int_pending cleared (everything else init_qxl_ram writes is already in that state). False when the
   * caller must write the header.
   */
  resetUnbuilt(): boolean {
    if (this.built !== undefined || this.host.onVramWrite !== undefined) return false;
    this.intPendingUnbuilt = 0;
    return true;
  }

  /** QXLRam.int_pending. */
  get intPending(): number {
    const r = this.built;
    return r !== undefined ? r.mem.read(this.host.ramHeaderOffset + RAM_INT_PENDING, 4) : this.intPendingUnbuilt;
  }
  set intPending(v: number) {
    if (this.built === undefined && this.host.onVramWrite === undefined) this.intPendingUnbuilt = v;
    else this.parts.writer.write32(this.host.ramHeaderOffset + RAM_INT_PENDING, v);
  }

  /** QXLRam.int_mask: 0 in an unbuilt header (init_qxl_ram clears it and only the guest sets it). */
  get intMask(): number {
    const r = this.built;
    return r !== undefined ? r.mem.read(this.host.ramHeaderOffset + RAM_INT_MASK, 4) : 0;
  }
}

import { describe, expect, it } from 'vitest';
import {
  QXL_IO_CREATE_PRIMARY, QXL_IO_CREATE_PRIMARY_ASYNC, QXL_IO_DESTROY_PRIMARY, QXL_IO_DESTROY_SURFACE_ASYNC,
  QXL_IO_MEMSLOT_ADD, QXL_IO_MEMSLOT_DEL, QXL_IO_MONITORS_CONFIG_ASYNC, QXL_IO_NOTIFY_CMD, QXL_IO_RESET, QXL_IO_SET_MODE,
  QXL_IO_UPDATE_AREA, QXL_IO_UPDATE_AREA_ASYNC, QXL_IO_UPDATE_IRQ, QxlMode, RAM_CREATE_SURFACE, RAM_MEM_SLOT,
  RAM_UPDATE_AREA, RAM_UPDATE_SURFACE,
} from '../../devices/qxl/constants.js';
import { bugs, driverFor, hdr, RAM_INT_MASK, RAM_INT_PENDING, setHdr, setup } from './qxl-helpers.js';

function writeSlot(q: ReturnType<typeof setup>, start: number, end: number): void {
  const h = q.dev.ramHeaderOffset + RAM_MEM_SLOT;
  q.dev.ram.write64(h, start);
  q.dev.ram.write64(h + 8, end);
}

describe('QXL IO ports: QEMU 7.2 validation and guest-bug containment', () => {
  it('raises ERROR, records the message and ignores every port but RESET while a guest bug is set', () => {
    const q = setup();
    q.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 8);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: QXL_IO_MEMSLOT_ADD: val out of range']);
    expect(hdr(q.dev, RAM_INT_PENDING) & 0x8).toBe(0x8);
    expect(q.dev.guestBugSet).toBe(true);
    setHdr(q.dev, RAM_INT_MASK, 0x8);
    q.dev.ioWrite(QXL_IO_UPDATE_IRQ, 0);
    expect(q.dev.irqLevel).toBe(false); // ignored while in bug mode
    q.dev.ioWrite(QXL_IO_RESET, 0);
    expect(q.dev.guestBugSet).toBe(false);
    expect(hdr(q.dev, RAM_INT_PENDING)).toBe(0x10); // re-initialised, then the display restart's CLIENT event
  });

  it('refuses ports above FLUSH_RELEASE on revision 3 and unknown ports as unexpected', () => {
    const q = setup({ revision: 3 });
    q.dev.ioWrite(QXL_IO_MONITORS_CONFIG_ASYNC, 0);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: unsupported io 24 for revision 3']);
    const r = setup();
    r.dev.ioWrite(10, 0);
    expect(bugs(r.dev)).toEqual(['qxl-0: guest bug: ioport_write: unexpected ioport=0xa']);
  });

  it('in VGA mode ignores non-VGA ports but still completes ignored async ones with IO_CMD', () => {
    const q = setup({}, { vga: true });
    expect(q.dev.mode).toBe(QxlMode.Vga);
    q.dev.ioWrite(QXL_IO_UPDATE_AREA_ASYNC, 0);
    expect(hdr(q.dev, RAM_INT_PENDING)).toBe(0x14);
    expect(bugs(q.dev)).toEqual([]);
  });

  it('splits a 16-bit OUT into byte writes at consecutive ports, as QEMU does for 1-byte regions', () => {
    const q = setup();
    q.dev.barWrite(3, QXL_IO_MEMSLOT_DEL, 2, 0x0908); // port 9 <- 8 (bug: out of range)
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: QXL_IO_MEMSLOT_DEL: val out of range']);
    expect(q.dev.barRead(3, 0, 1)).toBe(0xff);
  });

  it('allows one async IO at a time', () => {
    const q = setup();
    q.dev.asyncMode = 'deferred';
    setHdr(q.dev, RAM_UPDATE_AREA + 8, 4); // bottom
    setHdr(q.dev, RAM_UPDATE_AREA + 12, 4); // right
    q.dev.ioWrite(QXL_IO_UPDATE_AREA_ASYNC, 0);
    expect(q.dev.currentAsync).toBe(QXL_IO_UPDATE_AREA_ASYNC);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY_ASYNC, 0);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: 12 async started before last (16) complete']);
  });

  it('treats an empty update area as a no-op that clears the bug and completes the async IO', () => {
    const q = setup();
    q.dev.ioWrite(QXL_IO_UPDATE_AREA_ASYNC, 0); // all-zero rect
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: QXL_IO_UPDATE_AREA: invalid area (0x0)x(0x0)']);
    expect(q.dev.guestBugSet).toBe(false);
    expect(hdr(q.dev, RAM_INT_PENDING) & 0x4).toBe(0x4);
    setHdr(q.dev, RAM_UPDATE_AREA, 0xffffffff); // top = -1
    setHdr(q.dev, RAM_UPDATE_AREA + 8, 5);
    setHdr(q.dev, RAM_UPDATE_AREA + 12, 5);
    q.dev.ioWrite(QXL_IO_UPDATE_AREA, 0);
    expect(q.dev.guestBugSet).toBe(true);
    const r = setup({ surfaces: 16 });
    setHdr(r.dev, RAM_UPDATE_SURFACE, 17);
    r.dev.ioWrite(QXL_IO_UPDATE_AREA, 0);
    expect(bugs(r.dev)).toEqual(['qxl-0: guest bug: QXL_IO_UPDATE_AREA: invalid surface id 17']);
  });

  it('accepts memslots only inside BAR0, BAR1 or BAR4 as mapped', () => {
    const q = setup();
    const bar1 = q.dev.barAddress(1);
    writeSlot(q, bar1, bar1 + 0x1000);
    q.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 2);
    expect(q.dev.memslots.slots[2]!.active).toBe(true);
    q.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 2);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: QXL_IO_MEMSLOT_ADD: memory slot already active']);
    const r = setup();
    writeSlot(r, 0x1000, 0x2000);
    r.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 1);
    expect(bugs(r.dev)).toEqual(['qxl-0: guest bug: qxl_add_memslot: finished loop without match']);
    const s = setup();
    writeSlot(s, bar1 + 0x2000, bar1 + 0x1000);
    s.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 1);
    expect(bugs(s.dev)).toEqual([`qxl-0: guest bug: qxl_add_memslot: guest_start > guest_end 0x${(bar1 + 0x2000).toString(16)} > 0x${(bar1 + 0x1000).toString(16)}`]);
  });

  it('checks QXLPHYSICALs as QEMU 7.2 does (slot range, active, size, overrun)', () => {
    const q = setup();
    const ms = q.dev.memslots;
    expect(ms.resolve(0, 9 << 24, 8)).toBeUndefined();
    expect(ms.resolve(0, 3 << 24, 8)).toBeUndefined();
    const bar1 = q.dev.barAddress(1);
    writeSlot(q, bar1, bar1 + 0x1000);
    q.dev.guestBugSet = false;
    q.dev.ioWrite(QXL_IO_MEMSLOT_ADD, 2);
    expect(ms.resolve(0x800, 2 << 24, 16)).toEqual({ target: q.dev.vramMem, offset: 0x800 });
    expect(ms.resolve(0x1001, 2 << 24, 1)).toBeUndefined();
    // the slot is 4 KiB but the region (all of vram) goes on: only the region end limits the size
    const last = q.dev.qxl.vram64Size - 8;
    expect(ms.resolve(0xff8, 2 << 24, last)).toBeUndefined();
    expect(bugs(q.dev)).toEqual([
      'qxl-0: guest bug: slot too large 9 >= 8',
      'qxl-0: guest bug: inactive slot 3',
      'qxl-0: guest bug: slot 2 offset 4097 > size 4096',
      `qxl-0: guest bug: slot 2 offset 4088 size ${last}: overrun by ${0xff8 - 8} bytes`,
    ]);
  });

  it('SET_MODE enters compat mode with slot 0 = BAR0 at delta BAR0 base and a bottom-up 32 bpp primary', () => {
    const q = setup();
    q.dev.ioWrite(QXL_IO_SET_MODE, 1); // 640x480x32
    const base = q.dev.barAddress(0);
    expect(q.dev.mode).toBe(QxlMode.Compat);
    expect(q.dev.cmdflags).toBe(1);
    expect(q.dev.memslots.slots[0]).toMatchObject({ active: true, delta: base, memStart: base, memEnd: base + q.dev.qxl.ramSize });
    expect(q.dev.primary).toMatchObject({ width: 640, height: 480, stride: -2560, format: 32 });
    expect(q.dev.server.surfaces.get(0)?.view.stride).toBe(-2560);
    expect(new DataView(q.dev.rom.buffer).getUint32(20, true)).toBe(1);
    q.dev.ioWrite(QXL_IO_SET_MODE, 128);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: mode number out of range']);
  });

  it('refuses a primary larger than vgamem, a stride not multiple of 4, and flags a second create', () => {
    const q = setup();
    const cs = (w: number, h: number, stride: number): void => {
      [w, h, stride].forEach((v, i) => setHdr(q.dev, RAM_CREATE_SURFACE + 4 * i, v));
      setHdr(q.dev, RAM_CREATE_SURFACE + 12, 32);
    };
    cs(4096, 4096, 16384);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY, 0);
    expect(bugs(q.dev).pop()).toBe('qxl-0: guest bug: qxl_create_guest_primary: requested primary larger than framebuffer stride 16384 x height 4096 > 16777216');
    q.dev.ioWrite(QXL_IO_RESET, 0);
    cs(10, 10, 42);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY, 0);
    expect(bugs(q.dev).pop()).toBe('qxl-0: guest bug: primary surface stride = 42 % 4 != 0');
    q.dev.ioWrite(QXL_IO_RESET, 0);
    cs(10, 10, 40);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY, 0);
    expect(q.dev.mode).toBe(QxlMode.Native);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY, 0);
    expect(bugs(q.dev).pop()).toBe('qxl-0: guest bug: qxl_create_guest_primary: nop since already in QXL_MODE_NATIVE');
    q.dev.ioWrite(QXL_IO_RESET, 0);
    q.dev.ioWrite(QXL_IO_CREATE_PRIMARY, 1);
    expect(bugs(q.dev).pop()).toBe('qxl-0: guest bug: QXL_IO_CREATE_PRIMARY (async=0): val != 0');
  });

  it('ignores DESTROY_PRIMARY in UNDEFINED mode and cancels a bad DESTROY_SURFACE_ASYNC with IO_CMD', () => {
    const q = setup({ surfaces: 8 });
    q.dev.ioWrite(QXL_IO_DESTROY_PRIMARY, 0);
    expect(bugs(q.dev)).toEqual([]);
    setHdr(q.dev, RAM_INT_PENDING, 0);
    q.dev.ioWrite(QXL_IO_DESTROY_SURFACE_ASYNC, 8);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: QXL_IO_DESTROY_SURFACE (async=1):8 >= NUM_SURFACES']);
    expect(hdr(q.dev, RAM_INT_PENDING)).toBe(0xc); // ERROR and the cancelled async's IO_CMD
    expect(q.dev.currentAsync).toBe(-1);
  });

  it('computes the INTx level as (int_pending & int_mask) != 0 on UPDATE_IRQ', () => {
    const q = setup();
    const levels: boolean[] = [];
    q.dev.onIrq = (l) => levels.push(l);
    setHdr(q.dev, RAM_INT_MASK, 0x10);
    q.dev.ioWrite(QXL_IO_UPDATE_IRQ, 0);
    setHdr(q.dev, RAM_INT_PENDING, 0);
    q.dev.ioWrite(QXL_IO_UPDATE_IRQ, 0);
    expect(levels).toEqual([true, false]);
  });

  it('drains the command ring on NOTIFY_CMD and asks for the next notification (notify_on_prod = prod + 1)', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    drv.fill(0, { top: 0, left: 0, bottom: 2, right: 2 }, 1);
    drv.fill(0, { top: 0, left: 0, bottom: 2, right: 2 }, 2);
    expect(hdr(q.dev, 4108 + 4)).toBe(2); // prod
    expect(hdr(q.dev, 4108 + 12)).toBe(2); // cons
    expect(hdr(q.dev, 4108 + 8)).toBe(3); // notify_on_prod
    setHdr(q.dev, 4108, 0); // num_items corrupted: index mask becomes all ones
    setHdr(q.dev, 4108 + 4, 40);
    setHdr(q.dev, 4108 + 12, 39);
    q.dev.ioWrite(QXL_IO_NOTIFY_CMD, 0);
    expect(bugs(q.dev)).toEqual(['qxl-0: guest bug: SPICE_RING_CONS_ITEM indices mismatch 39 >= 32']);
  });
});

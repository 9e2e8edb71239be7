import {
  NUM_MEMSLOTS, QXL_COMMAND_FLAG_COMPAT, QXL_COMMAND_FLAG_COMPAT_16BPP, QXL_INTERRUPT_IO_CMD, QXL_IO_CREATE_PRIMARY,
  QXL_IO_CREATE_PRIMARY_ASYNC, QXL_IO_DESTROY_ALL_SURFACES, QXL_IO_DESTROY_ALL_SURFACES_ASYNC, QXL_IO_DESTROY_PRIMARY,
  QXL_IO_DESTROY_PRIMARY_ASYNC, QXL_IO_DESTROY_SURFACE_ASYNC, QXL_IO_DESTROY_SURFACE_WAIT, QXL_IO_FLUSH_RELEASE,
  QXL_IO_FLUSH_SURFACES_ASYNC, QXL_IO_LOG, QXL_IO_MEMSLOT_ADD, QXL_IO_MEMSLOT_ADD_ASYNC, QXL_IO_MEMSLOT_DEL,
  QXL_IO_MONITORS_CONFIG_ASYNC, QXL_IO_NOTIFY_CMD, QXL_IO_NOTIFY_CURSOR, QXL_IO_NOTIFY_OOM, QXL_IO_RANGE_SIZE,
  QXL_IO_RESET, QXL_IO_SET_MODE, QXL_IO_UPDATE_AREA, QXL_IO_UPDATE_AREA_ASYNC, QXL_IO_UPDATE_IRQ, QXL_LOG_BUF_SIZE,
  QXL_MODE_SIZEOF, QXL_HEAD_SIZEOF, QXL_MONITORS_CONFIG_SIZEOF, QXL_ROM_SIZEOF, QXL_UNDEFINED_IO, QxlMode, RAM_LOG_BUF, RAM_MEM_SLOT,
  RAM_MONITORS_CONFIG, RAM_UPDATE_AREA, RAM_UPDATE_SURFACE, ROM_MODE, SPICE_SURFACE_FMT_32_xRGB,
} from './constants.js';
import { wakeup } from './commands.js';
import type { QxlDevice } from './device.js';
import { createPrimary, readCreateSurface } from './primary.js';
import { destroyPrimary, hardReset } from './lifecycle.js';
import { makePhys } from './memslots.js';
import { readStruct } from './memory.js';

/** Ports still acted on in VGA mode (QEMU ioport_write's first switch). */
const VGA_MODE_PORTS = new Set([
  QXL_IO_RESET, QXL_IO_SET_MODE, QXL_IO_MEMSLOT_ADD, QXL_IO_MEMSLOT_DEL, QXL_IO_CREATE_PRIMARY, QXL_IO_UPDATE_IRQ,
  QXL_IO_LOG, QXL_IO_MEMSLOT_ADD_ASYNC, QXL_IO_CREATE_PRIMARY_ASYNC,
]);

/** Async port -> the synchronous port whose handler it shares. */
const ASYNC_BASE = new Map([
  [QXL_IO_UPDATE_AREA_ASYNC, QXL_IO_UPDATE_AREA],
  [QXL_IO_MEMSLOT_ADD_ASYNC, QXL_IO_MEMSLOT_ADD],
  [QXL_IO_CREATE_PRIMARY_ASYNC, QXL_IO_CREATE_PRIMARY],
  [QXL_IO_DESTROY_PRIMARY_ASYNC, QXL_IO_DESTROY_PRIMARY],
  [QXL_IO_DESTROY_SURFACE_ASYNC, QXL_IO_DESTROY_SURFACE_WAIT],
  [QXL_IO_DESTROY_ALL_SURFACES_ASYNC, QXL_IO_DESTROY_ALL_SURFACES],
  [QXL_IO_FLUSH_SURFACES_ASYNC, QXL_IO_FLUSH_SURFACES_ASYNC],
  [QXL_IO_MONITORS_CONFIG_ASYNC, QXL_IO_MONITORS_CONFIG_ASYNC],
]);

/** interface_async_complete_io: the outstanding async IO is done; IO_CMD tells the guest. */
export function completeAsync(d: QxlDevice): void {
  d.asyncPending = false;
  d.currentAsync = QXL_UNDEFINED_IO;
  d.sendEvents(QXL_INTERRUPT_IO_CMD);
}

/** The cancel_async path: validation refused the IO, IO_CMD is raised anyway so that the guest does not hang. */
function cancelAsync(d: QxlDevice, async: boolean): void {
  if (!async) return;
  d.sendEvents(QXL_INTERRUPT_IO_CMD);
  d.currentAsync = QXL_UNDEFINED_IO;
}

/** Spice accepted the IO; an async one completes now or, in deferred mode, on completeAsync(). */
function accepted(d: QxlDevice, async: boolean): void {
  if (!async) return;
  if (d.asyncMode === 'immediate') completeAsync(d);
  else d.asyncPending = true;
}

/**
 * How QEMU 7.2 ioport_write takes a write to `port` in the device's current state, before acting on it:
 * 'handled:<mode>' where trace_qxl_io_write fires (mode before the write), 'ignored-vga' where
 * trace_qxl_io_unexpected_vga_mode fires, 'refused' for the early returns (guest_bug set, port past the
 * revision's range, an async IO while another is outstanding).
 */
export function ioDisposition(d: QxlDevice, port: number): string {
  if (d.dead !== undefined || port >= d.qxl.ioSize) return 'refused'; // past the IO BAR: not the device's port
  if (d.guestBugSet && port !== QXL_IO_RESET) return 'refused';
  if (d.qxl.revision <= 3 && port > QXL_IO_FLUSH_RELEASE) return 'refused';
  if (!VGA_MODE_PORTS.has(port) && d.mode === QxlMode.Vga) return 'ignored-vga';
  if (ASYNC_BASE.has(port) && d.currentAsync !== QXL_UNDEFINED_IO) return 'refused';
  return `handled:${d.modeName}`;
}

/** QEMU 7.2 ioport_write, processed synchronously (the spice worker's share included). */
export function ioportWrite(d: QxlDevice, port: number, val: number): void {
  if (d.dead !== undefined) return;
  if (d.guestBugSet && port !== QXL_IO_RESET) return;
  if (d.qxl.revision <= 3 && port > QXL_IO_FLUSH_RELEASE) {
    d.guestBug(`unsupported io ${port} for revision ${d.qxl.revision}`);
    return;
  }
  if (!VGA_MODE_PORTS.has(port) && d.mode === QxlMode.Vga) {
    // "be nice to buggy guest drivers": ignored async ports still complete
    if (port >= QXL_IO_UPDATE_AREA_ASYNC && port < QXL_IO_RANGE_SIZE) d.sendEvents(QXL_INTERRUPT_IO_CMD);
    return;
  }
  const base = ASYNC_BASE.get(port);
  const async = base !== undefined;
  const io = base ?? port;
  if (async) {
    if (d.currentAsync !== QXL_UNDEFINED_IO) {
      d.guestBug(`${io} async started before last (${d.currentAsync}) complete`);
      return;
    }
    d.currentAsync = port;
  }
  const m = d.ramMem;
  const h = d.ramHeaderOffset;
  switch (io) {
    case QXL_IO_UPDATE_AREA: {
      const surface = m.read32(h + RAM_UPDATE_SURFACE);
      const a = readStruct(m, h + RAM_UPDATE_AREA, 16);
      const area = { top: a.getInt32(0, true), left: a.getInt32(4, true), bottom: a.getInt32(8, true), right: a.getInt32(12, true) };
      if (surface > d.numSurfaces) {
        d.guestBug(`QXL_IO_UPDATE_AREA: invalid surface id ${surface}`);
        return;
      }
      if (area.left >= area.right || area.top >= area.bottom || area.left < 0 || area.top < 0) {
        const u = (v: number): number => v >>> 0;
        d.guestBug(`QXL_IO_UPDATE_AREA: invalid area (${u(area.left)}x${u(area.top)})x(${u(area.right)}x${u(area.bottom)})`);
        if (area.left === area.right || area.top === area.bottom) {
          d.guestBugSet = false; // old drivers may provide an empty area: keep going
          cancelAsync(d, async);
        }
        return;
      }
      wakeup(d); // spice flushes the display commands first
      d.server.updateArea(surface, area);
      return accepted(d, async);
    }
    case QXL_IO_NOTIFY_CMD:
    case QXL_IO_NOTIFY_CURSOR:
      return wakeup(d);
    case QXL_IO_UPDATE_IRQ:
      return d.log.updateIrq();
    case QXL_IO_NOTIFY_OOM:
      if (!d.releaseRing.isEmpty()) return;
      d.release.oomRunning = true;
      wakeup(d);
      if (d.release.flushResources() === 0) {
        for (let i = 0; i < 64 && d.server.pending.length > 0; i++) d.server.renderDrawable(d.server.pending[0]!); // free_some
        d.release.flushResources();
      }
      d.release.oomRunning = false;
      return;
    case QXL_IO_SET_MODE:
      return setMode(d, val);
    case QXL_IO_LOG:
      if (d.qxl.guestdebug !== 0) d.event('log', `qxl/guest-${d.consoleId}: ${logText(d)}`);
      return;
    case QXL_IO_RESET:
      return hardReset(d);
    case QXL_IO_MEMSLOT_ADD: {
      if (val >= NUM_MEMSLOTS) return d.guestBug('QXL_IO_MEMSLOT_ADD: val out of range');
      if (d.memslots.slots[val]!.active) return d.guestBug('QXL_IO_MEMSLOT_ADD: memory slot already active');
      const s = readStruct(m, h + RAM_MEM_SLOT, 16);
      const u64 = (o: number): number => s.getUint32(o + 4, true) * 0x1_0000_0000 + s.getUint32(o, true);
      if (d.memslots.add(val, u64(0), u64(8), 0)) accepted(d, async);
      return;
    }
    case QXL_IO_MEMSLOT_DEL: {
      if (val >= NUM_MEMSLOTS) return d.guestBug('QXL_IO_MEMSLOT_DEL: val out of range');
      // qxl_del_memslot -> spice memslot_info_del_slot: only the slot's range goes (new addresses through it fail
      // with "virtual address out of range"); drawables spice already parsed keep their host pointers and are
      // still drawn and released (recorded: memslot-del-pending).
      const s = d.memslots.slots[val]!;
      const held = s.active && s.target !== undefined ? d.server.objects.size : 0;
      if (held > 0) d.event('memslot', `qxl-${d.consoleId}: memslot ${val} deleted while spice holds ${held} objects (they stay valid)`);
      return d.memslots.del(val);
    }
    case QXL_IO_CREATE_PRIMARY:
      if (val !== 0) {
        d.guestBug(`QXL_IO_CREATE_PRIMARY (async=${async ? 1 : 0}): val != 0`);
        return cancelAsync(d, async);
      }
      if (createPrimary(d, readCreateSurface(d))) accepted(d, async);
      return;
    case QXL_IO_DESTROY_PRIMARY:
      if (val !== 0) {
        d.guestBug(`QXL_IO_DESTROY_PRIMARY (async=${async ? 1 : 0}): val != 0`);
        return cancelAsync(d, async);
      }
      if (!destroyPrimary(d)) return cancelAsync(d, async);
      return accepted(d, async);
    case QXL_IO_DESTROY_SURFACE_WAIT:
      if (val >= d.numSurfaces) {
        d.guestBug(`QXL_IO_DESTROY_SURFACE (async=${async ? 1 : 0}):${val} >= NUM_SURFACES`);
        return cancelAsync(d, async);
      }
      if (!async && val !== 0) {
        // spice handle_dev_destroy_surface_wait: spice_return_if_fail(msg->surface_id == 0) aborts; only the
        // async form (handle_dev_destroy_surface_wait_async) takes any surface.
        d.fatal('destroy-surface-wait-nonzero', String(val));
        return;
      }
      wakeup(d);
      d.server.destroySurfaceWait(val);
      return accepted(d, async);
    case QXL_IO_FLUSH_RELEASE:
      if (d.release.isFull()) d.event('warning', `ERROR: no flush, full release ring [p${d.releaseRing.prod},${d.releaseRing.cons}c]`);
      return d.release.push(true);
    case QXL_IO_FLUSH_SURFACES_ASYNC:
      wakeup(d);
      d.server.flushAll();
      return accepted(d, async);
    case QXL_IO_DESTROY_ALL_SURFACES:
      d.mode = QxlMode.Undefined;
      wakeup(d);
      d.server.destroyAllSurfaces();
      d.server.resetCursor();
      d.primary = undefined;
      return accepted(d, async);
    case QXL_IO_MONITORS_CONFIG_ASYNC: {
      const lo = m.read32(h + RAM_MONITORS_CONFIG);
      const hi = m.read32(h + RAM_MONITORS_CONFIG + 4);
      d.guestHead0 = undefined;
      // spice's worker reads it first (red-worker.cpp handle_dev_monitors_config_async): one head's worth
      // (qxl_monitors_config_size(1)), count and max_allowed checked, then again at the full size. A bad pointer
      // is a spice warning only (recorded: monitors-config-bad-pointer).
      const sp = d.memslots.spiceResolve(lo, hi, QXL_MONITORS_CONFIG_SIZEOF + QXL_HEAD_SIZEOF);
      if (sp !== undefined) {
        const c = readStruct(sp.target, sp.offset, QXL_MONITORS_CONFIG_SIZEOF + QXL_HEAD_SIZEOF);
        const count = c.getUint16(0, true);
        const max = c.getUint16(2, true);
        const func = 'handle_dev_monitors_config_async';
        if (count === 0) d.spiceWarning(func, 'ignoring an empty monitors config message from driver');
        else if (count > max) d.spiceWarning(func, `ignoring malformed monitors_config from driver, count > max_allowed ${count} > ${max}`);
        else if (d.memslots.spiceResolve(lo, hi, QXL_MONITORS_CONFIG_SIZEOF + count * QXL_HEAD_SIZEOF) !== undefined && count === 1) {
          d.guestHead0 = { width: c.getUint32(4 + 8, true), height: c.getUint32(4 + 12, true) }; // QXLHead {id, surface_id, width, height, x, y, flags}
        }
      }
      // QEMU looks the config up for itself too; a bad pointer is a guest bug there.
      d.memslots.resolve(lo, hi, QXL_MONITORS_CONFIG_SIZEOF);
      return accepted(d, async);
    }
    default:
      d.guestBug(`ioport_write: unexpected ioport=0x${io.toString(16)}`);
  }
}

/** The guest's log_buf, at most 4096 bytes, not trusted to be NUL-terminated. */
function logText(d: QxlDevice): string {
  const buf = new Uint8Array(QXL_LOG_BUF_SIZE);
  d.ramMem.readBytes(d.ramHeaderOffset + RAM_LOG_BUF, buf);
  const end = buf.indexOf(0);
  return String.fromCharCode(...buf.subarray(0, end < 0 ? buf.length : end));
}

/** qxl_set_mode (qxl-1 compat): hard reset, slot 0 = all of BAR0 with delta = its base, a bottom-up 32 bpp primary. */
function setMode(d: QxlDevice, modenr: number): void {
  const base = d.barAddress(0);
  const start = base < 0 ? 2 ** 64 - 1 : base; // QEMU: PCI_BAR_UNMAPPED
  const end = base < 0 ? d.barSize(0) - 1 : base + d.barSize(0);
  const nModes = new DataView(d.rom.buffer).getUint32(QXL_ROM_SIZEOF, true);
  if (modenr >= nModes) return d.guestBug('mode number out of range');
  const mode = new DataView(d.rom.buffer, QXL_ROM_SIZEOF + 4 + modenr * QXL_MODE_SIZEOF, QXL_MODE_SIZEOF);
  const x = mode.getUint32(4, true);
  const y = mode.getUint32(8, true);
  const bits = mode.getUint32(12, true);
  hardReset(d);
  if (!d.memslots.add(0, start, end, start)) return d.guestBug("device isn't initialized yet");
  const mem = makePhys(0, base < 0 ? 0 : base);
  createPrimary(d, { width: x, height: y, stride: -x * 4, format: SPICE_SURFACE_FMT_32_xRGB, flags: 0, memLo: mem.lo, memHi: mem.hi });
  d.mode = QxlMode.Compat;
  d.cmdflags = QXL_COMMAND_FLAG_COMPAT | (bits === 16 ? QXL_COMMAND_FLAG_COMPAT_16BPP : 0);
  new DataView(d.shadowRom.buffer).setUint32(ROM_MODE, modenr, true);
  new DataView(d.rom.buffer).setUint32(ROM_MODE, modenr, true);
}

import {
  CCMD_SET_SHAPE, CCMD_TYPE, QXL_CMD_CURSOR, QXL_CMD_DRAW, QXL_CMD_MESSAGE, QXL_CMD_SURFACE, QXL_CMD_UPDATE,
  QXL_COMMAND_FLAG_COMPAT, QXL_CURSOR_CMD_SIZEOF, QXL_CURSOR_HIDE,
  QXL_CURSOR_MOVE, QXL_CURSOR_SET, QXL_CURSOR_SIZEOF, QXL_CURSOR_TRAIL, QXL_INTERRUPT_CURSOR, QXL_INTERRUPT_DISPLAY,
  QXL_SURF_FLAG_KEEP_DATA, QXL_SURFACE_CMD_CREATE, QXL_SURFACE_CMD_DESTROY, QXL_SURFACE_CMD_SIZEOF, SCMD_DATA,
  SCMD_FLAGS, SCMD_FORMAT, SCMD_HEIGHT, SCMD_STRIDE, SCMD_SURFACE_ID, SCMD_TYPE, SCMD_WIDTH,
} from './constants.js';
import { COMPAT_DRAWABLE, DRAWABLE } from './draw-layout.js';
import { parseDrawable } from './drawing.js';
import { readStruct } from './memory.js';
import type { Ring } from './ring.js';
import { validSurfaceGeometry } from './render.js';
import type { ServerHost, SpiceServer } from './server.js';

/** QXLUpdateCmd {release_info u64, area QXLRect, update_id u32, surface_id u32} (spice/qxl_dev.h). */
const QXL_UPDATE_CMD_SIZEOF = 32;

/** Our bound on commands taken per wakeup (spice bounds its loop by time; a guest's garbage prod must not spin us). */
export const MAX_COMMANDS_PER_WAKEUP = 1024;

export interface CommandHost extends ServerHost {
  readonly cmdRing: Ring;
  readonly cursorRing: Ring;
  readonly server: SpiceServer;
  /** COMPAT, NATIVE or UNDEFINED mode: the only modes in which QEMU hands ring commands to spice. */
  readonly consuming: boolean;
  readonly guestBugSet: boolean;
  readonly cmdflags: number;
  /** qxl-vga (QEMU have_vga): interface_get_cursor_command also hands the command to qxl_render_cursor. */
  readonly vga: boolean;
  guestBug(msg: string): void;
  sendEvents(bits: number): void;
}

/**
 * Drains a ring the way QEMU's interface_get_command / interface_get_cursor_command feed spice's worker: the
 * display ring stops while guest_bug is set; each pop that reaches notify_on_cons raises the ring's interrupt;
 * an empty ring gets notify_on_prod = prod + 1 (req_*_notification).
 */
function drain(h: CommandHost, ring: Ring, cursor: boolean): void {
  for (let n = 0; n < MAX_COMMANDS_PER_WAKEUP; n++) {
    if (h.dead !== undefined || !h.consuming) return;
    if (!cursor && h.guestBugSet) {
      // interface_get_command returns false while guest_bug is set; spice then asks for a notification
      // (interface_req_cmd_notification: SPICE_RING_CONS_WAIT), re-arming notify_on_prod if the ring is empty
      // (recorded: guest-bug-rearms-notify).
      ring.consWait();
      return;
    }
    if (ring.isEmpty()) {
      if (ring.consWait()) return;
      continue;
    }
    const idx = ring.consIndex();
    if (idx >= ring.capacity) {
      h.guestBug(`SPICE_RING_CONS_ITEM indices mismatch ${idx} >= ${ring.capacity}`);
      return;
    }
    // QXLCommand {data u64, type u32, padding u32}
    const lo = ring.itemWord(idx, 0);
    const hi = ring.itemWord(idx, 4);
    const type = ring.itemWord(idx, 8);
    if (ring.pop()) h.sendEvents(cursor ? QXL_INTERRUPT_CURSOR : QXL_INTERRUPT_DISPLAY);
    if (cursor) cursorCommand(h, lo, hi, type);
    else displayCommand(h, lo, hi, type);
  }
}

/** qemu_spice_wakeup: the worker drains both rings. */
export function wakeup(h: CommandHost): void {
  drain(h, h.cmdRing, false);
  drain(h, h.cursorRing, true);
}

/** One display-ring command: QEMU's qxl_track_command checks, then spice-server's processing. */
function displayCommand(h: CommandHost, lo: number, hi: number, type: number): void {
  switch (type) {
    case QXL_CMD_DRAW:
      return drawCommand(h, lo, hi);
    case QXL_CMD_SURFACE:
      return surfaceCommand(h, lo, hi);
    case QXL_CMD_UPDATE:
      return updateCommand(h, lo, hi);
    case QXL_CMD_MESSAGE: {
      // spice red_message_new reads it (logged only in DEBUG builds); released when the message is freed.
      const loc = h.memslots.spiceResolve(lo, hi, 8);
      if (loc === undefined) return;
      h.server.releaseObject(h.server.track('other', loc, 8));
      return;
    }
    default:
      // NOP, CURSOR and unknown types: red_process_display's default case is spice_error("bad command type").
      if (type === QXL_CMD_CURSOR) h.memslots.resolve(lo, hi, QXL_CURSOR_CMD_SIZEOF); // QEMU tracks it first
      h.fatal('bad-command-type', String(type));
  }
}

/**
 * QXL_CMD_UPDATE (spice red_process_display): an invalid surface is a warning; otherwise display_channel_draw
 * draws what is pending over the area (its spice_return_if_fail on an empty or negative area aborts), QEMU's
 * interface_notify_update prints "deprecated", and the command is released.
 */
function updateCommand(h: CommandHost, lo: number, hi: number): void {
  const loc = h.memslots.spiceResolve(lo, hi, QXL_UPDATE_CMD_SIZEOF);
  if (loc === undefined) return;
  const dv = readStruct(loc.target, loc.offset, QXL_UPDATE_CMD_SIZEOF);
  const area = { top: dv.getInt32(8, true), left: dv.getInt32(12, true), bottom: dv.getInt32(16, true), right: dv.getInt32(20, true) };
  const surfaceId = dv.getUint32(28, true);
  const obj = h.server.track('other', loc, QXL_UPDATE_CMD_SIZEOF);
  if (surfaceId >= h.numSurfaces || !h.server.surfaces.has(surfaceId)) {
    h.spiceWarning('red_process_display', 'Invalid surface in QXL_CMD_UPDATE');
  } else if (area.left < 0 || area.top < 0 || area.left >= area.right || area.top >= area.bottom) {
    h.fatal('update-empty-area', `${area.left},${area.top} ${area.right},${area.bottom}`);
    return;
  } else {
    h.server.updateArea(surfaceId, area);
    h.event('warning', 'interface_notify_update: deprecated');
  }
  h.server.releaseObject(obj);
}

function drawCommand(h: CommandHost, lo: number, hi: number): void {
  const layout = (h.cmdflags & QXL_COMMAND_FLAG_COMPAT) !== 0 ? COMPAT_DRAWABLE : DRAWABLE;
  const loc = h.memslots.spiceResolve(lo, hi, layout.size);
  if (loc === undefined) return; // no release: spice never got a valid release_info
  const spec = parseDrawable(h.server.resolver, loc, layout);
  const reject = (msg: string, func = 'red_process_display'): void => {
    h.spiceWarning(func, msg);
    h.server.releaseObject(h.server.track('drawable', loc, layout.size));
  };
  if (typeof spec === 'string') return reject(`invalid drawable: ${spec}`);
  if (spec.surfaceId >= h.numSurfaces) return reject(`invalid surface_id ${spec.surfaceId}`);
  if (!h.server.surfaces.has(spec.surfaceId)) return reject(`surface ${spec.surfaceId} is NULL`, 'display_channel_validate_surface');
  for (const dep of spec.deps) if (dep >= h.numSurfaces || !h.server.surfaces.has(dep)) return reject(`source surface ${dep} doesn't exist`);
  h.server.addDrawable(loc, layout.size, spec);
}

function surfaceCommand(h: CommandHost, lo: number, hi: number): void {
  const qloc = h.memslots.resolve(lo, hi, QXL_SURFACE_CMD_SIZEOF);
  if (qloc === undefined) return;
  const dv = readStruct(qloc.target, qloc.offset, QXL_SURFACE_CMD_SIZEOF);
  const id = dv.getUint32(SCMD_SURFACE_ID, true);
  const kind = dv.getUint8(SCMD_TYPE);
  const stride = dv.getInt32(SCMD_STRIDE, true);
  let refused = false;
  if (id >= h.numSurfaces) {
    h.guestBug(`QXL_CMD_SURFACE id ${id} >= ${h.numSurfaces}`);
    refused = true;
  } else if (kind === QXL_SURFACE_CMD_CREATE && (stride & 3) !== 0) {
    h.guestBug(`QXL_CMD_SURFACE stride = ${stride} % 4 != 0`); // spice itself still creates it
  }
  const loc = h.memslots.spiceResolve(lo, hi, QXL_SURFACE_CMD_SIZEOF);
  if (loc === undefined) return;
  const obj = h.server.track('surface-cmd', loc, QXL_SURFACE_CMD_SIZEOF);
  const done = (msg?: string): void => {
    if (msg !== undefined) h.spiceWarning('display_channel_process_surface_cmd', msg);
    h.server.releaseObject(obj);
  };
  if (refused) return done();
  if (kind === QXL_SURFACE_CMD_DESTROY) {
    if (!h.server.surfaces.has(id)) return done('avoiding destroying a surface twice');
    h.server.destroySurface(id);
    return done();
  }
  if (kind !== QXL_SURFACE_CMD_CREATE) return done(`bad surface command type ${kind}`);
  const width = dv.getUint32(SCMD_WIDTH, true);
  const height = dv.getUint32(SCMD_HEIGHT, true);
  const format = dv.getUint32(SCMD_FORMAT, true);
  if (!validSurfaceGeometry(width, height, stride, format)) return done(`invalid surface ${id}: ${width}x${height} stride ${stride} format ${format}`);
  const data = h.memslots.spiceResolve(dv.getUint32(SCMD_DATA, true), dv.getUint32(SCMD_DATA + 4, true), height * Math.abs(stride));
  if (data === undefined) return done(); // memslot_validate_virt said why
  if ((stride & 3) !== 0 && !h.server.surfaces.has(id)) {
    // display_channel_create_surface -> canvas_create_for_data: pixman refuses the stride and returns NULL,
    // which the sw canvas dereferences (recorded: SIGSEGV after pixman's "*** BUG ***").
    h.fatal('pixman-stride', String(stride));
    return;
  }
  if (h.server.surfaces.has(id)) return done('avoiding creating a surface twice');
  const keep = (dv.getUint32(SCMD_FLAGS, true) & QXL_SURF_FLAG_KEEP_DATA) !== 0;
  h.server.createSurface(id, { target: data.target, offset: data.offset, width, height, stride, format }, keep, obj);
}

function cursorCommand(h: CommandHost, lo: number, hi: number, type: number): void {
  if (type !== QXL_CMD_CURSOR) {
    h.spiceWarning('red_process_cursor', 'bad command type'); // a warning on this ring, unlike the display ring
    return;
  }
  // qxl_track_command looks the command up; with have_vga qxl_render_cursor looks it up again, so a bad address
  // is two guest-bug messages on qxl-vga and one on qxl (recorded: cursor-bad-command*). Spice still gets it.
  h.memslots.resolve(lo, hi, QXL_CURSOR_CMD_SIZEOF);
  if (h.vga) h.memslots.resolve(lo, hi, QXL_CURSOR_CMD_SIZEOF);
  const loc = h.memslots.spiceResolve(lo, hi, QXL_CURSOR_CMD_SIZEOF);
  if (loc === undefined) return;
  const dv = readStruct(loc.target, loc.offset, QXL_CURSOR_CMD_SIZEOF);
  const kind = dv.getUint8(CCMD_TYPE);
  const obj = h.server.track('cursor', loc, QXL_CURSOR_CMD_SIZEOF);
  if (kind === QXL_CURSOR_SET) {
    const shape = h.memslots.spiceResolve(dv.getUint32(CCMD_SET_SHAPE, true), dv.getUint32(CCMD_SET_SHAPE + 4, true), QXL_CURSOR_SIZEOF);
    if (shape === undefined) {
      h.server.releaseObject(obj);
      return;
    }
    h.server.resetCursor(); // the previous shape is released when replaced
    h.server.cursor = obj;
    return;
  }
  if (kind !== QXL_CURSOR_MOVE && kind !== QXL_CURSOR_HIDE && kind !== QXL_CURSOR_TRAIL) h.spiceWarning('red_get_cursor_cmd', `unknown type ${kind}`);
  h.server.releaseObject(obj);
}

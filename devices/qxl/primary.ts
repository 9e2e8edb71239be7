import {
  QxlMode, RAM_CREATE_SURFACE, SC_FLAGS, SC_FORMAT, SC_HEIGHT, SC_MEM, SC_STRIDE, SC_WIDTH, QXL_SURF_FLAG_KEEP_DATA,
  QXL_SURFACE_CREATE_SIZEOF,
} from './constants.js';
import type { PrimarySurface, QxlDevice } from './device.js';
import { exitVga } from './lifecycle.js';
import { readStruct } from './memory.js';
import { validSurfaceGeometry } from './render.js';

/** Copies ram.create_surface (QXLSurfaceCreate) as QEMU does for CREATE_PRIMARY. */
export function readCreateSurface(d: QxlDevice): PrimarySurface {
  const v = readStruct(d.ramMem, d.ramHeaderOffset + RAM_CREATE_SURFACE, QXL_SURFACE_CREATE_SIZEOF);
  return {
    width: v.getUint32(SC_WIDTH, true),
    height: v.getUint32(SC_HEIGHT, true),
    stride: v.getInt32(SC_STRIDE, true),
    format: v.getUint32(SC_FORMAT, true),
    flags: v.getUint32(SC_FLAGS, true),
    memLo: v.getUint32(SC_MEM, true),
    memHi: v.getUint32(SC_MEM + 4, true),
  };
}

/**
 * qxl_create_guest_primary: QEMU's checks (size against vgamem, already NATIVE, stride % 4), then spice's
 * create-primary (geometry and memslot validation). Returns whether the request reached spice.
 */
export function createPrimary(d: QxlDevice, ps: PrimarySurface): boolean {
  if (ps.stride === -0x8000_0000 || Math.abs(ps.stride) * ps.height > d.qxl.vgamemSize) {
    d.guestBug(`qxl_create_guest_primary: requested primary larger than framebuffer stride ${ps.stride} x height ${ps.height} > ${d.qxl.vgamemSize}`);
    return false;
  }
  if (d.mode === QxlMode.Native) d.guestBug('qxl_create_guest_primary: nop since already in QXL_MODE_NATIVE');
  exitVga(d);
  if ((ps.stride & 3) !== 0) {
    d.guestBug(`primary surface stride = ${ps.stride} % 4 != 0`);
    return false;
  }
  d.mode = QxlMode.Native;
  d.cmdflags = 0;
  d.primary = ps;
  if (!validSurfaceGeometry(ps.width, ps.height, ps.stride, ps.format)) {
    d.spiceWarning('dev_create_primary_surface', 'wrong primary surface creation request');
    return true;
  }
  const loc = d.memslots.spiceResolve(ps.memLo, ps.memHi, ps.height * Math.abs(ps.stride));
  if (loc === undefined) return true;
  // display_channel_create_surface: spice_warn_if_fail(!surfaces[0]) when the guest creates over a live primary
  // (recorded: create-primary-twice); the new one replaces it.
  if (d.server.surfaces.has(0)) d.spiceWarning('display_channel_create_surface', "condition `!display->priv->surfaces[surface_id]' failed");
  const view = { target: loc.target, offset: loc.offset, width: ps.width, height: ps.height, stride: ps.stride, format: ps.format };
  d.server.createSurface(0, view, (ps.flags & QXL_SURF_FLAG_KEEP_DATA) !== 0, undefined);
  return true;
}

import {
  QXL_INTERRUPT_CLIENT, QXL_RAM_MAGIC, QXL_RAM_RANGE_INDEX, QXL_VRAM64_RANGE_INDEX, QXL_VRAM_RANGE_INDEX, QXL_UNDEFINED_IO, QxlMode, RAM_INT_MASK, RAM_INT_PENDING, RAM_MAGIC,
  RAM_MONITORS_CONFIG, RAM_UPDATE_SURFACE, ROM_UPDATE_ID,
} from './constants.js';
import { wakeup } from './commands.js';
import type { QxlDevice } from './device.js';
import { Space } from './memory.js';

/** The BARs a memslot can sit in (RAM, VRAM, VRAM64): the ones barMappingsChanged checks. */
const MEMSLOT_BARS: readonly number[] = [QXL_RAM_RANGE_INDEX, QXL_VRAM_RANGE_INDEX, QXL_VRAM64_RANGE_INDEX];

/** init_qxl_ram: magic, interrupts cleared, update_surface and monitors_config zeroed, the three rings reset. */
export function initRam(d: QxlDevice): void {
  // An unbuilt header is in this state already, but for int_pending (QxlDevice.buildHeader).
  if (d.resetRamHeader()) return;
  const m = d.ramMem;
  const h = d.ramHeaderOffset;
  m.write32(h + RAM_MAGIC, QXL_RAM_MAGIC);
  m.write32(h + RAM_INT_PENDING, 0);
  m.write32(h + RAM_INT_MASK, 0);
  m.write32(h + RAM_UPDATE_SURFACE, 0);
  m.write64(h + RAM_MONITORS_CONFIG, 0);
  d.cmdRing.init();
  d.cursorRing.init();
  d.releaseRing.init();
  m.write64(d.releaseRing.itemOffset(d.releaseRing.prodIndex()), 0);
}

/** qxl_reset_state: ROM restored from the shadow copy (update_id 0), RAM header re-initialised, IRQ recomputed. */
export function resetState(d: QxlDevice): void {
  // A ROM not built yet is already in the state this restores (QxlDevice.rom): it stays unbuilt.
  if (d.romMaterialized) {
    new DataView(d.shadowRom.buffer).setUint32(ROM_UPDATE_ID, 0, true);
    d.rom.set(d.shadowRom);
  }
  initRam(d);
  d.release.reset();
  d.log.updateIrq();
}

/** qxl_enter_vga_mode (the VGA console takes over; the spice driver is unloaded). */
export function enterVga(d: QxlDevice): void {
  if (d.mode === QxlMode.Vga) return;
  d.mode = QxlMode.Vga;
}

/** qxl_destroy_primary: false (nothing done) in UNDEFINED mode. */
export function destroyPrimary(d: QxlDevice): boolean {
  if (d.mode === QxlMode.Undefined) return false;
  // In VGA mode spice's surface 0 is QEMU's host primary (qemu_spice_create_host_primary), which the model
  // does not keep: leaving VGA destroys it quietly.
  const wasVga = d.mode === QxlMode.Vga;
  d.mode = QxlMode.Undefined;
  d.primary = undefined;
  if (!wasVga && !d.server.surfaces.has(0)) {
    // spice destroy_primary_surface: QEMU had a primary that spice refused (bad address or geometry): spice
    // warns and returns before flushing or resetting the cursor (recorded: primary-bad-address).
    d.spiceWarning('display_channel_validate_surface', 'surface 0 is NULL');
    d.spiceWarning('destroy_primary_surface', 'double destroy of primary surface');
    return true;
  }
  // spice destroy_primary_surface: flush the rings, drop what refers to surface 0, destroy it; then the cursor.
  wakeup(d);
  d.server.destroySurface(0);
  d.server.resetCursor();
  d.primary = undefined;
  return true;
}

/** qxl_exit_vga_mode: leaving VGA destroys any primary synchronously. */
export function exitVga(d: QxlDevice): void {
  if (d.mode !== QxlMode.Vga) return;
  destroyPrimary(d);
}

/** qxl_soft_reset: guest_bug cleared, no async outstanding, VGA mode for qxl-vga, else UNDEFINED. */
export function softReset(d: QxlDevice): void {
  d.guestBugSet = false;
  d.currentAsync = QXL_UNDEFINED_IO;
  d.asyncPending = false;
  if (d.vga) enterVga(d);
  else d.mode = QxlMode.Undefined;
}

/** The spice display starts: spice-server's worker reports "no client" capabilities (revision >= 4 only). */
function displayStart(d: QxlDevice): void {
  d.running = true;
  if (d.clientCapsSupported) d.sendEvents(QXL_INTERRUPT_CLIENT);
}

/**
 * qxl_hard_reset (QXL_IO_RESET, machine reset, SET_MODE): display stopped, cursor/image cache/surfaces/memslots
 * reset, state re-initialised, soft reset, display restarted. Host records of guest objects are dropped unreleased.
 */
export function hardReset(d: QxlDevice): void {
  const wasRunning = d.running;
  // qxl_hard_reset stops the display first: spice handle_dev_stop -> display_channel_flush_all_surfaces draws
  // every pending drawable (recorded: reset-pending); their releases vanish with the ring's re-initialisation.
  // A server or memslot table not made yet holds nothing: it is already what the reset makes of it.
  const server = d.serverIfBuilt;
  const memslots = d.memslotsIfBuilt;
  if (wasRunning) server?.flushAll();
  d.running = false;
  const objects = server?.objects.size ?? 0;
  const surfaces = server?.surfaces.size ?? 0;
  let slots = 0;
  if (memslots !== undefined) for (const s of memslots.slots) if (s.active) slots++;
  server?.reset();
  d.mode = QxlMode.Undefined;
  memslots?.reset();
  d.primary = undefined; // cmdflags survive a reset, as in QEMU (only create-primary and SET_MODE set them)
  if (objects + surfaces + slots > 0) {
    d.event('reset', `qxl-${d.consoleId}: hard reset dropped ${objects} host objects, ${surfaces} surfaces, ${slots} memslots`);
  }
  resetState(d);
  softReset(d);
  d.resetCount++;
  if (wasRunning) displayStart(d);
}

/** The VM starts running (qxl_vm_change_state_handler, then spice's display start). */
export function vmStart(d: QxlDevice): void {
  d.running = true;
  d.log.updateIrq();
  displayStart(d);
}

/** The VM stops: every live surface is marked dirty so that migration copies its pixels (qxl_dirty_surfaces). */
export function vmStop(d: QxlDevice): void {
  if (d.mode === QxlMode.Native || d.mode === QxlMode.Compat) {
    for (const r of d.server.surfaceRanges()) d.markDirty(r.target.space, r.offset, r.length);
  }
  d.running = false;
}

/** qxl_vga_ioport_write: a legacy VGA register write outside VGA mode drops back to VGA on revisions <= 4. */
export function vgaPortWrite(d: QxlDevice): void {
  if (d.mode !== QxlMode.Vga && d.qxl.revision <= 4) {
    destroyPrimary(d);
    softReset(d);
  }
}

/** checkMappings: memslots whose BAR moved or stopped decoding are dropped with the host state inside them. */
export function barMappingsChanged(d: QxlDevice): void {
  // Runs on every config write that may remap (BAR sizing included): a constant list and a plain loop.
  for (const bar of MEMSLOT_BARS) {
    const a = d.bars[bar] !== undefined ? d.barAddress(bar) : -1;
    const was = d.mappedBars[bar]!;
    if (a === was) continue;
    d.mappedBars[bar] = a;
    const slots = d.memslotsIfBuilt?.slots;
    if (slots === undefined) continue; // no memslot table made: no slot is active
    for (let id = 0; id < slots.length; id++) {
      const s = slots[id]!;
      if (!s.active || s.bar !== bar || s.barBase === a) continue;
      s.active = false;
      const gone = d.server.dropMemory(s.target!.space, s.regionOffset, s.regionOffset + s.size);
      const where = a < 0 ? 'stopped decoding' : `moved to 0x${a.toString(16)}`;
      d.event('unmapped', `qxl-${d.consoleId}: BAR${bar} (was 0x${was.toString(16)}) ${where} under memslot ${id}: slot dropped with ${gone.objects} objects, ${gone.surfaces} surfaces`);
    }
  }
}

/** Guest RAM was freed: host records of objects living there (memslots in guest RAM) are dropped. */
export function guestRamFreed(d: QxlDevice, gpa: number, len: number): void {
  const gone = d.server.dropMemory(Space.Dma, gpa, gpa + len);
  if (gone.objects + gone.surfaces > 0) {
    d.event('unmapped', `qxl-${d.consoleId}: guest RAM 0x${gpa.toString(16)}+0x${len.toString(16)} freed: dropped ${gone.objects} objects, ${gone.surfaces} surfaces`);
  }
}

/**
 * QXL facts: identities, structure offsets, ports, bits. Sources: docs/qxl.md and docs/qxl.md §15 (spice-protocol
 * spice/qxl_dev.h, spice/ipc_ring.h, spice/enums.h; QEMU 7.2 hw/display/qxl.c). Offsets are of packed structs.
 */

import { ROM_BAR_SIZES } from '../catalogue/facts.js';

// ---- identity (docs/qxl.md §1; QEMU qxl_pci_class_init, pci.c default subsystem) ----
export const REDHAT_PCI_VENDOR_ID = 0x1b36;
export const QXL_DEVICE_ID_STABLE = 0x0100;
export const PCI_CLASS_DISPLAY_VGA = 0x0300; // qxl-vga
export const PCI_CLASS_DISPLAY_OTHER = 0x0380; // qxl
/** QEMU's default subsystem ids when a class sets none (PCI_SUBVENDOR_ID_REDHAT_QUMRANET / PCI_SUBDEVICE_ID_QEMU). */
export const QEMU_SUBSYSTEM_VENDOR = 0x1af4;
export const QEMU_SUBSYSTEM_ID = 0x1100;
export const QXL_DEFAULT_REVISION = 5; // docs/qxl.md §1 (default since QEMU 5.0)
export const QXL_MAX_REVISION = 5;
/** IO BAR size by revision 1..5 (docs/qxl.md §1 table; QEMU qxl_realize_common). Index 0 unused. */
export const QXL_IO_SIZE_BY_REVISION = [0, 8, 16, 32, 32, 32] as const;

// ---- BAR indices (docs/qxl.md §2) ----
export const QXL_RAM_RANGE_INDEX = 0;
export const QXL_VRAM_RANGE_INDEX = 1;
export const QXL_ROM_RANGE_INDEX = 2;
export const QXL_IO_RANGE_INDEX = 3;
export const QXL_VRAM64_RANGE_INDEX = 4;

// ---- sizes (docs/qxl.md §2, docs/qxl.md §3.1, docs/qxl.md §4) ----
export const MiB = 1024 * 1024;
export const QXL_PAGE_SIZE = 4096;
export const QXL_ROM_SIZE = 8192; // QEMU qxl_rom_size: required 5900 rounded to the 4 KiB host page, = 8192
export const QXL_VGA_ROMFILE = 'vgabios-qxl.bin'; // qxl-vga's k->romfile (QEMU qxl_primary_class_init)
/** vgabios-qxl.bin's ROM BAR: the catalogue's ROM-size table is the one place for it (docs/firmware-seabios.md §9). */
export const QXL_VGA_ROM_SIZE = ROM_BAR_SIZES[QXL_VGA_ROMFILE]!;
export const QXL_VGA_BIOS_BYTES = 39936; // vgabios-qxl.bin's size (docs/firmware-seabios.md §9)
export const QXL_ROM_SIZEOF = 1160;
export const QXL_RAM_SIZEOF = 5348;
export const QXL_MODE_SIZEOF = 32;

// ---- QXLRom field offsets (docs/qxl.md §3.1) ----
export const ROM_MAGIC = 0;
export const ROM_ID = 4;
export const ROM_UPDATE_ID = 8;
export const ROM_COMPRESSION_LEVEL = 12;
export const ROM_LOG_LEVEL = 16;
export const ROM_MODE = 20;
export const ROM_MODES_OFFSET = 24;
export const ROM_NUM_PAGES = 28;
export const ROM_PAGES_OFFSET = 32;
export const ROM_DRAW_AREA_OFFSET = 36;
export const ROM_SURFACE0_AREA_SIZE = 40;
export const ROM_RAM_HEADER_OFFSET = 44;
export const ROM_N_SURFACES = 52;
export const ROM_SLOTS_START = 64;
export const ROM_SLOTS_END = 65;
export const ROM_SLOT_GEN_BITS = 66;
export const ROM_SLOT_ID_BITS = 67;
export const ROM_SLOT_GENERATION = 68;
export const ROM_CLIENT_PRESENT = 69;
export const ROM_CLIENT_MONITORS_CONFIG_CRC = 128;
export const ROM_CLIENT_MONITORS_CONFIG = 132; // {count u16, padding u16, heads[64] QXLURect{top,left,bottom,right}}
export const ROM_CLIENT_MONITORS_CONFIG_SIZEOF = 4 + 64 * 16;
export const QXL_ROM_MAGIC = 0x4f525851; // "QXRO"
export const QXL_RAM_MAGIC = 0x41525851; // "QXRA"

// ---- QXLRam field offsets (docs/qxl.md §4) ----
export const RAM_MAGIC = 0;
export const RAM_INT_PENDING = 4;
export const RAM_INT_MASK = 8;
export const RAM_LOG_BUF = 12;
export const QXL_LOG_BUF_SIZE = 4096;
export const RAM_CMD_RING = 4108;
export const RAM_CURSOR_RING = 4640;
export const RAM_RELEASE_RING = 5172;
export const RAM_UPDATE_AREA = 5256; // QXLRect {top, left, bottom, right} i32
export const RAM_UPDATE_SURFACE = 5272;
export const RAM_MEM_SLOT = 5276; // {mem_start u64, mem_end u64}
export const RAM_CREATE_SURFACE = 5292; // QXLSurfaceCreate
export const RAM_FLAGS = 5332;
export const RAM_MONITORS_CONFIG = 5340;

// ---- rings (docs/qxl.md §5) ----
export const RING_NUM_ITEMS = 0;
export const RING_PROD = 4;
export const RING_NOTIFY_ON_PROD = 8;
export const RING_CONS = 12;
export const RING_NOTIFY_ON_CONS = 16;
export const RING_ITEMS = 20;
export const QXL_COMMAND_RING_SIZE = 32;
export const QXL_CURSOR_RING_SIZE = 32;
export const QXL_RELEASE_RING_SIZE = 8;
export const QXL_COMMAND_SIZEOF = 16; // {data u64, type u32, padding u32}
export const QXL_RELEASE_ITEM_SIZEOF = 8;
export const QXL_FREE_BUNCH_SIZE = 32; // docs/qxl.md §6

// ---- QXLSurfaceCreate offsets (docs/qxl.md §10.1) ----
export const SC_WIDTH = 0;
export const SC_HEIGHT = 4;
export const SC_STRIDE = 8;
export const SC_FORMAT = 12;
export const SC_POSITION = 16;
export const SC_MOUSE_MODE = 20;
export const SC_FLAGS = 24;
export const SC_TYPE = 28;
export const SC_MEM = 32;
export const QXL_SURFACE_CREATE_SIZEOF = 40;

// ---- IO ports (docs/qxl.md §8.1; enum order in spice/qxl_dev.h) ----
export const QXL_IO_NOTIFY_CMD = 0;
export const QXL_IO_NOTIFY_CURSOR = 1;
export const QXL_IO_UPDATE_AREA = 2;
export const QXL_IO_UPDATE_IRQ = 3;
export const QXL_IO_NOTIFY_OOM = 4;
export const QXL_IO_RESET = 5;
export const QXL_IO_SET_MODE = 6;
export const QXL_IO_LOG = 7;
export const QXL_IO_MEMSLOT_ADD = 8;
export const QXL_IO_MEMSLOT_DEL = 9;
export const QXL_IO_DETACH_PRIMARY = 10;
export const QXL_IO_ATTACH_PRIMARY = 11;
export const QXL_IO_CREATE_PRIMARY = 12;
export const QXL_IO_DESTROY_PRIMARY = 13;
export const QXL_IO_DESTROY_SURFACE_WAIT = 14;
export const QXL_IO_DESTROY_ALL_SURFACES = 15;
export const QXL_IO_UPDATE_AREA_ASYNC = 16;
export const QXL_IO_MEMSLOT_ADD_ASYNC = 17;
export const QXL_IO_CREATE_PRIMARY_ASYNC = 18;
export const QXL_IO_DESTROY_PRIMARY_ASYNC = 19;
export const QXL_IO_DESTROY_SURFACE_ASYNC = 20;
export const QXL_IO_DESTROY_ALL_SURFACES_ASYNC = 21;
export const QXL_IO_FLUSH_SURFACES_ASYNC = 22;
export const QXL_IO_FLUSH_RELEASE = 23;
export const QXL_IO_MONITORS_CONFIG_ASYNC = 24;
export const QXL_IO_RANGE_SIZE = 25;
/** No async IO outstanding (QEMU QXL_UNDEFINED_IO). */
export const QXL_UNDEFINED_IO = -1;

// ---- interrupts (docs/qxl.md §7) ----
export const QXL_INTERRUPT_DISPLAY = 1 << 0;
export const QXL_INTERRUPT_CURSOR = 1 << 1;
export const QXL_INTERRUPT_IO_CMD = 1 << 2;
export const QXL_INTERRUPT_ERROR = 1 << 3;
export const QXL_INTERRUPT_CLIENT = 1 << 4;
export const QXL_INTERRUPT_CLIENT_MONITORS_CONFIG = 1 << 5;

// ---- memslots (docs/qxl.md §9; QEMU ui/spice-display.h) ----
export const NUM_MEMSLOTS = 8;
export const MEMSLOT_GENERATION_BITS = 8;
export const MEMSLOT_SLOT_BITS = 8;
export const QXL_PHYS_OFFSET_BITS = 48;

// ---- device modes (docs/qxl.md §10.2) ----
export const enum QxlMode {
  Undefined = 0,
  Vga = 1,
  Compat = 2,
  Native = 3,
}
export const QXL_MODE_NAMES = ['undefined', 'vga', 'compat', 'native'] as const;

// ---- command types and flags (docs/qxl.md §10.1; spice/qxl_dev.h) ----
export const QXL_CMD_NOP = 0;
export const QXL_CMD_DRAW = 1;
export const QXL_CMD_UPDATE = 2;
export const QXL_CMD_CURSOR = 3;
export const QXL_CMD_MESSAGE = 4;
export const QXL_CMD_SURFACE = 5;
export const QXL_COMMAND_FLAG_COMPAT = 1;
export const QXL_COMMAND_FLAG_COMPAT_16BPP = 2;
export const QXL_SURF_FLAG_KEEP_DATA = 1;
export const QXL_SURF_TYPE_PRIMARY = 0;

// ---- QXLSurfaceCmd (41 bytes, docs/qxl.md §10.1) ----
export const SCMD_SURFACE_ID = 8;
export const SCMD_TYPE = 12;
export const SCMD_FLAGS = 13;
export const SCMD_FORMAT = 17;
export const SCMD_WIDTH = 21;
export const SCMD_HEIGHT = 25;
export const SCMD_STRIDE = 29;
export const SCMD_DATA = 33;
export const QXL_SURFACE_CMD_SIZEOF = 41;
export const QXL_SURFACE_CMD_CREATE = 0;
export const QXL_SURFACE_CMD_DESTROY = 1;

// ---- QXLCursorCmd (spice/qxl_dev.h: release_info 8, type u8, union 13, device_data[128]) ----
export const CCMD_TYPE = 8;
export const QXL_CURSOR_CMD_SIZEOF = 8 + 1 + 13 + 128;
export const QXL_CURSOR_SET = 0;
export const QXL_CURSOR_MOVE = 1;
export const QXL_CURSOR_HIDE = 2;
export const QXL_CURSOR_TRAIL = 3;
export const CCMD_SET_SHAPE = 14; // u.set {position QXLPoint16 @9, visible u8 @13, shape QXLPHYSICAL @14}
export const QXL_CURSOR_SIZEOF = 18 + 4 + 20; // QXLCursor {QXLCursorHeader, data_size u32, QXLDataChunk}

// ---- SPICE surface formats (docs/qxl.md §10.1; spice/enums.h SpiceSurfaceFmt) ----
export const SPICE_SURFACE_FMT_1_A = 1;
export const SPICE_SURFACE_FMT_8_A = 8;
export const SPICE_SURFACE_FMT_16_555 = 16;
export const SPICE_SURFACE_FMT_32_xRGB = 32;
export const SPICE_SURFACE_FMT_16_565 = 80;
export const SPICE_SURFACE_FMT_32_ARGB = 96;

// ---- QXLMonitorsConfig (docs/qxl.md §8.1 port 24): {count u16, max_allowed u16, heads[] QXLHead 28 bytes} ----
export const QXL_MONITORS_CONFIG_SIZEOF = 4;
export const QXL_HEAD_SIZEOF = 28;

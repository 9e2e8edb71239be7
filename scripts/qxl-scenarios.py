#!/usr/bin/env python3
"""Writes the QXL replay scenarios (test/fixtures/qxl-replay/*.script.json) that scripts/record-qxl.py replays
against real QEMU 7.2 + spice-server and `vfio-sim qxl-replay` replays against the model.

Structure layouts: spice-protocol spice/qxl_dev.h (packed). Port numbers: enum QXL_IO_* in the same header.
Default props as QEMU 7.2 builds qxl-vga/qxl: ram_size 64 MiB (BAR0), vram 64 MiB (BAR1), ROM 8 KiB (BAR2).
"""
import json
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'qxl-replay')

BAR0, BAR1, BAR2, BAR3 = 0x80000000, 0x84000000, 0x88000000, 0xc000
RAM_SIZE = 64 << 20
HDR = BAR0 + RAM_SIZE - 8192  # QEMU init_qxl_rom: ram_header_offset = vram_size - ALIGN(sizeof(QXLRam), 4096)
CMD_RING, CURSOR_RING, RELEASE_RING = HDR + 4108, HDR + 4640, HDR + 5172
UPDATE_AREA, UPDATE_SURFACE, MEM_SLOT, CREATE_SURFACE = HDR + 5256, HDR + 5272, HDR + 5276, HDR + 5292
INT_MASK = HDR + 8

IO = dict(NOTIFY_CMD=0, NOTIFY_CURSOR=1, UPDATE_AREA=2, UPDATE_IRQ=3, NOTIFY_OOM=4, RESET=5, SET_MODE=6, LOG=7,
          MEMSLOT_ADD=8, MEMSLOT_DEL=9, CREATE_PRIMARY=12, DESTROY_PRIMARY=13, DESTROY_SURFACE_WAIT=14,
          DESTROY_ALL_SURFACES=15, UPDATE_AREA_ASYNC=16, MEMSLOT_ADD_ASYNC=17, CREATE_PRIMARY_ASYNC=18,
          DESTROY_PRIMARY_ASYNC=19, DESTROY_SURFACE_ASYNC=20, FLUSH_SURFACES_ASYNC=22, FLUSH_RELEASE=23,
          MONITORS_CONFIG_ASYNC=24)
CMD_NOP, CMD_DRAW, CMD_UPDATE, CMD_CURSOR, CMD_MESSAGE, CMD_SURFACE = 0, 1, 2, 3, 4, 5
SLOT = 1  # drivers use rom->slots_start (1)
OBJ = BAR0 + 0x100000  # guest objects (drawables, surface commands) live in BAR0 after the primary


def phys(addr, slot=SLOT, gen=0):
    """QXLPHYSICAL: slot in bits 63..56, generation 55..48, then the offset from the slot's start: QEMU
    qxl_add_memslot gives spice addr_delta = virt_start - delta with delta 0 for QXL_IO_MEMSLOT_ADD."""
    v = (slot << 56) | (gen << 48) | (addr - BAR0)
    return v & 0xffffffff, v >> 32


def w(gpa, data):
    return {'op': 'write', 'gpa': gpa, 'hex': data.hex()}


def out(port, val=0):
    return {'op': 'out', 'port': IO[port] if isinstance(port, str) else port, 'val': val}


def push(addr, typ, ring='cmd', slot=SLOT, gen=0):
    lo, hi = phys(addr, slot, gen)
    return {'op': 'push', 'ring': ring, 'type': typ, 'lo': lo, 'hi': hi}


def rect(top, left, bottom, right):
    return struct.pack('<4i', top, left, bottom, right)


def fill(addr, release_id, bbox, color, effect=1, surface=0):
    """QXLDrawable (191 bytes) with a solid QXLFill, rop PUT; effect 1 = QXL_EFFECT_OPAQUE."""
    b = bytearray(191)
    struct.pack_into('<Q', b, 0, release_id)
    struct.pack_into('<I', b, 8, surface)
    b[12] = effect
    b[13] = 1  # QXL_DRAW_FILL
    b[31:47] = rect(*bbox)
    struct.pack_into('<3i', b, 63, -1, -1, -1)
    struct.pack_into('<II', b, 123, 1, color)  # brush SOLID, color
    struct.pack_into('<H', b, 143, 1 << 3)  # SPICE_ROPD_OP_PUT
    return w(addr, bytes(b))


def surface_cmd(addr, release_id, sid, kind, width=0, height=0, stride=0, data=0, fmt=32, flags=0):
    b = bytearray(41)
    struct.pack_into('<QIB', b, 0, release_id, sid, kind)
    lo, hi = phys(data) if data else (0, 0)
    struct.pack_into('<IIIIiII', b, 13, flags, fmt, width, height, stride, lo, hi)
    return w(addr, bytes(b))


def update_cmd(addr, release_id, area, update_id=7, surface=0):
    """QXLUpdateCmd {release_info, area, update_id, surface_id} (32 bytes)."""
    return w(addr, struct.pack('<Q', release_id) + rect(*area) + struct.pack('<II', update_id, surface))


def cursor_cmd(addr, release_id, kind, shape=0):
    """QXLCursorCmd (150 bytes): release_info, type, u.set {position, visible, shape} / u.position."""
    b = bytearray(150)
    struct.pack_into('<QB', b, 0, release_id, kind)
    if kind == 0:  # QXL_CURSOR_SET
        b[13] = 1
        lo, hi = phys(shape) if shape else (0, 0)
        struct.pack_into('<II', b, 14, lo, hi)
    return w(addr, bytes(b))


def setup_native(width=64, height=64, mem=BAR0):
    """What a native driver does first: interrupts on, memslot 1 = all of BAR0, a 64x64 primary at BAR0 + 0."""
    lo, hi = phys(mem)
    create = struct.pack('<IIiIIIII', width, height, width * 4, 32, 0, 0, 0, 0) + struct.pack('<II', lo, hi)
    return [
        w(INT_MASK, struct.pack('<I', 0xffffffff)),
        w(MEM_SLOT, struct.pack('<QQ', BAR0, BAR0 + RAM_SIZE)),
        out('MEMSLOT_ADD', SLOT),
        w(CREATE_SURFACE, create),
        out('CREATE_PRIMARY', 0),
    ]


WATCH_PRIMARY = [{'name': 'primary-row0', 'gpa': BAR0, 'len': 16}]


def script(model, steps, init=None, props=None, watch=None):
    return {'model': model, 'props': props or {}, 'bars': {'0': BAR0, '1': BAR1, '2': BAR2, '3': BAR3},
            'init': setup_native() if init is None else init, 'watch': WATCH_PRIMARY if watch is None else watch,
            'steps': [{'label': l, 'ops': o} for l, o in steps]}


def update_area(area, surface=0):
    return [w(UPDATE_AREA, rect(*area)), w(UPDATE_SURFACE, struct.pack('<I', surface)), out('UPDATE_AREA', 0)]


A = OBJ
BAD = BAR0 + (64 << 20) + 0x1000  # beyond BAR0: outside slot 1

SCENARIOS = {
    'guest-bug-rearms-notify': script('qxl-vga', [
        ('surface-id-too-big', [surface_cmd(A, 0xc001, 5000, 0, 16, 16, 64, BAR0 + 0x200000), push(A, CMD_SURFACE),
                                out('NOTIFY_CMD')]),
        ('fill-after-bug', [fill(A + 0x200, 0xc002, (0, 0, 4, 4), 9), push(A + 0x200, CMD_DRAW), out('NOTIFY_CMD')]),
        ('reset', [out('RESET')]),
    ]),
    'cursor-bad-address': script('qxl-vga', [
        ('cursor-set-bad-shape', [cursor_cmd(A, 0xd001, 0, BAD), push(A, CMD_CURSOR, ring='cursor'),
                                  out('NOTIFY_CURSOR')]),
    ]),
    'cursor-bad-address-qxl': script('qxl', [
        ('cursor-set-bad-shape', [cursor_cmd(A, 0xd101, 0, BAD), push(A, CMD_CURSOR, ring='cursor'),
                                  out('NOTIFY_CURSOR')]),
    ]),
    'cursor-bad-command': script('qxl-vga', [
        ('cursor-cmd-out-of-slot', [push(BAD, CMD_CURSOR, ring='cursor'), out('NOTIFY_CURSOR')]),
    ]),
    'cursor-bad-command-qxl': script('qxl', [
        ('cursor-cmd-out-of-slot', [push(BAD, CMD_CURSOR, ring='cursor'), out('NOTIFY_CURSOR')]),
    ]),
    # BAR0 keeps what the firmware left there (spice never zeroes a primary it refused): no watch
    'primary-bad-address': script('qxl-vga', [
        ('destroy-primary', [out('DESTROY_PRIMARY', 0)]),
    ], init=setup_native(mem=BAD), watch=[]),
    'monitors-config-bad-pointer': script('qxl-vga', [
        ('monitors-config', [w(HDR + 5340, struct.pack('<II', *phys(BAD))), out('MONITORS_CONFIG_ASYNC')]),
        ('monitors-config-null', [w(HDR + 5340, bytes(8)), out('MONITORS_CONFIG_ASYNC')]),
    ]),
    'cmd-cursor-on-display-ring': script('qxl-vga', [
        ('cursor-type-on-cmd-ring', [cursor_cmd(A, 0xe001, 1), push(A, CMD_CURSOR), out('NOTIFY_CMD')]),
    ]),
    'fill-update': script('qxl-vga', [
        ('push-fill', [fill(A, 0x1001, (0, 0, 8, 8), 0x00ff0000), push(A, CMD_DRAW)]),
        ('notify', [out('NOTIFY_CMD')]),
        ('update-area', update_area((0, 0, 8, 8))),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ]),
    'occlusion': script('qxl-vga', [
        ('two-opaque-fills', [fill(A, 0x2001, (0, 0, 16, 16), 0x000000ff), push(A, CMD_DRAW),
                              fill(A + 0x200, 0x2002, (0, 0, 16, 16), 0x0000ff00), push(A + 0x200, CMD_DRAW),
                              out('NOTIFY_CMD')]),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ]),
    'destroy-primary-pending': script('qxl-vga', [
        ('three-fills', [fill(A, 0x3001, (0, 0, 4, 4), 1), push(A, CMD_DRAW),
                         fill(A + 0x200, 0x3002, (8, 8, 12, 12), 2), push(A + 0x200, CMD_DRAW),
                         fill(A + 0x400, 0x3003, (16, 16, 20, 20), 3), push(A + 0x400, CMD_DRAW),
                         out('NOTIFY_CMD')]),
        ('destroy-primary', [out('DESTROY_PRIMARY', 0)]),
        ('second-destroy-primary', [out('DESTROY_PRIMARY', 0)]),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ], watch=WATCH_PRIMARY + [{'name': f'release-info-{i}', 'gpa': A + 0x200 * i, 'len': 8} for i in range(3)]),
    'reset-pending': script('qxl-vga', [
        ('fill', [fill(A, 0x4001, (0, 0, 4, 4), 0x00ffffff), push(A, CMD_DRAW), out('NOTIFY_CMD')]),
        ('reset', [out('RESET')]),
    ]),
    'create-primary-twice': script('qxl', [
        ('create-again', [out('CREATE_PRIMARY', 0)]),
        ('reset', [out('RESET')]),
    ]),
    'vga-port-leaves-native': script('qxl-vga', [
        ('vga-out', [{'op': 'vga-out', 'port': 0x3c0, 'val': 0}]),
        ('notify-in-vga', [out('NOTIFY_CMD'), out('FLUSH_SURFACES_ASYNC')]),
    ]),
    'memslot-del-pending': script('qxl-vga', [
        ('fill', [fill(A, 0x5001, (0, 0, 8, 8), 0x00123456), push(A, CMD_DRAW), out('NOTIFY_CMD')]),
        ('memslot-del', [out('MEMSLOT_DEL', SLOT)]),
        ('update-area', update_area((0, 0, 8, 8))),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ]),
    'update-area-empty-io': script('qxl-vga', [
        ('empty-area-io', update_area((0, 0, 0, 8))),
        ('notify-after', [out('NOTIFY_CMD')]),
    ]),
    'fatal-stale-generation': script('qxl-vga', [
        ('ok-fill', [fill(A, 0x6001, (0, 0, 4, 4), 5), push(A, CMD_DRAW), out('NOTIFY_CMD')]),
        ('stale-gen', [fill(A + 0x200, 0x6002, (0, 0, 4, 4), 6), push(A + 0x200, CMD_DRAW, gen=1), out('NOTIFY_CMD')]),
        ('after', [out('NOTIFY_CMD')]),
    ]),
    'fatal-slot-9': script('qxl-vga', [
        ('slot-9', [fill(A, 0x7001, (0, 0, 4, 4), 5), push(A, CMD_DRAW, slot=9), out('NOTIFY_CMD')]),
    ]),
    'fatal-nop-command': script('qxl-vga', [
        ('nop', [push(A, CMD_NOP), out('NOTIFY_CMD')]),
    ]),
    'fatal-update-cmd-empty': script('qxl-vga', [
        ('update-empty', [update_cmd(A, 0x8001, (0, 0, 0, 0)), push(A, CMD_UPDATE), out('NOTIFY_CMD')]),
    ]),
    'update-cmd-draws': script('qxl-vga', [
        ('fill', [fill(A, 0x9001, (0, 0, 8, 8), 0x00abcdef), push(A, CMD_DRAW), out('NOTIFY_CMD')]),
        ('update-cmd', [update_cmd(A + 0x200, 0x9002, (0, 0, 8, 8)), push(A + 0x200, CMD_UPDATE), out('NOTIFY_CMD')]),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ], watch=WATCH_PRIMARY + [{'name': 'fill-release-info', 'gpa': A, 'len': 8}, {'name': 'update-release-info', 'gpa': A + 0x200, 'len': 8}]),
    'fatal-destroy-surface-wait-1': script('qxl-vga', [
        ('create-surface-1', [surface_cmd(A, 0xa001, 1, 0, 16, 16, 64, BAR0 + 0x200000), push(A, CMD_SURFACE),
                              out('NOTIFY_CMD')]),
        ('destroy-surface-wait-1', [out('DESTROY_SURFACE_WAIT', 1)]),
    ]),
    'destroy-surface-async-1': script('qxl-vga', [
        ('create-surface-1', [surface_cmd(A, 0xa101, 1, 0, 16, 16, 64, BAR0 + 0x200000), push(A, CMD_SURFACE),
                              out('NOTIFY_CMD')]),
        ('destroy-cmd', [surface_cmd(A + 0x100, 0xa102, 1, 1), push(A + 0x100, CMD_SURFACE), out('NOTIFY_CMD')]),
        ('destroy-surface-async-1', [out('DESTROY_SURFACE_ASYNC', 1)]),
        ('flush-release', [out('FLUSH_RELEASE')]),
    ]),
    'fatal-stride-130': script('qxl-vga', [
        ('create-stride-130', [surface_cmd(A, 0xb001, 1, 0, 32, 16, 130, BAR0 + 0x200000), push(A, CMD_SURFACE),
                               out('NOTIFY_CMD')]),
    ]),
}


def four_k_heads(vgamem_mb):
    """Two 3840x2160 heads side by side in one primary (7680x2160, stride 30720), as Linux qxl KMS lays out
    a multi-head desktop. BAR0 is raised by QEMU to 2 x vgamem, so the RAM header moves with it."""
    ram = max(64, 2 * vgamem_mb) << 20
    hdr = BAR0 + ram - 8192
    bars = {'0': BAR0, '1': BAR0 + ram, '2': BAR0 + ram + (64 << 20), '3': BAR3}
    lo, hi = phys(BAR0)
    create = struct.pack('<IIiIIIII', 7680, 2160, 7680 * 4, 32, 0, 0, 0, 0) + struct.pack('<II', lo, hi)
    init = [w(hdr + 8, struct.pack('<I', 0xffffffff)), w(hdr + 5276, struct.pack('<QQ', BAR0, BAR0 + ram)),
            out('MEMSLOT_ADD', SLOT)]
    return {'model': 'qxl-vga', 'props': {'vgamem_mb': vgamem_mb}, 'bars': bars, 'init': init, 'watch': [],
            'steps': [{'label': 'create-primary-2x4k', 'ops': [w(hdr + 5292, create), out('CREATE_PRIMARY', 0)]}]}


SCENARIOS['revision-3-port-gating'] = script('qxl-vga', [
    ('monitors-config-at-rev3', [out('MONITORS_CONFIG_ASYNC')]),
    ('notify-refused', [out('NOTIFY_CMD')]),
    ('reset', [out('RESET')]),
], props={'revision': 3})
SCENARIOS['vga-port-rev4-leaves-native'] = script('qxl-vga', [
    ('fill', [fill(A, 0xf001, (0, 0, 4, 4), 0x00445566), push(A, CMD_DRAW), out('NOTIFY_CMD')]),
    ('vga-out', [{'op': 'vga-out', 'port': 0x3c0, 'val': 0}]),
    ('notify-in-vga', [out('NOTIFY_CMD'), out('UPDATE_AREA_ASYNC')]),
], props={'revision': 4})
SCENARIOS['set-mode-compat'] = script('qxl-vga', [
    ('set-mode-3', [out('SET_MODE', 3)]),
    ('set-mode-out-of-range', [out('SET_MODE', 250)]),
], init=[w(INT_MASK, struct.pack('<I', 0xffffffff))], watch=[])
SCENARIOS['primary-2x4k-vgamem16'] = four_k_heads(16)
SCENARIOS['primary-2x4k-vgamem64'] = four_k_heads(64)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, s in SCENARIOS.items():
        with open(os.path.join(OUT, f'{name}.script.json'), 'w') as f:
            json.dump(s, f, indent=1)
            f.write('\n')
    print(f'{len(SCENARIOS)} scripts in {OUT}')


if __name__ == '__main__':
    main()

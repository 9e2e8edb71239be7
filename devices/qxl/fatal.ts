/**
 * Guest actions that end the VM. QEMU hands ring commands and several IOs to spice-server, whose log macros
 * end the process: spice-common common/log.c spice_log() calls abort() for CRITICAL (spice_critical,
 * spice_return_if_fail) and glib's g_error (spice_error) traps; pixman faults on a surface stride that is not
 * a multiple of 4. Exit statuses as recorded with QEMU 7.2 (Debian 1:7.2+dfsg-7) + spice-server 0.15.1
 * (test/fixtures/qxl-replay/fatal-*.recorded.json): the shell sees 128 + signal.
 */

/** How QEMU's process ended. */
export interface VmExit {
  readonly signal: 'SIGABRT' | 'SIGTRAP' | 'SIGSEGV';
  readonly code: number;
}

/** The VM is gone: the reason (spice-server's or pixman's message) and the exit. */
export interface VmDeath {
  readonly reason: string;
  readonly exit: VmExit;
}

/** spice_critical / spice_return_if_fail: abort() (spice-common log.c, abort level CRITICAL by default). */
export const SPICE_CRITICAL: VmExit = { signal: 'SIGABRT', code: 134 };
/** spice_error: g_error, which glib turns into G_BREAKPOINT (a trap). */
export const SPICE_ERROR: VmExit = { signal: 'SIGTRAP', code: 133 };
/** pixman_image_create_bits returns NULL for a stride % 4 != 0; spice's sw canvas dereferences it. */
export const PIXMAN_FAULT: VmExit = { signal: 'SIGSEGV', code: 139 };

/**
 * The fatal paths, each with where it is decided (spice-server 0.15 file:function) and the message spice logs.
 * `when` is what the guest did; the model calls `fatal(kind, detail)` at the matching point.
 */
export const FATAL_PATHS = {
  'slot-too-big': { exit: SPICE_CRITICAL, where: 'server/memslot.c:memslot_get_virt', message: (d: string) => `slot_id ${d} too big` },
  'stale-generation': { exit: SPICE_CRITICAL, where: 'server/memslot.c:memslot_get_virt', message: (d: string) => `address generation is not valid, ${d}` },
  'bad-command-type': { exit: SPICE_ERROR, where: 'server/red-worker.cpp:red_process_display', message: (d: string) => `bad command type (${d})` },
  'update-empty-area': {
    exit: SPICE_CRITICAL,
    where: 'server/display-channel.cpp:display_channel_draw',
    message: (d: string) => `condition \`area->left >= 0 && area->top >= 0 && area->left < area->right && area->top < area->bottom' failed (${d})`,
  },
  'destroy-surface-wait-nonzero': {
    exit: SPICE_CRITICAL,
    where: 'server/red-worker.cpp:handle_dev_destroy_surface_wait',
    message: (d: string) => `condition \`msg->surface_id == 0' failed (surface ${d})`,
  },
  'pixman-stride': {
    exit: PIXMAN_FAULT,
    where: 'pixman create_bits_image_internal via spice canvas_create_for_data',
    message: (d: string) => `pixman: rowstride_bytes % sizeof (uint32_t) != 0 (stride ${d}); the canvas is used anyway`,
  },
} as const;

export type FatalKind = keyof typeof FATAL_PATHS;

/** The death record for `kind`, with the detail spice prints. */
export function death(kind: FatalKind, detail: string): VmDeath {
  const p = FATAL_PATHS[kind];
  return { reason: `${p.where}: ${p.message(detail)}`, exit: p.exit };
}

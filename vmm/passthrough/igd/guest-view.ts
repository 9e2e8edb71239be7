/**
 * The guest driver's view of the assigned IGD after the boot: what Linux (early quirks, i915, xe) and the Windows
 * driver will conclude from the registers, the e820 map and the host facts that leak through, as predicted messages
 * with their cause. Message texts are the drivers' own format strings with the values filled in:
 * - arch/x86/kernel/early-quirks.c intel_graphics_quirks(): "Reserving Intel graphics memory at %pR" — only for a
 *   PCI_CLASS_DISPLAY_VGA (0x0300) function;
 * - drivers/gpu/drm/i915/gem/i915_gem_stolen.c: "%s, disabling use of stolen memory" ("DMAR active", gen < 8 with
 *   VT-d on), "Stolen reserved area %pR outside stolen memory %pR", "conflict detected with stolen region: %pR";
 * - drivers/gpu/drm/i915/display/intel_bios.c (shared by xe): "Failed to find VBIOS tables (VBT)".
 * The Windows entries restate the requirements QEMU's docs/igd-assign.txt lists (LPC/host-bridge IDs, OpRegion)
 * and the BAR0 mirrors the driver reads (BDSM at 0x1080C0, GSMBASE at 0x108100).
 */
import type { E820Range } from '../../../firmware/types.js';
import type { IgdFunction } from '../../../devices/igd/index.js';
import type { Machine } from '../../core/machine/machine.js';
import type { IgdMachineState } from './state.js';
import { hex } from '../../core/format.js';

export type GuestDriver = 'linux-early-quirks' | 'i915' | 'xe' | 'windows' | 'firmware';

/** One thing a guest driver will print or do, and why. */
export interface GuestMessage {
  driver: GuestDriver;
  message: string;
  cause: string;
  /** Only when the guest turns the condition on (e.g. a vIOMMU for the DMAR case). */
  conditional?: string;
}

const LMEMBAR_DSM_OFFSET = 0x80_0000;
/** %pR of a memory resource: "[mem 0x8b800000-0x8f7fffff]". */
const res = (start: number, size: number): string => `[mem 0x${start.toString(16).padStart(8, '0')}-0x${(start + size - 1).toString(16).padStart(8, '0')}]`;

function overlapsRam(e820: readonly E820Range[], start: number, size: number): boolean {
  return e820.some((e) => e.type === 'ram' && e.start < start + size && start < e.end);
}

function overlapsBar(m: Machine, igd: IgdFunction, start: number, size: number): string | undefined {
  for (const fn of m.pci.functions()) {
    for (let i = 0; i < 6; i++) {
      const b = fn.bars[i];
      const a = fn.barAddress(i);
      if (b === undefined || b.space !== 'mem' || a < 0) continue;
      if (fn === igd && i === 2 && igd.host.dsmInLmembar) continue; // LMEMBAR holds the DSM on MTL+ by design
      if (a < start + size && start < a + b.size) return `${fn.bdf} BAR${i}`;
    }
  }
  return undefined;
}

/** The predicted guest messages of one booted IGD machine. */
export function guestView(m: Machine, st: IgdMachineState, e820: readonly E820Range[]): GuestMessage[] {
  const igd = st.igd;
  const h = igd.host;
  const f = st.features;
  const out: GuestMessage[] = [];
  if (f.refused !== null) return out;
  const linux: GuestDriver = h.dsmInLmembar ? 'xe' : 'i915';
  const size = igd.stolenSize();
  const lmembar = h.dsmInLmembar ? igd.barAddress(2) : -1;
  const dsm = h.dsmInLmembar ? (lmembar >= 0 ? lmembar + LMEMBAR_DSM_OFFSET : 0) : igd.guestBdsmBase();

  // Early quirks: the stolen range is reserved only for a VGA-class function with a BDSM to read.
  if (!h.dsmInLmembar) {
    if (f.classCode !== 0x0300) {
      out.push({ driver: 'linux-early-quirks', message: '(no "Reserving Intel graphics memory" line)', cause: `class ${hex(f.classCode)} is not PCI_CLASS_DISPLAY_VGA: early quirks skip the device, nothing keeps the kernel off the stolen range (x-pci-class-code=0x030000 on QEMU 10.1+)` });
    } else if (dsm !== 0 && size > 0) {
      out.push({ driver: 'linux-early-quirks', message: `Reserving Intel graphics memory at ${res(dsm, size)}`, cause: 'BDSM and GMCH as the guest reads them' });
    }
  }
  if (h.gen <= 7) {
    out.push({ driver: 'i915', message: 'DMAR active, disabling use of stolen memory', cause: `gen ${h.gen} i915 refuses stolen memory behind VT-d`, conditional: 'with a guest vIOMMU (intel-iommu) enabled' });
  }
  if (dsm !== 0 && size > 0) {
    const bar = overlapsBar(m, igd, dsm, size);
    if (overlapsRam(e820, dsm, size) || bar !== undefined) {
      out.push({ driver: linux, message: `conflict detected with stolen region: ${res(dsm, size)}`, cause: bar !== undefined ? `the stolen range overlaps ${bar}` : 'the stolen range is usable RAM in the e820 map (no firmware reserved it)' });
    }
    const sr = h.stolenReserved;
    if (sr !== null && !h.dsmInLmembar && (sr.base < dsm || sr.base + sr.size > dsm + size)) {
      out.push({ driver: linux, message: `Stolen reserved area ${res(sr.base, sr.size)} outside stolen memory ${res(dsm, size)}`, cause: `STOLEN_RESERVED (BAR0+0x1082c0) still holds the host's ${hex(sr.base)}: i915 disables stolen memory, GuC/HuC firmware fails to load (Windows: Code 43)` });
    }
  }
  const asls = igd.guestAsls();
  if (asls === 0 || asls === h.asls) {
    out.push({ driver: linux, message: 'Failed to find VBIOS tables (VBT)', cause: asls === 0 ? 'ASLS reads 0: no OpRegion in guest memory' : "ASLS holds the host's OpRegion address, not a copy in guest memory" });
    out.push({ driver: 'windows', message: 'Code 43 (the driver stops the device)', cause: 'no OpRegion: the Windows driver cannot mock a VBT' });
  }
  if (h.gen >= 11 && !h.dsmInLmembar) {
    if (!f.bdsmMirror) {
      out.push({ driver: 'windows', message: `reads BDSM ${hex(h.bdsm)} at BAR0+0x1080c0`, cause: `QEMU ${f.line} does not mirror the emulated BDSM into BAR0: the host's stolen address leaks to the driver` });
    }
    if (dsm !== h.bdsm) {
      out.push({ driver: 'windows', message: `GSMBASE (BAR0+0x108100) reads the host's ${hex(h.bgsm)}`, cause: 'QEMU does not emulate GSMBASE: a driver that derives the GTT base from it programs host addresses (black band, flicker, DMAR "PTE Read access is not set")' });
    }
  }
  const lpc = m.pci.root.slots[0xf8];
  if (!st.lpcIdsCopied && (lpc === undefined || lpc.get16(0x02) !== h.lpc.device)) {
    out.push({ driver: 'windows', message: 'may not load, or loads without outputs', cause: `00:1f.0 does not carry the host PCH ID ${h.lpc.device.toString(16).padStart(4, '0')} (QEMU copies it only with x-igd-lpc / legacy mode on i440fx)` });
  }
  if (h.name === 'chv' && f.bdsmSize !== null && f.bdsmSize !== size) {
    const mib = (n: number): number => n / 0x10_0000;
    out.push({
      driver: 'i915', message: `stolen memory ${mib(size)} MiB (GMS ${hex((igd.guestGmch() >> 3) & 0x1f)}, Cherryview table) vs ${mib(f.bdsmSize)} MiB in etc/igd-bdsm-size`,
      cause: "Cherryview keeps GMS in the SNB field (bits 7:3) with its own sizes; QEMU decodes it as gen 8 (bits 15:8 × 32 MiB), so firmware reserves the wrong amount",
    });
  }
  if (h.dsmInLmembar) {
    out.push({ driver: 'xe', message: lmembar >= 0 ? `stolen memory at ${res(dsm, size)} (LMEMBAR + 8 MiB)` : 'no stolen memory: LMEMBAR (BAR2) is not placed', cause: 'Meteor Lake and later find the DSM inside BAR2, not through BDSM' });
  }
  gopView(m, igd, dsm, out);
  return out;
}

/**
 * Pre-OS display: gen 11+ has no legacy VBIOS, only the UEFI GOP in the romfile (IntelGopDriver + PlatformGopPolicy
 * next to IgdAssignmentDxe). The GOP reads the BDSM and OpRegion the firmware set up.
 */
function gopView(m: Machine, igd: IgdFunction, dsm: number, out: GuestMessage[]): void {
  const h = igd.host;
  if (h.gen < 11) return;
  // What runs is decided by the firmware that booted, not the strategy's name: OVMF connects the GOP of a romfile
  // carrying IntelGopDriver (firmware/ovmf/post.ts); SeaBIOS runs no UEFI driver (a UEFI strategy there runs nothing).
  if (m.profile.firmware.type !== 'ovmf') {
    out.push({ driver: 'firmware', message: 'no pre-OS display (no legacy VBIOS exists for gen 11+)', cause: `a legacy (SeaBIOS) setup was chosen for a gen ${h.gen} device: only the UEFI GOP in the romfile can light the screen before the OS` });
    return;
  }
  const drivers = m.specOf.get(igd)?.props['romfile-drivers'];
  if (typeof drivers !== 'string' || !drivers.split(',').map((x) => x.trim()).includes('IntelGopDriver')) {
    out.push({ driver: 'firmware', message: 'no pre-OS display (no IntelGopDriver in the romfile)', cause: `no legacy VBIOS exists for gen ${h.gen} and OVMF has no CSM: only a GOP carried in the romfile can light the screen before the OS` });
    return;
  }
  if (dsm === 0 && !h.dsmInLmembar) out.push({ driver: 'firmware', message: 'GOP: no framebuffer (BDSM reads 0)', cause: 'the GOP allocates its framebuffer in stolen memory at the guest BDSM' });
  else out.push({ driver: 'firmware', message: `GOP: framebuffer in stolen memory at ${hex(dsm)}`, cause: 'IntelGopDriver reads the guest BDSM and the OpRegion VBT IgdAssignmentDxe set up' });
}

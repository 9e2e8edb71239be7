import { FWCFG_BDSM_SIZE, findIgd, IGD_QEMU_LINES } from '../../../devices/igd/index.js';

/** i915 (HAS_LMEMBAR_SMEM_STOLEN): the DSM starts 8 MiB into LMEMBAR, after the GSM (i915_gem_stolen.c). */
const LMEMBAR_DSM_OFFSET = 0x80_0000;
import type { Machine } from '../../core/machine/machine.js';
import { hex, type Hex } from '../../frontends/report/types.js';
import { igdHazards, type IgdHazard } from './hazards.js';
import { igdState } from './state.js';
import { guestView, type GuestMessage } from './guest-view.js';
import type { RomfileReport } from './romfile.js';
import type { E820Range } from '../../../firmware/types.js';

/** A fake BAR as the report shows it. */
export interface FakeBarReport {
  bdf: string;
  bar: number;
  address: Hex | null;
  size: Hex;
  holds: 'stolen' | 'opregion' | 'stolen+opregion';
  moves: number;
}

/** `boot --json`'s "igd" section (issue 7 item 4); addresses and sizes are lowercase hex strings. */
export interface IgdReport {
  generation: number;
  generationName: string;
  deviceId: Hex;
  /** The QEMU IGD line applied (follows machine.qemu: ≤ 9.1, 9.2, 10.0, 10.1+) and whether its legacy mode came up. */
  qemuLine: string;
  legacyMode: boolean;
  /** QEMU exits at realize: "QEMU refuses to start: <QEMU's message>"; null when it starts. */
  refused: string | null;
  /** Why QEMU did no IGD setup at all (plain vfio-pci), or null. */
  skipped: string | null;
  /** Class code the guest sees (0x0300 VGA, 0x0380 display). */
  classCode: Hex;
  /** BAR0 mirrors QEMU emulates (GGC at 0x108040, BDSM at 0x1080C0); otherwise the host's values show through. */
  mirrors: { ggc: boolean; bdsm: boolean };
  /** The BAR4 GTT relocation quirk is installed (≤ 9.2 legacy mode). */
  bar4Quirk: boolean;
  /** MTL and later: stolen memory sits in LMEMBAR (BAR2 + 8 MiB): where the guest finds it, or null before BAR2 is placed. */
  lmembarDsm: Hex | null;
  strategy: string;
  hostBdsm: Hex;
  /** BDSM as the guest reads it (base bits only), null while it reads 0. */
  guestBdsm: Hex | null;
  guestAsls: Hex | null;
  /** GMCH/GGC (0x50) as the guest reads it. */
  guestGmch: Hex;
  /** DSM bytes the guest's GMCH announces (GMS), and GTT bytes (GGMS). */
  stolenSize: Hex;
  gttSize: Hex;
  /** Bytes of the OpRegion copy the guest got (null without one). */
  opregionSize: Hex | null;
  fwcfg: { 'etc/igd-bdsm-size': Hex | null };
  /** Fake BARs the VMM added (lpc-bars, igd-bar5, dummy-device). */
  fakeBars: FakeBarReport[];
  /** The VMM-placed OpRegion range (zero-gms). */
  opregionMmio: { start: Hex; size: Hex } | null;
  hazards: IgdHazard[];
  /** What the guest's drivers will print or do, with the cause (Linux early quirks, i915/xe, Windows, the GOP). */
  guest: GuestMessage[];
  /** The IGD's romfile parsed (images, what it holds, whether it claims the device), when it names one. */
  romfile?: RomfileReport;
}

/** The u64 LE value of an 8-byte fw_cfg file. */
function u64(b: Uint8Array): number {
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
}

/**
 * The IGD section of a boot report from the machine's final state; `firmware`'s e820 map tells the guest
 * view which ranges the kernel treats as RAM. `strategy` overrides the name shown. Null when the machine
 * has no vfio-igd.
 */
export function igdReport(machine: Machine, firmware?: { readonly e820?: readonly E820Range[] }, strategy?: string): IgdReport | null {
  const igd = findIgd(machine.pci.functions());
  if (igd === undefined) return null;
  const st = igdState(machine);
  const bdsm = igd.guestBdsmBase();
  const asls = igd.guestAsls();
  const bdsmFile = st?.fwcfg.get(FWCFG_BDSM_SIZE) ?? machine.fwcfg.file(FWCFG_BDSM_SIZE);
  const op = st?.opregion;
  return {
    generation: igd.gen,
    generationName: igd.host.name,
    deviceId: hex(igd.host.deviceId),
    qemuLine: IGD_QEMU_LINES[igd.features.line].label,
    legacyMode: igd.features.legacyMode,
    refused: igd.features.refused === null ? null : `QEMU refuses to start: ${igd.features.refused}`,
    skipped: igd.features.skipped,
    classCode: hex(igd.features.classCode),
    mirrors: { ggc: igd.features.ggcMirror, bdsm: igd.features.bdsmMirror },
    bar4Quirk: igd.features.bar4Quirk,
    lmembarDsm: igd.host.dsmInLmembar && igd.barAddress(2) >= 0 ? hex(igd.barAddress(2) + LMEMBAR_DSM_OFFSET) : null,
    strategy: strategy ?? st?.strategy.name ?? 'none',
    hostBdsm: hex(igd.host.bdsm),
    guestBdsm: bdsm === 0 ? null : hex(bdsm),
    guestAsls: asls === 0 ? null : hex(asls),
    guestGmch: hex(igd.guestGmch()),
    stolenSize: hex(igd.stolenSize()),
    gttSize: hex(igd.gttSize()),
    // A guest ASLS equal to the host's is QEMU passing the host register through, not a copy the guest got.
    opregionSize: asls === 0 || op === undefined || asls === igd.host.asls ? null : hex(op.length),
    fwcfg: { 'etc/igd-bdsm-size': bdsmFile === undefined ? null : hex(u64(bdsmFile)) },
    fakeBars: (st?.fakeBars ?? []).map((fb) => ({
      bdf: fb.fn.bdf,
      bar: fb.bar,
      address: fb.address < 0 ? null : hex(fb.address),
      size: hex(fb.size),
      holds: fb.stolenOffset >= 0 && fb.opregionOffset >= 0 ? 'stolen+opregion' : fb.stolenOffset >= 0 ? 'stolen' : 'opregion',
      moves: fb.moves,
    })),
    opregionMmio: st?.opregionMmio === undefined ? null : { start: hex(st.opregionMmio.base), size: hex(st.opregionMmio.size) },
    hazards: st === undefined ? [] : igdHazards(machine, st),
    guest: st === undefined ? [] : guestView(machine, st, firmware?.e820 ?? []),
    ...(st?.romfile !== undefined ? { romfile: st.romfile } : {}),
  };
}

/**
 * The host IGD as a config describes it (config key host.igd): the assigned device's options, read by the IGD
 * model (devices/igd) and its firmware halves; the config loader (vmm/frontends/config/igd.ts) produces it.
 */

export interface HostIgdSpec {
  readonly generation: number; // 6..12 (i915 numbering: snb 6, ivb/hsw 7, bdw 8, skl/kbl/cfl 9, icl 11, tgl/adl 12)
  /** The name the config used (snb, ivb, ...), when it used one: picks per-model defaults such as the device ID. */
  readonly generationName?: string;
  readonly deviceId?: number;
  readonly gms?: number;
  readonly gmch?: number;
  readonly ggms?: number;
  readonly bdsm?: number;
  /** The host OpRegion: version, and the size of an extended VBT behind RVDA (0x2200 gives the 0x4200 region seen in the wild). */
  readonly opregion?: { readonly version: '2.0' | '2.1'; readonly vbtSize?: number };
  readonly stolenReserved?: { readonly base: number; readonly size: number };
  /** Class code the host enumerates (0x0300 VGA, 0x0380 display); default 0x0300. */
  readonly classCode?: number;
  /** The host ASLS: 0 = no OpRegion (the kernel exposes no OpRegion region). */
  readonly asls?: number;
  /** The assigned function is an SR-IOV VF (no OpRegion). */
  readonly sriovVf?: boolean;
}

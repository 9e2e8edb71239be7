import { own } from '../own.js';
import type { HostIgdSpec } from './spec.js';
import { EXTENDED_VBT_SIZE } from './opregion.js';
import { GENERATION_DEFAULT_NAME, MiB, mtlGmsSize, platformGmch } from './tables.js';

/** PCI IDs of a host function QEMU copies into the guest (docs/igd.md §1.4). */
export interface HostPciIds {
  readonly vendor: number;
  readonly device: number;
  readonly revision: number;
  readonly progIf: number;
  readonly subsystemVendor: number;
  readonly subsystem: number;
}

/** Per-platform facts a host description defaults to when `generation:` is all the config says. */
interface PlatformDefaults {
  readonly gen: number;
  readonly deviceId: number; // a GT2 desktop (or U-series) part from Linux include/drm/intel/i915_pciids.h
  readonly revision: number;
  readonly gms: number;
  readonly ggms: number;
  readonly bdsm: number;
  readonly hostBridge: readonly [number, number]; // device, revision of 00:00.0 on a matching board
  readonly lpc: readonly [number, number]; // device, revision of the PCH LPC/eSPI at 00:1f.0
  /** Stolen memory (DSM) inside LMEMBAR at BAR2 + 8 MiB, no BDSM register (i915 HAS_LMEMBAR_SMEM_STOLEN: MTL and later). */
  readonly lmembar?: true;
}

/**
 * vfio-sim's default hosts. GPU IDs from i915_pciids.h; PCH IDs for HSW and BDW from Xen's IGD table
 * (docs/igd.md §1.4: 0x8c4e rev 4, 0x9cc3 rev 3); the other host-bridge/PCH pairs are typical desktop
 * boards of each platform (not from the reference docs). Stolen sizes are common BIOS defaults:
 * 64 MiB DSM (GMS 0x02) up to gen 10, 60 MiB (0xFE) on gen 11/12 with the SRD layout of docs/igd.md §11.6.
 */
const PLATFORMS: Readonly<Record<string, PlatformDefaults>> = {
  snb: { gen: 6, deviceId: 0x0112, revision: 0x09, gms: 0x02, ggms: 2, bdsm: 0x8b80_0000, hostBridge: [0x0100, 0x09], lpc: [0x1c4e, 0x05] },
  ivb: { gen: 7, deviceId: 0x0162, revision: 0x09, gms: 0x02, ggms: 2, bdsm: 0x8b80_0000, hostBridge: [0x0150, 0x09], lpc: [0x1e47, 0x04] },
  hsw: { gen: 7, deviceId: 0x0412, revision: 0x06, gms: 0x02, ggms: 2, bdsm: 0x8b80_0000, hostBridge: [0x0c00, 0x06], lpc: [0x8c4e, 0x04] },
  bdw: { gen: 8, deviceId: 0x1616, revision: 0x09, gms: 0x02, ggms: 3, bdsm: 0x8b80_0000, hostBridge: [0x1604, 0x09], lpc: [0x9cc3, 0x03] },
  skl: { gen: 9, deviceId: 0x1912, revision: 0x06, gms: 0x02, ggms: 3, bdsm: 0x8b80_0000, hostBridge: [0x191f, 0x07], lpc: [0xa146, 0x31] },
  kbl: { gen: 9, deviceId: 0x5912, revision: 0x04, gms: 0x02, ggms: 3, bdsm: 0x8b80_0000, hostBridge: [0x591f, 0x05], lpc: [0xa2c6, 0x00] },
  cfl: { gen: 9, deviceId: 0x3e92, revision: 0x00, gms: 0x02, ggms: 3, bdsm: 0x8b80_0000, hostBridge: [0x3ec2, 0x07], lpc: [0xa306, 0x10] },
  cnl: { gen: 10, deviceId: 0x5a52, revision: 0x00, gms: 0x02, ggms: 3, bdsm: 0x8b80_0000, hostBridge: [0x5a04, 0x00], lpc: [0x9d84, 0x30] },
  icl: { gen: 11, deviceId: 0x8a52, revision: 0x07, gms: 0xfe, ggms: 3, bdsm: 0x4c80_0000, hostBridge: [0x8a12, 0x03], lpc: [0x3482, 0x30] },
  tgl: { gen: 12, deviceId: 0x9a49, revision: 0x01, gms: 0xfe, ggms: 3, bdsm: 0x4c80_0000, hostBridge: [0x9a14, 0x01], lpc: [0xa082, 0x20] },
  adl: { gen: 12, deviceId: 0x4680, revision: 0x0c, gms: 0xfe, ggms: 3, bdsm: 0x4c80_0000, hostBridge: [0x4660, 0x02], lpc: [0x7a84, 0x11] },
  // Cherryview (Atom x5/x7, Braswell): GMS/GGMS at the SNB positions, its own GMS table (chvGmsSize).
  chv: { gen: 8, deviceId: 0x22b0, revision: 0x21, gms: 0x02, ggms: 3, bdsm: 0x7b80_0000, hostBridge: [0x2280, 0x21], lpc: [0x229c, 0x21] },
  // Alder Lake-N (N100: 0x46D1, i915_pciids.h INTEL_ADLN_IDS).
  'adl-n': { gen: 12, deviceId: 0x46d1, revision: 0x00, gms: 0xfe, ggms: 3, bdsm: 0x7c80_0000, hostBridge: [0x461c, 0x00], lpc: [0x5481, 0x00] },
  // Raptor Lake-S (INTEL_RPLS_IDS 0xA780).
  rpl: { gen: 12, deviceId: 0xa780, revision: 0x04, gms: 0xfe, ggms: 3, bdsm: 0x7c80_0000, hostBridge: [0xa700, 0x01], lpc: [0x7a86, 0x11] },
  // Meteor Lake (INTEL_MTL_IDS 0x7D55), Arrow Lake (INTEL_ARL_IDS 0x7D51), Lunar Lake (INTEL_LNL_IDS 0x64A0),
  // Panther Lake (INTEL_PTL_IDS 0xB080): DSM inside LMEMBAR, GGMS 3 (mtl_get_gms_size), GMS 0x02 = 64 MiB.
  mtl: { gen: 12, deviceId: 0x7d55, revision: 0x08, gms: 0x02, ggms: 3, bdsm: 0x40_0080_0000, hostBridge: [0x7d14, 0x04], lpc: [0x7e02, 0x10], lmembar: true },
  arl: { gen: 12, deviceId: 0x7d51, revision: 0x06, gms: 0x02, ggms: 3, bdsm: 0x40_0080_0000, hostBridge: [0x7d1c, 0x04], lpc: [0x7702, 0x10], lmembar: true },
  lnl: { gen: 20, deviceId: 0x64a0, revision: 0x04, gms: 0x02, ggms: 3, bdsm: 0x40_0080_0000, hostBridge: [0x6400, 0x04], lpc: [0xa807, 0x10], lmembar: true },
  ptl: { gen: 30, deviceId: 0xb080, revision: 0x04, gms: 0x02, ggms: 3, bdsm: 0x40_0080_0000, hostBridge: [0xb000, 0x04], lpc: [0xe302, 0x10], lmembar: true },
};

const INTEL = 0x8086;
/** Subsystem IDs the default host's IGD, host bridge and PCH share (vfio-sim default). */
export const HOST_SUBSYSTEM = { vendor: INTEL, id: 0x2212 } as const;
/** The reserved area at the DSM top on gen 11+ when the config does not say (docs/igd.md §11.6: 2 MiB). */
const DEFAULT_STOLEN_RESERVED = 2 * MiB;
/** The host OpRegion sits in ACPI NVS this far below the GSM (vfio-sim default; + SeaBIOS-like 0x18 offset). */
const HOST_ASLS_BELOW_GSM = 0xc0_2000;

/** MTL+ hosts: the DSM is above 4 GiB in LMEMBAR, the OpRegion stays in ACPI NVS below 4 GiB (vfio-sim default). */
const LMEMBAR_HOST_ASLS = 0x7b7f_e018;

/** A host IGD with every value resolved (what the device model, fw_cfg and strategies read). */
export interface HostIgd {
  readonly gen: number;
  readonly name: string;
  readonly deviceId: number;
  readonly revision: number;
  /** Raw GGC as the host BIOS left it. */
  readonly gmch: number;
  readonly gms: number;
  readonly ggms: number;
  /** DSM and GSM bytes decoded from the host GMCH (docs/igd.md §2.2/2.3). */
  readonly dsmSize: number;
  readonly gsmSize: number;
  readonly bdsm: number;
  /** GTT stolen base: the GSM sits directly below the DSM (docs/igd.md §9). */
  readonly bgsm: number;
  readonly asls: number;
  readonly opregionVersion: '2.0' | '2.1';
  /** Bytes of the extended VBT behind RVDA (0: the VBT fits mailbox 4). 2.0 hosts hold an absolute RVDA. */
  readonly extendedVbt: number;
  /** Gen 11+: the reserved area GuC/HuC reach by host address (docs/igd.md §7, §8.2); null before gen 11. */
  readonly stolenReserved: { readonly base: number; readonly size: number } | null;
  /** GEN6_STOLEN_RESERVED (BAR0 0x1082C0) as the host reads it. */
  readonly stolenReservedReg: number;
  readonly hostBridge: HostPciIds;
  readonly lpc: HostPciIds;
  /** Class code as the host enumerates it (base << 8 | subclass): 0x0300 VGA, or 0x0380 on some iGPUs. */
  readonly classCode: number;
  /** The host kernel exposes an OpRegion region (false: host ASLS 0, or an SR-IOV VF). */
  readonly opregionPresent: boolean;
  readonly sriovVf: boolean;
  /** MTL and later: DSM inside LMEMBAR (BAR2 + 8 MiB), no BDSM register. */
  readonly dsmInLmembar: boolean;
}

/** STOLEN_RESERVED gen 11+ encoding: base bits 63:20, size code bits 8:7 (1/2/4/8 MiB), enable bits 2:0 as docs/igd.md §11.6. */
export function encodeStolenReserved(base: number, size: number): number {
  const code = Math.max(0, Math.min(3, Math.round(Math.log2(Math.max(size, MiB) / MiB))));
  return base - (base % MiB) + (code << 7) + 0x7;
}

/** The platform name a spec stands for: its own name, else the first platform of its generation. */
export function platformName(spec: Pick<HostIgdSpec, 'generation' | 'generationName'>): string {
  return spec.generationName ?? GENERATION_DEFAULT_NAME[spec.generation] ?? 'skl';
}

/** Fills every value a host description leaves out with the platform's defaults. No spec = a Skylake host. */
export function resolveHostIgd(spec: HostIgdSpec | undefined): HostIgd {
  const s: HostIgdSpec = spec ?? { generation: 9, generationName: 'skl' };
  const name = platformName(s);
  const p = own(PLATFORMS, name) ?? PLATFORMS['skl']!;
  const gen = s.generation;
  const dec = platformGmch(name, gen);
  let gms = s.gms ?? p.gms;
  let ggms = s.ggms ?? p.ggms;
  let gmch: number;
  if (s.gmch !== undefined) {
    gmch = s.gmch;
    const f = dec.fields(gmch);
    gms = s.gms ?? f.gms;
    ggms = s.ggms ?? f.ggms;
    gmch = dec.encode(gms, ggms, gmch);
  } else gmch = dec.encode(gms, ggms);
  const dsmSize = p.lmembar === true ? Math.max(0, mtlGmsSize(gms)) : dec.dsm(gms);
  const gsmSize = dec.gsm(ggms);
  const bdsm = s.bdsm ?? p.bdsm;
  const bgsm = bdsm - gsmSize;
  let stolenReserved: HostIgd['stolenReserved'] = null;
  // bdw/chv/icl_get_stolen_reserved (i915_gem_stolen.c) read GEN6_STOLEN_RESERVED from gen 8: hosts set it up there too.
  if (gen >= 8 && p.lmembar !== true) {
    stolenReserved = s.stolenReserved ?? (dsmSize >= 2 * DEFAULT_STOLEN_RESERVED ? { base: bdsm + dsmSize - DEFAULT_STOLEN_RESERVED, size: DEFAULT_STOLEN_RESERVED } : null);
  }
  const ids = (device: number, revision: number): HostPciIds => ({
    vendor: INTEL, device, revision, progIf: 0, subsystemVendor: HOST_SUBSYSTEM.vendor, subsystem: HOST_SUBSYSTEM.id,
  });
  return {
    gen,
    name,
    deviceId: s.deviceId ?? p.deviceId,
    revision: p.revision,
    gmch,
    gms,
    ggms,
    dsmSize,
    gsmSize,
    bdsm,
    bgsm,
    asls: s.asls ?? (s.sriovVf === true ? 0 : p.lmembar === true ? LMEMBAR_HOST_ASLS : bgsm - HOST_ASLS_BELOW_GSM + 0x18),
    opregionVersion: s.opregion?.version ?? '2.0',
    extendedVbt: s.opregion?.vbtSize ?? (s.opregion?.version === '2.1' ? EXTENDED_VBT_SIZE : 0),
    stolenReserved,
    stolenReservedReg: stolenReserved === null ? 0 : encodeStolenReserved(stolenReserved.base, stolenReserved.size),
    hostBridge: ids(p.hostBridge[0], p.hostBridge[1]),
    lpc: ids(p.lpc[0], p.lpc[1]),
    classCode: s.classCode ?? 0x0300,
    // vfio_pci_igd.c registers the OpRegion region only when the host ASLS is neither 0 nor all ones; VFs have none.
    opregionPresent: s.sriovVf !== true && s.asls !== 0 && s.asls !== 0xffffffff,
    sriovVf: s.sriovVf === true,
    dsmInLmembar: p.lmembar === true,
  };
}

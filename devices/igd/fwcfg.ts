import type { HostIgdSpec } from './spec.js';
import type { Props } from '../registry.js';
import { igdFeatures, igdProps, type IgdFeatures, type LegacyFacts } from './behaviour.js';
import { resolveHostIgd, type HostIgd } from './host.js';
import { buildOpRegion } from './opregion.js';

/** fw_cfg file names of QEMU's IGD contract (docs/igd.md §3.4). */
export const FWCFG_OPREGION = 'etc/igd-opregion';
export const FWCFG_BDSM_SIZE = 'etc/igd-bdsm-size';
/** EVE's file naming the host DSM base for an identity-placing firmware (docs/igd.md §6.2, §7; not upstream). */
export const FWCFG_STOLEN_BASE = 'etc/igd-stolen-base';

/** An 8-byte little-endian u64 (QEMU's `etc/igd-bdsm-size` layout). */
export function le64(value: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(value), true);
  return b;
}

/** A QEMU pc machine with 00:1f.0 free: where legacy mode's requirements can hold. */
export const DEFAULT_LEGACY_FACTS: LegacyFacts = { machineType: 'pc', atIgdAddress: true, slot1f: undefined };

/** The files from features already decided (what prepareIgdMachine publishes). */
export function fwCfgFilesOf(host: HostIgd, f: IgdFeatures): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  if (f.opregion) files.set(FWCFG_OPREGION, buildOpRegion(host));
  if (f.bdsmSize !== null) files.set(FWCFG_BDSM_SIZE, le64(f.bdsmSize));
  return files;
}

/**
 * QEMU's IGD fw_cfg files for a host and the vfio-igd props: `etc/igd-opregion` (the kernel's
 * OpRegion bytes) when the OpRegion feature is on, `etc/igd-bdsm-size` (u64 LE) when the chosen QEMU
 * behaviour publishes it. `facts` says where the device sits (legacy mode depends on it).
 */
export function igdFwCfgFiles(host: HostIgd | HostIgdSpec, props: Props, facts: LegacyFacts = DEFAULT_LEGACY_FACTS): Map<string, Uint8Array> {
  const h = 'dsmSize' in host ? host : resolveHostIgd(host);
  return fwCfgFilesOf(h, igdFeatures(h, igdProps(props), facts));
}

import { PCI_CAP_ID_VNDR, PCI_DEVICE_ID, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import {
  DEVICE_REDHAT_BRIDGE, DEVICE_REDHAT_ROOT_PORT, PCI_CAP_FLAGS, REDHAT_CAP_RESOURCE_RESERVE, REDHAT_CAP_TYPE_OFFSET,
  RES_RESERVE_BUS_RES, RES_RESERVE_CAP_SIZE, RES_RESERVE_IO, RES_RESERVE_MEM, RES_RESERVE_PREF_MEM_32,
  RES_RESERVE_PREF_MEM_64, VENDOR_REDHAT,
} from './constants.js';
import { findCapability } from './pci-config.js';
import type { PostState } from './state.js';
import { REGION_IO, REGION_MEM, type RegionType } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_QEMU_RESOURCE_RESERVE_CAP = seabiosFormat("PCI: QEMU resource reserve cap device ID doesn't match.\n");
const F_PCI_QEMU_RESOURCE_RESERVE_CAP_2 = seabiosFormat('PCI: QEMU resource reserve cap not found\n');
const F_PCI_QEMU_RESOURCE_RESERVE_CAP_3 = seabiosFormat('PCI: QEMU resource reserve cap length %d is invalid\n');
const F_PCI_RESOURCE_RESERVE_CAP_PREF32 = seabiosFormat('PCI: resource reserve cap PREF32 and PREF64 conflict\n');

const U32_UNSET = 0xffff_ffff;

/**
 * pci_find_resource_reserve_capability (docs/firmware-seabios.md §6.4): only Red Hat pci-bridge and
 * pcie-root-port are searched; the vendor-specific capability with type byte 1 and length ≥ 32.
 * Returns its offset or 0, logging what SeaBIOS logs at level 1.
 */
export function findReserveCap(s: PostState, bdf: number): number {
  const { cfg, debug } = s;
  // Non-Red-Hat bridges: SeaBIOS says "This is non-QEMU bridge." at level 3 only.
  if (cfg.read16(bdf, PCI_VENDOR_ID) !== VENDOR_REDHAT) return 0;
  const id = cfg.read16(bdf, PCI_DEVICE_ID);
  if (id !== DEVICE_REDHAT_ROOT_PORT && id !== DEVICE_REDHAT_BRIDGE) {
    debug.printf(F_PCI_QEMU_RESOURCE_RESERVE_CAP);
    return 0;
  }
  let cap = 0;
  for (;;) {
    cap = findCapability(cfg, bdf, PCI_CAP_ID_VNDR, cap);
    if (cap === 0 || cfg.read8(bdf, cap + REDHAT_CAP_TYPE_OFFSET) === REDHAT_CAP_RESOURCE_RESERVE) break;
  }
  if (cap === 0) {
    debug.printf(F_PCI_QEMU_RESOURCE_RESERVE_CAP_2);
    return 0;
  }
  const len = cfg.read8(bdf, cap + PCI_CAP_FLAGS);
  if (len < RES_RESERVE_CAP_SIZE) {
    debug.printf(F_PCI_QEMU_RESOURCE_RESERVE_CAP_3, len);
    return 0;
  }
  return cap;
}

/** The raw bus_res field (all ones = not set). */
export function busReserveOf(s: PostState, bdf: number, cap: number): number {
  return s.cfg.read32(bdf, cap + RES_RESERVE_BUS_RES);
}

function read64(s: PostState, bdf: number, off: number): number | undefined {
  const lo = s.cfg.read32(bdf, off);
  const hi = s.cfg.read32(bdf, off + 4);
  if (lo === U32_UNSET && hi === U32_UNSET) return undefined;
  return hi * 0x1_0000_0000 + lo;
}

/**
 * The reserve a bridge's capability asks for one region type, or 0 (pci_bios_check_devices):
 * io is the u64 io field, mem the u32 mem field, prefmem pref32 or pref64 when exactly one is set.
 */
export function reserveSize(s: PostState, bdf: number, cap: number, type: RegionType): number {
  if (cap === 0) return 0;
  if (type === REGION_IO) return read64(s, bdf, cap + RES_RESERVE_IO) ?? 0;
  if (type === REGION_MEM) {
    const v = s.cfg.read32(bdf, cap + RES_RESERVE_MEM);
    return v === U32_UNSET ? 0 : v;
  }
  const p32 = s.cfg.read32(bdf, cap + RES_RESERVE_PREF_MEM_32);
  const p64 = read64(s, bdf, cap + RES_RESERVE_PREF_MEM_64);
  if (p32 !== U32_UNSET && p64 === undefined) return p32;
  if (p32 === U32_UNSET && p64 !== undefined) return p64;
  if (p32 !== U32_UNSET && p64 !== undefined) s.debug.printf(F_PCI_RESOURCE_RESERVE_CAP_PREF32);
  return 0;
}

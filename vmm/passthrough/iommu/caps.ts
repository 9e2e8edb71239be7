/**
 * CAP and ECAP as QEMU's vtd_init composes them (docs/iommu.md §2.2), as 32-bit halves because CAP has bits
 * above 2^53. No caching mode, DT, PT, IR or scalable mode: this is the host-side unit vfio programs.
 */
import { CAP_FRO, CAP_MAMV, CAP_ND, CAP_SAGAW_39, CAP_SAGAW_48, ECAP_IRO, ECAP_QI } from './constants.js';

/** SAGAW field value: 39-bit always, 48-bit when aw-bits = 48 (docs/iommu.md §2.2). */
export function sagawFor(awBits: number): number {
  return CAP_SAGAW_39 | (awBits === 48 ? CAP_SAGAW_48 : 0);
}

/** [bits 31:0, bits 63:32] of CAP for `records` fault recording registers. */
export function capWords(awBits: number, records: number): [number, number] {
  const lo =
    CAP_ND | // b2:0
    (sagawFor(awBits) << 8) | // b12:8
    ((awBits - 1) << 16) | // MGAW b21:16
    ((CAP_FRO & 0xff) << 24); // FRO b31:24 (low part of b33:24)
  const hi =
    (CAP_FRO >> 8) | // FRO b33:32
    (1 << 2) | // SLLPS b34: 2 MiB
    (1 << 3) | // SLLPS b35: 1 GiB
    (1 << 7) | // PSI b39
    (((records - 1) & 0xff) << 8) | // NFR b47:40
    (CAP_MAMV << 16); // MAMV b53:48
  return [lo >>> 0, hi >>> 0];
}

/** [bits 31:0, bits 63:32] of ECAP. */
export function ecapWords(): [number, number] {
  return [(ECAP_QI | (ECAP_IRO << 8)) >>> 0, 0];
}

/**
 * The QEMU versions vfio-sim models, as a type and a list, and how `major.minor` versions compare. The device
 * catalogue keys its versioned facts by them (devices/catalogue/versions.ts), so they live below the VMM; the
 * one table of what differs per release is vmm/core/profile/qemu.ts's QEMU_RELEASES, keyed by this type.
 */

export const QEMU_VERSIONS = ['7.2', '9.1', '9.2', '10.0', '10.1'] as const;
export type QemuVersion = (typeof QEMU_VERSIONS)[number];

/**
 * The QEMU version a config gets when it names none: what users run in 2026 (Debian 13, Proxmox 9: QEMU 10.0
 * with SeaBIOS 1.16.3). Configs and fixtures recorded on QEMU 7.2 say `qemu: "7.2"`.
 */
export const DEFAULT_QEMU: QemuVersion = '10.0';

export function isQemuVersion(v: string): v is QemuVersion {
  return (QEMU_VERSIONS as readonly string[]).includes(v);
}

/**
 * Compares two `major.minor` versions: negative, 0 or positive. Each boot compares a few dozen (the catalogue's
 * versioned facts, the RAM layout), so the parts are read in place: `split('.').map(Number)` and array
 * destructuring made two arrays and an iterator per call, and its optimized code was thrown away once in a fresh
 * process ("wrong map", docs/performance.md §13). Same values as before: the text before the first dot and between
 * the first and second (`Number`, so '' is 0 and junk NaN), a missing minor 0.
 */
export function compareVersions(a: string, b: string): number {
  const am = versionPart(a, false);
  const bm = versionPart(b, false);
  return am !== bm ? am - bm : versionPart(a, true) - versionPart(b, true);
}

function versionPart(v: string, minor: boolean): number {
  const dot = v.indexOf('.');
  if (!minor) return Number(dot < 0 ? v : v.slice(0, dot));
  if (dot < 0) return 0;
  const next = v.indexOf('.', dot + 1);
  return Number(next < 0 ? v.slice(dot + 1) : v.slice(dot + 1, next));
}

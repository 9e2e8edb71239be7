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

/** Compares two `major.minor` versions: negative, 0 or positive. */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

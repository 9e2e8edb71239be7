/**
 * QEMU releases vfio-sim models and the facts that differ between them: one table keyed by version, each fact
 * with its source. Machine-type facts (what a `pc-q35-X.Y` machine type implies) are keyed by the machine
 * type's version, which defaults to the QEMU binary's own.
 */
import type { FirmwareType } from '../../../firmware/index.js';
import type { QemuVersion } from '../../../devices/qemu-version.js';

/** The QEMU versions vfio-sim holds recordings of (PCI placement, device catalogue, firmware). */
export type RecordedQemu = '7.2' | '10.0';

export interface QemuRelease {
  readonly version: QemuVersion;
  /**
   * The recorded version whose PCI placement facts this version uses. 9.1 and 9.2 are modelled for their IGD
   * behaviour: their machine types and device models match the ≤ 9.2 side of every recorded difference (the only
   * device change, virtio-balloon-pci's MSI-X BAR, arrives with machine type 10.0), so they place like 7.2 and get
   * 7.2's recorded firmware; 10.1 places like 10.0.
   */
  readonly placement: RecordedQemu;
  /** The firmware Debian ships with this QEMU (Debian 12: QEMU 7.2 + SeaBIOS 1.16.2 + edk2 2022.11;
   *  Debian 13: QEMU 10.0 + SeaBIOS 1.16.3 + edk2 2025.02). */
  readonly firmware: Readonly<Record<FirmwareType, string>>;
}

export const QEMU_RELEASES: Readonly<Record<QemuVersion, QemuRelease>> = {
  '7.2': { version: '7.2', placement: '7.2', firmware: { seabios: '1.16.2', ovmf: '2022.11' } },
  '9.1': { version: '9.1', placement: '7.2', firmware: { seabios: '1.16.2', ovmf: '2022.11' } },
  '9.2': { version: '9.2', placement: '7.2', firmware: { seabios: '1.16.2', ovmf: '2022.11' } },
  '10.0': { version: '10.0', placement: '10.0', firmware: { seabios: '1.16.3', ovmf: '2025.02' } },
  '10.1': { version: '10.1', placement: '10.0', firmware: { seabios: '1.16.3', ovmf: '2025.02' } },
};

/** A machine type as QEMU names it: `q35`, `pc`, or a versioned alias (`pc-q35-7.2`, `pc-i440fx-9.0`). */
export interface MachineTypeName {
  readonly type: 'q35' | 'pc';
  /** The versioned machine type's version (`9.0` of `pc-i440fx-9.0`), or undefined for the bare alias. */
  readonly version?: string;
}

const VERSIONED = /^pc-(q35|i440fx)-(\d+\.\d+)$/;

/** Parses a QEMU machine type name; undefined when it is not one vfio-sim models. */
export function parseMachineTypeName(name: string): MachineTypeName | undefined {
  if (name === 'q35' || name === 'pc') return { type: name };
  const m = VERSIONED.exec(name);
  if (m === null) return undefined;
  return { type: m[1] === 'q35' ? 'q35' : 'pc', version: m[2]! };
}


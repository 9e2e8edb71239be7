/**
 * Device facts that depend on the machine type's version (`pc-q35-X.Y`, `pc-i440fx-X.Y`; the bare `q35`/`pc` of
 * a QEMU binary mean its own version). QEMU keeps old machine types stable through hw_compat_X_Y property lists
 * (hw/core/machine.c): a row here is the state from its `since` machine version on, until the next row.
 * One table; models look facts up through `machineFacts(ctx.machineVersion)`, never compare versions themselves.
 */
import { compareVersions, DEFAULT_QEMU, type QemuVersion } from '../qemu-version.js';

export interface MachineFacts {
  /** The first machine-type version these facts hold for. */
  readonly since: string;
  /**
   * virtio-balloon-pci's default MSI-X vector count (0 = no MSI-X BAR). QEMU 10.0 gave the balloon a `vectors`
   * property defaulting to 2 (hw/virtio/virtio-balloon-pci.c virtio_balloon_pci_realize) and set it back to 0
   * for ≤ 9.2 machine types (hw_compat_9_2 { "virtio-balloon-pci", "vectors", "0" }).
   */
  readonly balloonVectors: number;
}

const MACHINE_FACTS: readonly MachineFacts[] = [
  { since: '0.0', balloonVectors: 0 },
  { since: '10.0', balloonVectors: 2 },
];

/** The facts of machine-type version `version` (default: the default QEMU's own machine types). */
export function machineFacts(version: string = DEFAULT_QEMU): MachineFacts {
  let row = MACHINE_FACTS[0]!;
  for (const r of MACHINE_FACTS) if (compareVersions(r.since, version) <= 0) row = r;
  return row;
}

/**
 * Properties a QEMU binary gained after 7.2 (the QEMU version, not the machine type, decides whether a property
 * exists). Read off `-device MODEL,help` of QEMU 7.2.22 and 10.0.13: present in 10.0, absent in 7.2.
 */
const PROP_SINCE: readonly { readonly model: string; readonly prop: string; readonly since: QemuVersion }[] = [
  { model: 'qemu-xhci', prop: 'msi', since: '10.0' },
  { model: 'qemu-xhci', prop: 'msix', since: '10.0' },
  { model: 'virtio-balloon-pci', prop: 'vectors', since: '10.0' }, // hw/virtio/virtio-balloon-pci.c (10.0)
];

/** The QEMU version that first has `model`'s property `prop`, when that is newer than `qemu`; else undefined. */
export function propMissingIn(model: string, prop: string, qemu: QemuVersion): QemuVersion | undefined {
  const row = PROP_SINCE.find((r) => r.model === model && r.prop === prop);
  return row !== undefined && compareVersions(qemu, row.since) < 0 ? row.since : undefined;
}

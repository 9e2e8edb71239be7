import type { PciFunction } from './pci/function.js';
import type { DeviceSpec, MachineType, PropValue } from './spec.js';
import type { HostIgdSpec } from './igd/spec.js';
import type { DmaPort } from './memory/dma.js';
import type { ConfigSpaceArena } from './pci/config-arena.js';

/** What a device model may know about where it is plugged (never the firmware or the CLI). */
export interface DeviceContext {
  readonly machineType: MachineType;
  /** The device sits on a PCI Express bus (below a root port or downstream port): QEMU makes virtio modern-only. */
  readonly pcieBus: boolean;
  /** The device sits on the root bus. */
  readonly rootBus: boolean;
  /**
   * The machine type's version (`pc-q35-9.0` → "9.0"; a bare `q35` means the QEMU binary's), which selects the
   * versioned device facts of devices/catalogue/versions.ts. Absent: the default QEMU's.
   */
  readonly machineVersion?: string;
  /** vCPUs (-smp); absent = 1. Multiqueue devices default one queue per vCPU. */
  readonly cpus?: number;
  /** Host-side hardware description (IGD) from the config. */
  readonly hostIgd?: HostIgdSpec;
  /** Source id (bus << 8 | devfn of the function as plugged) — the IOMMU binds DMA to it. */
  dma(): DmaPort;
  /** The machine's config-space storage (devices/pci/config-arena.ts); absent: each function allocates its own. */
  readonly configSpace?: ConfigSpaceArena;
}

export interface PropDef {
  readonly type: 'integer' | 'boolean' | 'string' | 'size' | 'enum';
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

/** A QEMU device model: its properties and how to build its function(s) as QEMU 7.2 does. */
export interface ModelDef {
  readonly name: string;
  readonly kind: 'endpoint' | 'bridge';
  /** A PCIe port whose secondary bus is PCI Express (pcie-root-port); false for conventional bridges. */
  readonly pciePort?: boolean;
  /**
   * A switch's upstream port: its secondary bus is PCI Express but takes devices in any slot (QEMU's
   * pcie_has_upstream_port limits only devices below root and downstream ports to slot 0).
   */
  readonly switchUpstream?: boolean;
  /**
   * Whether the function `create` builds at `ctx` has PCI Express config space (4 KiB, not 256 bytes): the
   * machine sizes its config-space arena from it before building anything (vmm/core/machine/machine.ts
   * configSpaceEstimate). Absent: the machine guesses (PCIe on the q35 root bus and below PCIe ports).
   */
  readonly pcie?: (props: Props, ctx: CheckContext) => boolean;
  /** Bridges whose secondary bus is conventional PCI even on q35 (pci-bridge, pcie-pci-bridge). */
  readonly props: Readonly<Record<string, PropDef>>;
  /** Only these machine types accept the model (undefined = all). */
  readonly machines?: readonly MachineType[];
  /** Realize-time rules QEMU enforces beyond each prop's type (membar a power of two, PREF32+PREF64, ...). */
  readonly check?: (props: Props, ctx: CheckContext) => readonly PropProblem[];
  create(spec: DeviceSpec, ctx: DeviceContext): PciFunction;
}

/** Where the device will sit, as far as config validation knows it (a subset of DeviceContext). */
export interface CheckContext {
  readonly machineType: MachineType;
  readonly pcieBus: boolean;
  readonly rootBus: boolean;
}

/** One violated rule; `prop` names the offending property (the error points at it), else the device. */
export interface PropProblem {
  readonly prop?: string;
  readonly message: string;
}

export type Props = Readonly<Record<string, PropValue>>;

/**
 * The device models a machine can plug, by name: an immutable value, built once from model lists
 * (devices/index.ts `MODELS`) and handed to whoever needs it, never a process-wide table that modules add to.
 * A test with its own models builds `MODELS.with([...])` and gives it to its machine.
 */
export class ModelRegistry {
  private readonly byName: ReadonlyMap<string, ModelDef>;
  private readonly sorted: readonly string[];

  /** A later definition of the same name replaces an earlier one. */
  constructor(defs: Iterable<ModelDef>) {
    const byName = new Map<string, ModelDef>();
    for (const d of defs) byName.set(d.name, d);
    this.byName = byName;
    this.sorted = Object.freeze([...byName.keys()].sort());
  }

  lookup(name: string): ModelDef | undefined {
    return this.byName.get(name);
  }

  /** Every model name, sorted. */
  names(): readonly string[] {
    return this.sorted;
  }

  /** This registry plus `defs` (which replace models of the same name). */
  with(defs: Iterable<ModelDef>): ModelRegistry {
    return new ModelRegistry([...this.byName.values(), ...defs]);
  }
}

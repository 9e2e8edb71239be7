import type { Workload } from '../../passthrough/workload/types.js';

/**
 * The validated machine description every layer reads (output of vmm/frontends/config's loader).
 * Plain data: no classes, so it crosses worker threads and JSON unchanged.
 */
import type { QemuVersion } from '../../../devices/qemu-version.js';
import type { DeviceSpec, MachineType } from '../../../devices/spec.js';
import type { HostIgdSpec } from '../../../devices/igd/spec.js';

/** A parsed trap rule: its fields are defined once, in trap-rule.ts. */
export type { TrapRuleSpec } from './trap-rule.js';
import type { TrapRuleSpec } from './trap-rule.js';

export interface FirmwareSpec {
  /** seabios | ovmf; default seabios. */
  readonly type?: 'seabios' | 'ovmf';
  /** The firmware release; default the one Debian ships with the machine's QEMU version. */
  readonly version?: string;
  readonly igdStrategy?: string;
  readonly vbios?: string;
}

export interface MachineSpec {
  readonly name?: string;
  readonly machine: {
    readonly type: MachineType;
    readonly memory: number; // bytes
    readonly maxmem?: number; // bytes: -m X,slots=N,maxmem=Y
    readonly slots?: number;
    /** -smp N: the number of vCPUs (default 1). */
    readonly smp?: number;
    /** -machine max-ram-below-4g= (bytes): caps the RAM QEMU maps below 4 GiB. */
    readonly maxRamBelow4g?: number;
    /** QEMU version (vmm/core/profile QEMU_VERSIONS); default vmm/core/profile's DEFAULT_QEMU. */
    readonly qemu?: QemuVersion;
    /** A versioned machine type's version (`pc-q35-9.0` → "9.0"); default the QEMU version. */
    readonly version?: string;
    /** The vCPU (-cpu); default qemu64 (AMD, 40 physical address bits). */
    readonly cpu?: { readonly model?: string; readonly vendor?: 'amd' | 'intel'; readonly physBits?: number };
  };
  readonly devices: readonly DeviceSpec[];
  /** `iommuWidth`: the host IOMMU's address width in bits (DMAR "Host address width"), when known. */
  readonly host?: { readonly igd?: HostIgdSpec; readonly iommuWidth?: number };
  readonly firmware: FirmwareSpec;
  readonly traps: readonly TrapRuleSpec[];
  /** The display workload (QXL driver scripts, monitor plug/unplug), validated once by the loader (vmm/passthrough/workload). */
  readonly workload?: Workload;
}

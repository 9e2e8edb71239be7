import type { Workload } from '../../passthrough/workload/types.js';

/**
 * The validated machine description every layer reads (output of vmm/frontends/config's loader).
 * Plain data: no classes, so it crosses worker threads and JSON unchanged.
 */
import type { QemuVersion } from '../../core/profile/qemu.js';

export type MachineType = 'q35' | 'pc';

export type PropValue = string | number | boolean;

export interface DeviceSpec {
  readonly model: string;
  /** qdev id (what `bus:` refers to); '' when none. */
  readonly id: string;
  /** Bus by id; undefined = the root bus. */
  readonly bus?: string;
  /** slot << 3 | function, or undefined when QEMU picks the slot. */
  readonly devfn?: number;
  readonly props: Readonly<Record<string, PropValue>>;
  /** Option-ROM program for this device (issue 3): a bundled name or a path relative to the config. */
  readonly rom?: string;
  /** The host device a generic vfio-pci passes through, as the config declares it (lspci -vv / sysfs). */
  readonly hardware?: HostDeviceSpec;
}

export interface HostDeviceSpec {
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number;
  readonly subsystemVendor?: number;
  readonly subsystem?: number;
  readonly bars: readonly { readonly bar: number; readonly size: number; readonly space: 'mem' | 'io'; readonly is64: boolean; readonly prefetch: boolean }[];
  readonly romSize: number;
}

export interface HostIgdSpec {
  readonly generation: number; // 6..12 (i915 numbering: snb 6, ivb/hsw 7, bdw 8, skl/kbl/cfl 9, icl 11, tgl/adl 12)
  /** The name the config used (snb, ivb, ...), when it used one: picks per-model defaults such as the device ID. */
  readonly generationName?: string;
  readonly deviceId?: number;
  readonly gms?: number;
  readonly gmch?: number;
  readonly ggms?: number;
  readonly bdsm?: number;
  /** The host OpRegion: version, and the size of an extended VBT behind RVDA (0x2200 gives the 0x4200 region seen in the wild). */
  readonly opregion?: { readonly version: '2.0' | '2.1'; readonly vbtSize?: number };
  readonly stolenReserved?: { readonly base: number; readonly size: number };
  /** Class code the host enumerates (0x0300 VGA, 0x0380 display); default 0x0300. */
  readonly classCode?: number;
  /** The host ASLS: 0 = no OpRegion (the kernel exposes no OpRegion region). */
  readonly asls?: number;
  /** The assigned function is an SR-IOV VF (no OpRegion). */
  readonly sriovVf?: boolean;
}

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

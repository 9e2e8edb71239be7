/**
 * What the config says about one device, in the form device models read it. These types belong to the devices
 * (a model is built from its DeviceSpec); the machine config (vmm/frontends/config/spec.ts) is composed of them.
 * Plain data: no classes, so they cross worker threads and JSON unchanged.
 */

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

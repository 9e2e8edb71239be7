/**
 * What a device model learns about where it is plugged (devices/registry.ts DeviceContext), one object per
 * device. A class rather than an object literal: the literal spread its optional fields (a temporary object per
 * spread) and carried a bound function for `dma`, which most devices never call (docs/performance.md §22); here
 * `dma` is a method that finds the port when asked, from the bus number firmware has given the bus by then.
 */
import type { HostIgdSpec } from '../../../devices/igd/spec.js';
import type { DmaPort } from '../../../devices/memory/dma.js';
import type { PciBus } from '../../../devices/pci/bridge.js';
import type { ConfigSpaceArena } from '../../../devices/pci/config-arena.js';
import type { DeviceContext } from '../../../devices/registry.js';
import type { MachineType } from '../../../devices/spec.js';
import type { MachineSpec } from '../../frontends/config/spec.js';
import type { MachineProfile } from '../profile/profile.js';

/** What a context reads off its machine (the Machine; a structural type, so this module does not import it). */
export interface PlugSite {
  readonly spec: MachineSpec;
  readonly profile: MachineProfile;
  /** The DMA port of requester id `sourceId` (bus << 8 | devfn), through the machine's IOMMU domain. */
  dmaPort(sourceId: number): DmaPort;
}

export class PlugContext implements DeviceContext {
  readonly machineType: MachineType;
  readonly machineVersion: string;
  readonly cpus: number;
  // Present only when the config describes a host IGD, as the object literal had it (`'hostIgd' in ctx`).
  declare readonly hostIgd?: HostIgdSpec;

  constructor(
    private readonly site: PlugSite,
    readonly configSpace: ConfigSpaceArena,
    private readonly bus: PciBus,
    private readonly devfn: number,
    readonly pcieBus: boolean,
    readonly rootBus: boolean,
  ) {
    const m = site.spec.machine;
    this.machineType = m.type;
    this.machineVersion = site.profile.machine.version;
    this.cpus = m.smp ?? 1;
    const igd = site.spec.host?.igd;
    if (igd !== undefined) this.hostIgd = igd;
  }

  /** The device's DMA port, bound to its requester id: the bus number is the one firmware gave the bus. */
  dma(): DmaPort {
    return this.site.dmaPort(((this.bus.number() & 0xff) << 8) | this.devfn);
  }
}

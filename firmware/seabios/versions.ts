/**
 * The SeaBIOS releases vfio-sim models, and every fact that differs between them: one table keyed by release.
 * Each fact names its source (SeaBIOS git, tags rel-1.16.2 and rel-1.16.3). Code asks `state.release.<fact>`;
 * it never compares version strings.
 */
export interface SeabiosRelease {
  readonly version: SeabiosVersion;
  /** The first two lines of the debug log: the version and build banners of Debian's package. */
  readonly banner: string;
  readonly build: string;
  /**
   * Whether the release reads the CPU's physical address bits (src/fw/paravirt.c physbits(), called from
   * qemu_detect with the QEMU quirk rules) and, when they are trusted, sizes the 64-bit PCI window from them
   * (src/fw/pciinit.c pci_setup: pci_mem64_top, pci_pad_mem64; pci_bios_map_devices places the window at the
   * top; pci_bios_check_devices pads hotplug prefetchable windows). rel-1.16.2 has none of it and always places
   * the window just above RAM.
   */
  readonly physBitsWindow: boolean;
  /**
   * pci_bios_check_devices' hot-plug reserve: rel-1.16.2 reserves `align` only for an empty bridge (`!sum`);
   * rel-1.16.3 whenever the children sum to less than the alignment (`align > sum`).
   */
  readonly hotplugReserveBelowAlign: boolean;
  /** kvm_detect prints every hypervisor CPUID leaf it probes ("cpuid 0x40000000: eax ..., signature '...'"): rel-1.16.3. */
  readonly logsHypervisorLeaves: boolean;
  /** qemu_early_e820 prints reserved entries at debug level 1 (rel-1.16.3; level 3 in rel-1.16.2). */
  readonly logsReservedE820: boolean;
  /**
   * The relocated init code (src/post.c reloc_preinit): its link address and size, and the bytes it occupies
   * below ZoneHigh's start — build facts of Debian's binary, read off the "Relocating init" line of every recording.
   */
  readonly initReloc: { readonly source: number; readonly size: number; readonly footprint: number };
}

export const SEABIOS_VERSIONS = ['1.16.2', '1.16.3'] as const;
export type SeabiosVersion = (typeof SEABIOS_VERSIONS)[number];

export const SEABIOS_RELEASES: Readonly<Record<SeabiosVersion, SeabiosRelease>> = {
  // Debian 12 (bookworm) seabios 1.16.2-1, shipped with QEMU 7.2.
  '1.16.2': {
    version: '1.16.2',
    banner: 'SeaBIOS (version 1.16.2-debian-1.16.2-1)',
    build: 'BUILD: gcc: (Debian 12.2.0-14) 12.2.0 binutils: (GNU Binutils for Debian) 2.40',
    physBitsWindow: false,
    hotplugReserveBelowAlign: false,
    logsHypervisorLeaves: false,
    logsReservedE820: false,
    initReloc: { source: 0x000d_48c0, size: 85056, footprint: 0x1_4ce0 },
  },
  // Debian 13 (trixie) seabios 1.16.3-2, shipped with QEMU 10.0.
  '1.16.3': {
    version: '1.16.3',
    banner: 'SeaBIOS (version 1.16.3-debian-1.16.3-2)',
    build: 'BUILD: gcc: (Debian 13.2.0-7) 13.2.0 binutils: (GNU Binutils for Debian) 2.41',
    physBitsWindow: true,
    hotplugReserveBelowAlign: true,
    logsHypervisorLeaves: true,
    logsReservedE820: true,
    initReloc: { source: 0x000d_4020, size: 85568, footprint: 0x1_4ee0 },
  },
};

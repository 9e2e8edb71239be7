/**
 * The SeaBIOS releases vfio-sim models, and every fact that differs between them: one table keyed by release.
 * Each fact names its source. Code asks `state.release.<fact>`; it never compares version strings.
 */
export interface SeabiosRelease {
  readonly version: SeabiosVersion;
  /** The first two lines of the debug log: the version and build banners of Debian's package. */
  readonly banner: string;
  readonly build: string;
  /**
   * Whether the release reads the CPU's physical address bits (CPUID 0x80000008) and places the 64-bit PCI window
   * at the top of that address space. rel-1.16.3 src/fw/paravirt.c qemu_early_e820 / pciinit.c pci_setup; rel-1.16.2
   * always places the window just above RAM (pci_bios_init_root_regions).
   */
  readonly physBitsWindow: boolean;
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
  },
  // Debian 13 (trixie) seabios 1.16.3-2, shipped with QEMU 10.0.
  '1.16.3': {
    version: '1.16.3',
    banner: 'SeaBIOS (version 1.16.3-debian-1.16.3-2)',
    build: 'BUILD: gcc: (Debian 13.2.0-7) 13.2.0 binutils: (GNU Binutils for Debian) 2.41',
    physBitsWindow: true,
  },
};

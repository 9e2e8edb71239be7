/**
 * The edk2 OVMF releases vfio-sim models and every fact that differs between them: one table keyed by release,
 * each fact with its source (edk2 tags edk2-stable202211 and edk2-stable202502). Code reads `release.<fact>`;
 * it never compares version strings. PciBusDxe and PciHostBridgeDxe are identical at both tags.
 */
export const OVMF_VERSIONS = ['2022.11', '2025.02'] as const;
export type OvmfVersion = (typeof OVMF_VERSIONS)[number];

export interface OvmfRelease {
  readonly version: OvmfVersion;
  /** PcdPciExpressBaseAddress (OvmfPkg/OvmfPkgX64.dsc): the ECAM base PlatformInitLib programs into PCIEXBAR on q35. */
  readonly ecamBase: number;
  /**
   * Where the q35 32-bit PCI aperture starts (PlatformInitLib Platform.c PlatformMemMapInitialization):
   * 'above-ecam' = ECAM + 256 MiB up to 0xFC000000 (2022.11); 'uc32-below-ecam' = Uc32Base up to the ECAM (2025.02).
   */
  readonly q35Mmio32: 'above-ecam' | 'uc32-below-ecam';
  /**
   * PlatformInitLib MemDetect.c PlatformDynamicMmioWindow: 2025.02 moves the 64-bit aperture below any reserved
   * e820 entry it overlaps (PlatformReservationConflictCB, QEMU's AMD HyperTransport hole); 2022.11 does not.
   */
  readonly mmio64AvoidsReserved: boolean;
  /**
   * PciHotPlugInitDxe GetResourcePadding: the IO padding a hotplug bridge gets without a QEMU reserve hint
   * (DefaultIo): 512 bytes on 2022.11, none on 2025.02.
   */
  readonly defaultIoPadding: number;
  /** PlatformAddressWidthFromCpuid: the phys-bits cap of a trusted CPUID value (47 on 2022.11, 46 without LA57 on 2025.02). */
  readonly physBitsCap: number;
  /**
   * Whether QEMU's reserved e820 entries above 4 GiB (the AMD HyperTransport hole) become reserved memory in the
   * UEFI map (PlatformInitLib MemDetect.c PlatformAddHobCB: 2025.02 adds them, 2022.11 skips them).
   */
  readonly reservedAbove4gInMap: boolean;
  /**
   * Where DXE's free low memory ends, counted down from the top of low RAM: below it sit PEI's permanent memory,
   * the runtime pools, the ACPI tables and the S3/NVS areas (the lowest firmware-owned range of the recorded maps).
   * AllocateMaxAddress allocations of option-ROM drivers (IgdAssignmentDxe) start here, top-down.
   */
  readonly dxeFreeTopBelowTolm: number;
}

export const OVMF_RELEASES: Readonly<Record<OvmfVersion, OvmfRelease>> = {
  // Debian 12 (bookworm) ovmf 2022.11-6+deb12u2, shipped with QEMU 7.2.
  '2022.11': { version: '2022.11', ecamBase: 0xb000_0000, q35Mmio32: 'above-ecam', mmio64AvoidsReserved: false, defaultIoPadding: 512, physBitsCap: 47, reservedAbove4gInMap: false, dxeFreeTopBelowTolm: 0x156_0000 },
  // Debian 13 (trixie) ovmf 2025.02, shipped with QEMU 10.0.
  '2025.02': { version: '2025.02', ecamBase: 0xe000_0000, q35Mmio32: 'uc32-below-ecam', mmio64AvoidsReserved: true, defaultIoPadding: 0, physBitsCap: 46, reservedAbove4gInMap: true, dxeFreeTopBelowTolm: 0x16c_1000 },
};

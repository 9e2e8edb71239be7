/** Public API of the IOMMU layer (VT-d-like host IOMMU, vfio type1 mapper, DMA ports). */
export { Iommu } from './iommu.js';
export { VfioType1Container, type ContainerOptions } from './vfio-container.js';
export { IommuDmaPort } from './port.js';
export { buildDomain, type BuiltDomain, type DomainSpec, type ExtraRegion, type RamRange } from './build-domain.js';
export { iommuReport, type IommuReport } from './report.js';
export { linuxDmarFault, type DmarRegisters } from './linux-handler.js';
export { formatBdf, formatDmar, faultReasonString, sourceIdOf } from './format.js';
export type { GivenRange } from './corruption.js';
export type { FaultGroup } from './fault-log.js';
export * from './constants.js';
export type * from './types.js';

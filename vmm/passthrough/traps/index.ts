/** Public API of the trap layer. */
export { TrapEngine, bdfOf, type RegionQuirk, type TrapEngineOptions } from './engine.js';
export { IgdBar4Quirk, quirkGttMax, IGD_FATAL_MESSAGE, IGD_QUIRK_RULE, type IgdQuirkParams, type QuirkRelocation } from './igd-bar4.js';
export { installTraps, igdQuirkInfo, type IgdQuirkInfo, type InstalledTraps, type TrapOptions } from './install.js';
export { trapsReport, type TrapsReport } from './report.js';
export { TrapTrace, type TrapRecord } from './trace.js';
export { parseBdf, regionName, REGION_CONFIG } from './rules.js';
export { wireIommu, DmaWiring, igdGivenRanges, givenRangesOf, isAssigned, type HasGivenRanges } from './dma-wiring.js';
export { installPassthrough, Passthrough, displayReport, type DisplayReport, type PassthroughOptions, type PassthroughSections, type RomReport } from './passthrough.js';

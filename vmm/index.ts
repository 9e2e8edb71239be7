/**
 * vfio-sim's library surface: load a config, boot it, read the report. The CLI is a thin layer over
 * these; users' own vitest suites use them with the matchers in `vfio-sim/matchers`.
 */
export { bootSpec, type BootOptions, type BootResult } from './boot/index.js';
export { loadConfigFile, parseConfig, formatConfigError, configSchema, qemuArgs, type ConfigError } from './config/index.js';
export type { MachineSpec, DeviceSpec, HostIgdSpec, TrapRuleSpec } from './config/spec.js';
export type { BootReport, DeviceReport, BarReport, BridgeReport, E820Report } from './report/types.js';
export { Machine } from './machine/machine.js';
export {
  compareStrategies,
  renderComparison,
  comparisonJson,
  compareQemuVersions,
  renderQemuComparison,
  type QemuBootFn,
  type QemuComparison,
  type GuestMessage,
  type RomfileReport,
  type BootFn,
  type StrategyComparison,
  type StrategyColumn,
  type E820Change,
  type IgdReport,
  type IgdHazard,
} from './igd/index.js';
export {
  runWorkload,
  validateWorkload,
  workloadSchema,
  qxlReportSection,
  type RunOptions,
  type WorkloadRun,
  type Workload,
  type WorkloadResult,
  type WorkloadError,
  type QxlReport,
} from './workload/index.js';
export {
  DirtyTracker,
  FramebufferTracker,
  trackDirtyVram,
  type DirtyTrackerOptions,
  type DirtyAnswer,
  type CountResult,
  type DirtyError,
  type FramebufferSpec,
  type TrackingStopped,
} from './dirty/index.js';
export { Iommu, formatDmar } from './iommu/index.js';
export { renderMapSvg, renderMapHtml } from './map/index.js';
export { QxlDriver, createStandaloneQxl } from '../devices/qxl/index.js';
export { importText, importQemuArgv, importProxmox, importLibvirt, importedYaml, ImportError, type ImportedConfig } from './import/index.js';
export { importHost, hostYaml, type HostImport } from './import/host.js';
export { runDoctor, upgradeDiff, RULES, type DoctorReport, type Finding } from './doctor/index.js';
export { renderLspci } from './lspci/render.js';

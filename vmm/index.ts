/**
 * vfio-sim's library surface: load a config, boot it, read the report. The CLI is a thin layer over
 * these; users' own vitest suites use them with the matchers in `vfio-sim/matchers`.
 */
export { bootSpec, type BootOptions, type BootResult } from './core/boot/index.js';
export { loadConfigFile, parseConfig, formatConfigError, configSchema, qemuArgs, type ConfigError } from './frontends/config/index.js';
export type { MachineSpec, TrapRuleSpec } from './frontends/config/spec.js';
export type { DeviceSpec } from '../devices/spec.js';
export type { HostIgdSpec } from '../devices/igd/spec.js';
export type { BootReport, DeviceReport, BarReport, BridgeReport, E820Report } from './frontends/report/types.js';
export { Machine } from './core/machine/machine.js';
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
} from './passthrough/igd/index.js';
export {
  runWorkload,
  validateWorkload,
  qxlReportSection,
  type RunOptions,
  type WorkloadRun,
  type Workload,
  type WorkloadResult,
  type WorkloadError,
  type QxlReport,
} from './passthrough/workload/index.js';
export { workloadSchema } from './passthrough/workload/schema.js';
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
} from './passthrough/dirty/index.js';
export { Iommu, formatDmar } from './passthrough/iommu/index.js';
export { renderMapSvg, renderMapHtml } from './frontends/map/index.js';
export { QxlDriver, createStandaloneQxl } from '../devices/qxl/index.js';
export { importText, importQemuArgv, importProxmox, importLibvirt, importedYaml, ImportError, type ImportedConfig } from './frontends/import/index.js';
export { importHost, hostYaml, type HostImport } from './frontends/import/host.js';
export { runDoctor, upgradeDiff, RULES, type DoctorReport, type Finding } from './frontends/doctor/index.js';
export { renderLspci } from './frontends/lspci/render.js';

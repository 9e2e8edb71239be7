/** Scripted display activity after boot: the format is documented in the README (Workloads), the design in docs/qxl.md. */
export { runWorkload, runCheckedWorkload, type RunOptions, type WorkloadRun, type WorkloadSection } from './run.js';
export { qxlReportSection, LISTED_PER_KIND, type QxlReport, type QxlReportEvent } from './qxl-report.js';
export { validateWorkload, type ValidateOptions } from './validate.js';
export { STEP_KINDS } from './parse.js';
export type { WorkloadEvent } from './events.js';
export type { MonitorReport } from './monitors.js';
export * from './types.js';

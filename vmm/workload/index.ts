/** Scripted display activity after boot (issue 5 item 3, issue 4's report): format in README-section.md. */
export { runWorkload, runCheckedWorkload, type RunOptions, type WorkloadRun, type WorkloadSection } from './run.js';
export { qxlReportSection, LISTED_PER_KIND, type QxlReport, type QxlReportEvent } from './qxl-report.js';
export { validateWorkload, type ValidateOptions } from './validate.js';
export { workloadSchema } from './schema.js';
export { STEP_KINDS } from './parse.js';
export type { WorkloadEvent } from './events.js';
export type { MonitorReport } from './monitors.js';
export * from './types.js';

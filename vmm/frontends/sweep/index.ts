export { buildPlan, comboAt, hasIgd, planSize, planStarts, type Combo, type PlanConfig, type PlanOptions, type SweepPlan } from './plan.js';
export { errorRow, rowFromReport, type SweepRow, type SweepStatus } from './row.js';
export { runChunk, type ChunkTask, type SpecSource } from './chunk.js';
export { AUTO_POOL_MIN, defaultChunkSize, resolveWorkerFile, runSweep, type SweepRunOptions, type SweepStats } from './engine.js';
export { NO_IGD, SweepSummary, renderSummaryTable, summarize, type StrategySummary } from './summary.js';
export { CSV_COLUMNS, csvHeader, rowToCsv, rowToJsonLine } from './output.js';
export { expandConfigPaths } from './paths.js';

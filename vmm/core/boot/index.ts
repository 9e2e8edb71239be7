export { bootSpec } from './pipeline.js';
export type { BootOptions, BootResult } from './options.js';
export { buildMachine } from './build-machine.js';
export { preparePassthrough, type Prepared } from './prepare.js';
export { runFirmware } from './firmware.js';
export { devicesAct, type Acted } from './act.js';
export { buildReport } from './report.js';

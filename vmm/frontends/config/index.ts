/** vmm/frontends/config: YAML machine configs → validated MachineSpec, with FILE:LINE:COL errors; QEMU command lines; the JSON Schema. */
export { formatConfigError, type ConfigError, type ConfigResult } from './errors.js';
export { DEFAULT_MEMORY, loadConfigFile, parseConfig } from './load.js';
export { configSchema, IGD_STRATEGIES, type JsonSchema } from './schema.js';
export { qemuArgs, qemuCommandLine, deviceArg, memoryArg, QEMU_BINARY, type DroppedProp } from './qemu-args.js';
export { gmsEncodable, gmchFields, IGD_GENERATIONS } from './igd.js';
export { IGD_MODEL, IGD_DEVFN } from '../../../devices/igd/tables.js';
export { formatSize, parseSize, SIZE_DESCRIPTION } from './size.js';
export type * from './spec.js';

import { catalogueModels } from './catalogue/index.js';
import { igdModels } from './igd/index.js';
import { QXL_MODELS } from './qxl/index.js';
import { ModelRegistry } from './registry.js';

/**
 * Every device model the machine can plug (QEMU's catalogue, QXL, the assigned IGD), built once when the module
 * loads: the definitions are small objects (their props tables), so there is nothing to defer.
 */
export const MODELS: ModelRegistry = new ModelRegistry([...catalogueModels(), ...QXL_MODELS, ...igdModels()]);

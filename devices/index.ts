import { registerCatalogue } from './catalogue/index.js';
import { registerIgd } from './igd/index.js';
import { registerQxl } from './qxl/index.js';

/** Registers every device model the machine can plug (QEMU's catalogue, QXL, the assigned IGD). */
let registered = false;

export function registerAllModels(): void {
  if (registered) return;
  registered = true;
  registerCatalogue();
  registerQxl();
  registerIgd();
}

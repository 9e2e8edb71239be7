import type { ModelDef } from '../registry.js';
import { bridgeModels } from './bridges.js';
import { displayModels } from './display.js';
import { endpointModels } from './endpoints.js';
import { vfioPciModel } from './vfio.js';
import { virtioModels } from './virtio.js';

export { BRIDGE_IDS, hasShpc, QEMU_RESERVE_CAP_LEN, QEMU_RESERVE_CAP_TYPE, RESERVE_CAP, SHPC_FIRST_SLOT } from './bridges.js';
export { defaultRomfile, ENDPOINTS, ROM_BAR_SIZES, VIRTIO } from './facts.js';
export { virtioModes } from './virtio.js';
export { machineFacts, propMissingIn, type MachineFacts } from './versions.js';

/**
 * QEMU's stock PCI models (display, NICs, virtio, storage, USB, bridges). qxl / qxl-vga and vfio-igd live in
 * devices/qxl and devices/igd; devices/index.ts `MODELS` holds them all.
 */
export function catalogueModels(): ModelDef[] {
  return [...displayModels(), ...endpointModels(), ...virtioModels(), ...bridgeModels(), vfioPciModel()];
}

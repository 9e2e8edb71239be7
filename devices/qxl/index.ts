import { registerModel, type ModelDef, type PropDef } from '../registry.js';
import { QxlDevice } from './device.js';
import { validateQxlProps } from './sizing.js';

export { QxlDevice } from './device.js';
export { validateQxlProps, qxlConfig } from './sizing.js';
export { QxlDriver } from './driver.js';
export { createStandaloneQxl } from './standalone.js';

/** QEMU 7.2's qxl properties (hw/display/qxl.c qxl_properties) plus the model's own x- switches. */
const QXL_PROPS: Readonly<Record<string, PropDef>> = {
  ram_size: { type: 'size', description: 'BAR0 bytes (default 64 MiB)' },
  vram_size: { type: 'size', description: 'BAR1 (vram32) bytes (default 64 MiB)' },
  ram_size_mb: { type: 'integer', min: 0, description: 'BAR0 in MiB (overrides ram_size)' },
  vram_size_mb: { type: 'integer', min: 0, description: 'BAR1 in MiB (overrides vram_size)' },
  vram64_size_mb: { type: 'integer', min: 0, description: 'full vram in MiB; BAR4 exists only when larger than vram32' },
  vgamem_mb: { type: 'integer', min: 0, description: 'VGA framebuffer / primary surface MiB, clamped to 8..256 (default 16)' },
  revision: { type: 'integer', min: 1, max: 5, description: 'QXL revision (default 5)' },
  surfaces: { type: 'integer', min: 1, description: 'number of surfaces (default 1024)' },
  max_outputs: { type: 'integer', min: 0 },
  xres: { type: 'integer', min: 0 },
  yres: { type: 'integer', min: 0 },
  guestdebug: { type: 'integer', min: 0, description: 'log level in the ROM; prints guest bugs and QXL_IO_LOG' },
  debug: { type: 'integer', min: 0 },
  cmdlog: { type: 'integer', min: 0 },
  rombar: { type: 'integer', min: 0, max: 1 },
  romfile: { type: 'string' },
  'x-guest-ram-memslots': { type: 'boolean', description: 'not QEMU: accept memslots in guest RAM (device DMA through the IOMMU)' },
  'x-console-id': { type: 'integer', min: 0, description: 'not QEMU: the console index QEMU would assign (QXLRom.id)' },
};

function model(name: 'qxl' | 'qxl-vga'): ModelDef {
  return {
    name,
    kind: 'endpoint',
    props: QXL_PROPS,
    create(spec, ctx) {
      const err = validateQxlProps(spec.props);
      if (err !== undefined) throw new Error(`bug: config validation let through: ${err}`);
      const consoleId = spec.props['x-console-id'];
      return new QxlDevice(spec.props, { vga: name === 'qxl-vga', dma: () => ctx.dma(), consoleId: typeof consoleId === 'number' ? consoleId : 0 });
    },
  };
}

export const QXL_MODELS: readonly ModelDef[] = [model('qxl-vga'), model('qxl')];

/** Registers `qxl-vga` (primary, VGA class, 64 KiB ROM BAR) and `qxl` (secondary, display-other class, no ROM). */
export function registerQxl(): void {
  for (const m of QXL_MODELS) registerModel(m);
}

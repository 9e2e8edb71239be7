import { defineModel } from '../catalogue/build.js';
import { bool, int, size, U16, U32 } from '../catalogue/props.js';
import type { ModelDef, PropDef } from '../registry.js';
import { QXL_MAX_REVISION } from './constants.js';
import { QxlDevice } from './device.js';
import { validateQxlProps } from './sizing.js';

export { QxlDevice, type QxlOptions } from './device.js';
export { validateQxlProps, qxlConfig, type QxlConfig } from './sizing.js';
export { QxlDriver, DriverRegistry, type DriverError, type DriverOptions, type GuestCpu } from './driver.js';
export { createStandaloneQxl, type StandaloneQxl } from './standalone.js';
export type { QxlEvent } from './events.js';

/** QEMU 7.2's qxl properties (hw/display/qxl.c qxl_properties) plus two x- switches of this model. */
const QXL_PROPS: Readonly<Record<string, PropDef>> = {
  ram_size: size('BAR0 bytes (default 64 MiB)'),
  vram_size: size('BAR1 (vram32) bytes (default 64 MiB)'),
  ram_size_mb: int(0, U32, 'BAR0 in MiB (overrides ram_size)'),
  vram_size_mb: int(0, U32, 'BAR1 in MiB (overrides vram_size)'),
  vram64_size_mb: int(0, U32, 'full vram in MiB; BAR4 exists only when larger than vram32'),
  vgamem_mb: int(0, U32, 'VGA framebuffer / primary surface in MiB, clamped to 8..256 (default 16)'),
  revision: int(1, QXL_MAX_REVISION, 'QXL revision (default 5)'),
  surfaces: int(1, 0x7fff_ffff, 'number of surfaces (default 1024)'),
  max_outputs: int(0, U16),
  xres: int(0, U32),
  yres: int(0, U32),
  guestdebug: int(0, U32, 'ROM log_level; prints guest bugs and QXL_IO_LOG'),
  debug: int(0, U32),
  cmdlog: int(0, U32),
  'global-vmstate': bool(),
  'x-guest-ram-memslots': bool('not QEMU: accept memslots in guest RAM (device DMA through the IOMMU)'),
  'x-console-id': int(0, 255, 'not QEMU: the console index QEMU would assign (QXLRom.id; 0 = first display)'),
};

function model(name: 'qxl' | 'qxl-vga'): ModelDef {
  return defineModel(name, QXL_PROPS, {
    // Conventional PCI wherever it sits (hw/display/qxl.c: the type's interfaces are INTERFACE_CONVENTIONAL_PCI_DEVICE).
    pcie: () => false,
    check: (props) => {
      const err = validateQxlProps(props);
      return err === undefined ? [] : [{ prop: 'revision', message: err }];
    },
    create: (spec, ctx) => {
      const err = validateQxlProps(spec.props);
      if (err !== undefined) throw new Error(`bug: config validation let through: ${err}`);
      const consoleId = spec.props['x-console-id'];
      // One literal of a fixed shape (QxlDevice reads an undefined configSpace as an absent one): the conditional
      // spread made a temporary object and a slow clone per device (docs/performance.md §25).
      return new QxlDevice(spec.props, {
        vga: name === 'qxl-vga',
        dma: ctx.dma.bind(ctx),
        consoleId: typeof consoleId === 'number' ? consoleId : 0,
        configSpace: ctx.configSpace,
      });
    },
  });
}

/** `qxl-vga` (primary, VGA class, 64 KiB ROM BAR) and `qxl` (secondary, display-other class, no ROM). */
export const QXL_MODELS: readonly ModelDef[] = [model('qxl-vga'), model('qxl')];

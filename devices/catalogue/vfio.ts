/**
 * A generic assigned host function (QEMU's vfio-pci for anything but the IGD, which is vfio-igd): QEMU copies the
 * host's IDs and class and sizes each BAR and the ROM BAR from the host (hw/vfio/pci.c vfio_populate_device,
 * vfio_bars_prepare, vfio_pci_size_rom), so the config declares them under `hardware:`. The ROM BAR is the host
 * ROM's size unless rombar=0 (a romfile replaces the contents, and vfio-sim takes the declared size for it).
 */
import { PciFunction } from '../pci/function.js';
import type { ModelDef } from '../registry.js';
import { addEndpointPcieCap } from './build.js';
import { PCI_COMMON_PROPS, bool, propNum, str } from './props.js';
import { DEFAULT_SUBSYSTEM, DEFAULT_SUBSYSTEM_VENDOR } from './facts.js';

export function vfioPciModel(): ModelDef {
  return {
    name: 'vfio-pci',
    kind: 'endpoint',
    props: {
      ...PCI_COMMON_PROPS,
      host: str('host PCI address, e.g. 0000:01:00.0'),
      'x-vga': bool('also pass the legacy VGA ranges through'),
      'x-no-mmap': bool(),
    },
    // As `create`: a PCIe function only below a PCIe port.
    pcie: (_p, ctx) => ctx.pcieBus,
    create: (spec, ctx) => {
      const hw = spec.hardware;
      if (hw === undefined) throw new Error('bug: vfio-pci without hardware (config validation requires it)');
      const fn = new PciFunction({
        vendor: hw.vendor, device: hw.device, classCode: hw.classCode, progIf: 0, revision: 0,
        subsystemVendor: hw.subsystemVendor ?? DEFAULT_SUBSYSTEM_VENDOR, subsystem: hw.subsystem ?? DEFAULT_SUBSYSTEM,
        interruptPin: 1, pcie: ctx.pcieBus,
      }, 0, ctx.configSpace);
      for (const b of hw.bars) fn.defineBar(b.bar, { size: b.size, space: b.space, is64: b.is64, prefetch: b.prefetch });
      if (hw.romSize > 0 && propNum(spec.props, 'rombar', 1) !== 0) fn.defineRom(hw.romSize);
      if (ctx.pcieBus) addEndpointPcieCap(fn, ctx);
      return fn;
    },
  };
}

import { PciFunction } from '../pci/function.js';
import type { ModelDef, PropDef } from '../registry.js';
import { addEndpointPcieCap, applyRom, defineModel, identityOf, onExpressBus } from './build.js';
import { VENDOR_QEMU, type EndpointFacts } from './facts.js';
import { bool, int, pow2ceil, propBool, propNum, size, U32 } from './props.js';

const MiB = 1024 * 1024;

/** PCI_VGA_MMIO_SIZE: the 4 KiB register BAR2 of VGA and bochs-display (QEMU hw/display/vga-pci.c). */
export const VGA_MMIO_BAR_SIZE = 0x1000;
/** PCI_DEVICE_ID_QEMU_VGA, shared by VGA and bochs-display (include/hw/pci/pci.h). */
export const QEMU_VGA_DEVICE_ID = 0x1111;

/** EDID props (hw/display/edid.h DEFINE_EDID_PROPERTIES). */
const EDID_PROPS: Readonly<Record<string, PropDef>> = {
  edid: bool(),
  xres: int(0, U32),
  yres: int(0, U32),
  xmax: int(0, U32),
  ymax: int(0, U32),
  refresh_rate: int(0, U32),
};

/**
 * std VGA (vga-pci.c): BAR0 prefetchable 32-bit VRAM of vgamem_mb (clamped to 1..512, rounded up to a
 * power of two by vga_common_init), BAR2 the MMIO registers when mmio=on; revision 2 when the QEMU
 * extended registers are on (the default).
 */
function vga(): ModelDef {
  return defineModel(
    'VGA',
    {
      vgamem_mb: int(0, U32, 'video memory in MiB (QEMU clamps to 1..512 and rounds up to a power of two)'),
      mmio: bool('BAR2 register window'),
      'qemu-extended-regs': bool(),
      'global-vmstate': bool(),
      ...EDID_PROPS,
    },
    {
      pcie: () => false,
      create: (spec, ctx) => {
        const p = spec.props;
        const mmio = propBool(p, 'mmio', true);
        const qext = mmio && propBool(p, 'qemu-extended-regs', true);
        const facts: EndpointFacts = {
          vendor: VENDOR_QEMU, device: QEMU_VGA_DEVICE_ID, classCode: 0x0300, revision: qext ? 2 : 0, interruptPin: 0, bars: [],
        };
        const fn = new PciFunction(identityOf(facts, false), 0, ctx.configSpace);
        const mb = pow2ceil(Math.min(512, Math.max(1, propNum(p, 'vgamem_mb', 16))));
        fn.defineBar(0, { size: mb * MiB, space: 'mem', is64: false, prefetch: true });
        if (mmio) fn.defineBar(2, { size: VGA_MMIO_BAR_SIZE, space: 'mem', is64: false, prefetch: false });
        applyRom(fn, p, 'vgabios-stdvga.bin');
        return fn;
      },
    },
  );
}

/** bochs-display.c: vgamem (bytes, 4 MiB..256 MiB, rounded up to a power of two), revision 2, class 0380. */
function bochsDisplay(): ModelDef {
  return defineModel(
    'bochs-display',
    { vgamem: size('video memory, 4M..256M (rounded up to a power of two)'), ...EDID_PROPS },
    {
      check: (p) => {
        const v = propNum(p, 'vgamem', 16 * MiB);
        if (v < 4 * MiB) return [{ prop: 'vgamem', message: 'bochs-display: video memory too small (minimum 4M)' }];
        if (v > 256 * MiB) return [{ prop: 'vgamem', message: 'bochs-display: video memory too big (maximum 256M)' }];
        return [];
      },
      pcie: (_p, ctx) => onExpressBus(ctx),
      create: (spec, ctx) => {
        const p = spec.props;
        const pcie = onExpressBus(ctx);
        const facts: EndpointFacts = {
          vendor: VENDOR_QEMU, device: QEMU_VGA_DEVICE_ID, classCode: 0x0380, revision: 2, interruptPin: 0, bars: [],
        };
        const fn = new PciFunction(identityOf(facts, pcie), 0, ctx.configSpace);
        fn.defineBar(0, { size: pow2ceil(propNum(p, 'vgamem', 16 * MiB)), space: 'mem', is64: false, prefetch: true });
        fn.defineBar(2, { size: VGA_MMIO_BAR_SIZE, space: 'mem', is64: false, prefetch: false });
        applyRom(fn, p, 'vgabios-bochs-display.bin');
        if (pcie) addEndpointPcieCap(fn, ctx);
        return fn;
      },
    },
  );
}

export function displayModels(): ModelDef[] {
  return [vga(), bochsDisplay()];
}

import { PciFunction, CONFIG_WRITE_REMAP, type ConfigWriteResult } from '../pci/function.js';
import type { ConfigSpaceArena } from '../pci/config-arena.js';

/**
 * The functions QEMU 7.2 creates with -nodefaults (docs/firmware-seabios.md §13.2), with their IDs and BARs.
 * Behaviour SeaBIOS relies on beyond IDs (PIRQ routing, PM base) is plain writable config space here.
 */
export interface BuiltinFunction {
  readonly devfn: number;
  readonly model: string;
  /** Builds the function, its config space from `arena` when the machine gives one (docs/performance.md §22). */
  readonly make: (arena?: ConfigSpaceArena) => PciFunction;
}

/** Intel vendor id (PCI-SIG). */
export const PCI_VENDOR_INTEL = 0x8086;
/** q35 MCH PCIEXBAR register (QEMU hw/pci-host/q35.c MCH_HOST_BRIDGE_PCIEXBAR). */
export const MCH_PCIEXBAR = 0x60;

function writable(fn: PciFunction, from: number, to: number): PciFunction {
  fn.wmask.fill(0xff, from, to);
  return fn;
}

export const I440FX_HOST = { vendor: PCI_VENDOR_INTEL, device: 0x1237, classCode: 0x0600, revision: 0x02 } as const;
export const Q35_MCH = { vendor: PCI_VENDOR_INTEL, device: 0x29c0, classCode: 0x0600 } as const;
export const ICH9_LPC = { vendor: PCI_VENDOR_INTEL, device: 0x2918, classCode: 0x0601, revision: 0x02 } as const;
export const PIIX3_ISA = { vendor: PCI_VENDOR_INTEL, device: 0x7000, classCode: 0x0601 } as const;

export const PC_BUILTINS: readonly BuiltinFunction[] = [
  { devfn: 0x00, model: 'i440FX', make: (arena) => writable(new PciFunction(I440FX_HOST, 0, arena), 0x50, 0x100) },
  {
    devfn: 0x08,
    model: 'PIIX3',
    make: (arena) => {
      const f = writable(new PciFunction(PIIX3_ISA, 0, arena), 0x40, 0x100);
      f.multifunction = true;
      return f;
    },
  },
  {
    devfn: 0x09,
    model: 'piix3-ide',
    make: (arena) => {
      const f = writable(new PciFunction({ vendor: PCI_VENDOR_INTEL, device: 0x7010, classCode: 0x0101, progIf: 0x80 }, 0, arena), 0x40, 0x100);
      f.defineBar(4, { size: 16, space: 'io', is64: false, prefetch: false });
      return f;
    },
  },
  {
    devfn: 0x0b,
    model: 'PIIX4_PM',
    make: (arena) =>
      writable(new PciFunction({ vendor: PCI_VENDOR_INTEL, device: 0x7113, classCode: 0x0680, revision: 0x03, interruptPin: 1 }, 0, arena), 0x40, 0x100),
  },
];

/** The q35 MCH: a PCIEXBAR write changes the machine's map (ECAM on or off), so it notifies like a BAR write. */
class Q35MchFunction extends PciFunction {
  protected override writeEffect(off: number, width: number): ConfigWriteResult {
    return off < MCH_PCIEXBAR + 8 && off + width > MCH_PCIEXBAR ? CONFIG_WRITE_REMAP : super.writeEffect(off, width);
  }
}

export const Q35_BUILTINS: readonly BuiltinFunction[] = [
  { devfn: 0x00, model: 'mch', make: (arena) => writable(new Q35MchFunction(Q35_MCH, 0, arena), 0x40, 0x100) },
  {
    devfn: 0xf8,
    model: 'ICH9-LPC',
    make: (arena) => {
      const f = writable(new PciFunction(ICH9_LPC, 0, arena), 0x40, 0x100);
      f.multifunction = true;
      return f;
    },
  },
  {
    devfn: 0xfa,
    model: 'ich9-ahci',
    make: (arena) => {
      const f = writable(
        new PciFunction({ vendor: PCI_VENDOR_INTEL, device: 0x2922, classCode: 0x0106, progIf: 0x01, revision: 0x02, interruptPin: 1 }, 0, arena),
        0x40,
        0x100,
      );
      f.defineBar(4, { size: 32, space: 'io', is64: false, prefetch: false });
      f.defineBar(5, { size: 4096, space: 'mem', is64: false, prefetch: false });
      return f;
    },
  },
  {
    devfn: 0xfb,
    model: 'ICH9-SMB',
    make: (arena) => {
      const f = writable(new PciFunction({ vendor: PCI_VENDOR_INTEL, device: 0x2930, classCode: 0x0c05, revision: 0x02, interruptPin: 1 }, 0, arena), 0x40, 0x100);
      f.defineBar(4, { size: 64, space: 'io', is64: false, prefetch: false });
      return f;
    },
  },
];

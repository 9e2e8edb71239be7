/**
 * QEMU 7.2 device facts, one table for every catalogue endpoint: IDs, class, revision, interrupt
 * pin, subsystem IDs, BAR layout at default props, and the option-ROM file.
 * Sources: docs/firmware-seabios.md §13.3 (BARs and IDs verified with query-pci on QEMU 7.2.22) and docs/firmware-seabios.md §9 (ROM
 * sizes of the Debian ipxe-qemu / seabios packages); revision, pin and subsystem from the QEMU device
 * sources named per row (class_init / realize).
 */

export interface BarFact {
  readonly bar: number;
  readonly size: number;
  readonly space: 'io' | 'mem';
  readonly is64?: boolean;
  readonly prefetch?: boolean;
}

export interface EndpointFacts {
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number;
  readonly progIf?: number;
  readonly revision: number;
  readonly interruptPin: number;
  /** Explicit subsystem IDs; absent = QEMU's default 1af4:1100 (hw/pci/pci.c pci_set_default_subsystem_id). */
  readonly subsystemVendor?: number;
  readonly subsystem?: number;
  /** 'always': a PCIe-only device (4 KiB config space); 'express-bus': hybrid, PCIe when its bus is. */
  readonly pcie?: 'always' | 'express-bus';
  readonly bars: readonly BarFact[];
  /** QEMU's default romfile (k->romfile); undefined = none. */
  readonly romfile?: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** PCI_SUBVENDOR_ID_REDHAT_QUMRANET / PCI_SUBDEVICE_ID_QEMU (QEMU include/hw/pci/pci.h). */
export const DEFAULT_SUBSYSTEM_VENDOR = 0x1af4;
export const DEFAULT_SUBSYSTEM = 0x1100;

export const VENDOR_QEMU = 0x1234; // PCI_VENDOR_ID_QEMU
export const VENDOR_REDHAT = 0x1b36; // PCI_VENDOR_ID_REDHAT
export const VENDOR_VIRTIO = 0x1af4; // PCI_VENDOR_ID_REDHAT_QUMRANET
export const VENDOR_INTEL = 0x8086;
export const VENDOR_LSI = 0x1000;
export const VENDOR_REALTEK = 0x10ec;
export const VENDOR_VMWARE = 0x15ad;
export const VENDOR_CIRRUS = 0x1013;

/**
 * Option-ROM files and their ROM BAR size: the file size rounded up to a power of two
 * (docs/firmware-seabios.md §9: efi-*.rom 249856/249344 B, vgabios-stdvga/qxl 39936 B, bochs-display 28672 B).
 */
export const ROM_BAR_SIZES: Readonly<Record<string, number>> = {
  'efi-e1000.rom': 256 * KiB,
  'efi-e1000e.rom': 256 * KiB,
  'efi-rtl8139.rom': 256 * KiB,
  'efi-virtio.rom': 256 * KiB,
  'vgabios-stdvga.bin': 64 * KiB,
  'vgabios-qxl.bin': 64 * KiB,
  'vgabios-bochs-display.bin': 32 * KiB,
  // ROM BARs read off QMP query-pci of QEMU 7.2.22 and 10.0.13 (Debian 12 / 13): the same on both.
  'efi-vmxnet3.rom': 256 * KiB,
  'vgabios-cirrus.bin': 64 * KiB,
  'vgabios-virtio.bin': 64 * KiB,
};

/** Endpoints whose BARs do not depend on props beyond the table (display and virtio are in their own files). */
export const ENDPOINTS: Readonly<Record<string, EndpointFacts>> = {
  // hw/net/e1000.c e1000_devices[] "e1000" (82540EM, revision 3); realize sets pin A.
  e1000: {
    vendor: VENDOR_INTEL, device: 0x100e, classCode: 0x0200, revision: 0x03, interruptPin: 1,
    bars: [{ bar: 0, size: 128 * KiB, space: 'mem' }, { bar: 1, size: 64, space: 'io' }],
    romfile: 'efi-e1000.rom',
  },
  // hw/net/e1000e.c: 82574L, revision 0, subsys_ven 8086 / subsys 0 props, PCIe-only.
  e1000e: {
    vendor: VENDOR_INTEL, device: 0x10d3, classCode: 0x0200, revision: 0, interruptPin: 1,
    subsystemVendor: VENDOR_INTEL, subsystem: 0, pcie: 'always',
    bars: [
      { bar: 0, size: 128 * KiB, space: 'mem' }, // mmio
      { bar: 1, size: 128 * KiB, space: 'mem' }, // flash
      { bar: 2, size: 32, space: 'io' },
      { bar: 3, size: 16 * KiB, space: 'mem' }, // MSI-X
    ],
    romfile: 'efi-e1000e.rom',
  },
  // hw/net/rtl8139.c: revision RTL8139_PCI_REVID_8139CPLUS (0x20), pin A.
  rtl8139: {
    vendor: VENDOR_REALTEK, device: 0x8139, classCode: 0x0200, revision: 0x20, interruptPin: 1,
    bars: [{ bar: 0, size: 256, space: 'io' }, { bar: 1, size: 256, space: 'mem' }],
    romfile: 'efi-rtl8139.rom',
  },
  // hw/misc/edu.c: device 0x11e8, revision 0x10, PCI_CLASS_OTHERS, pin A, 1 MiB MMIO.
  edu: {
    vendor: VENDOR_QEMU, device: 0x11e8, classCode: 0x00ff, revision: 0x10, interruptPin: 1,
    bars: [{ bar: 0, size: 1 * MiB, space: 'mem' }],
  },
  // hw/misc/pci-testdev.c: no interrupt pin; BAR2 (membar) is added by the model when membar > 0.
  'pci-testdev': {
    vendor: VENDOR_REDHAT, device: 0x0005, classCode: 0x00ff, revision: 0, interruptPin: 0,
    bars: [{ bar: 0, size: 4 * KiB, space: 'mem' }, { bar: 1, size: 256, space: 'io' }],
  },
  // hw/audio/intel-hda.c intel_hda_class_init_ich9: 0x293e revision 3, pin A.
  'ich9-intel-hda': {
    vendor: VENDOR_INTEL, device: 0x293e, classCode: 0x0403, revision: 3, interruptPin: 1, pcie: 'express-bus',
    bars: [{ bar: 0, size: 16 * KiB, space: 'mem' }],
  },
  // hw/usb/hcd-xhci-pci.c / hcd-xhci-nec.c qemu-xhci: revision 1, prog-if 0x30, pin A, 64-bit BAR0.
  'qemu-xhci': {
    vendor: VENDOR_REDHAT, device: 0x000d, classCode: 0x0c03, progIf: 0x30, revision: 0x01, interruptPin: 1,
    pcie: 'express-bus',
    bars: [{ bar: 0, size: 16 * KiB, space: 'mem', is64: true }],
  },
  // hw/usb/hcd-ehci-pci.c "usb-ehci" (ICH4 82801DB): revision 0x10, prog-if 0x20, pin D.
  'usb-ehci': {
    vendor: VENDOR_INTEL, device: 0x24cd, classCode: 0x0c03, progIf: 0x20, revision: 0x10, interruptPin: 4,
    bars: [{ bar: 0, size: 4 * KiB, space: 'mem' }],
  },
  // hw/scsi/lsi53c895a.c: subsystem_id 0x1000 (subsystem vendor left 0), pin A.
  lsi53c895a: {
    vendor: VENDOR_LSI, device: 0x0012, classCode: 0x0100, revision: 0, interruptPin: 1,
    subsystemVendor: 0, subsystem: 0x1000,
    bars: [
      { bar: 0, size: 256, space: 'io' },
      { bar: 1, size: 1 * KiB, space: 'mem' }, // registers
      { bar: 2, size: 8 * KiB, space: 'mem' }, // script RAM
    ],
  },
  // hw/nvme/ctrl.c nvme_init_pci: PCI_DEVICE_ID_REDHAT_NVME, class NVM Express (0108, prog-if 2), revision 2,
  // PCIe endpoint always; BAR0 64-bit registers + doorbells + MSI-X table (16 KiB at default props).
  // IDs and BARs checked with query-pci on QEMU 7.2.22 and 10.0.13.
  nvme: {
    vendor: VENDOR_REDHAT, device: 0x0010, classCode: 0x0108, progIf: 0x02, revision: 2, interruptPin: 1, pcie: 'always',
    bars: [{ bar: 0, size: 16 * KiB, space: 'mem', is64: true }],
  },
  // hw/net/vmxnet3.c: VMware 15ad:07b0 (subsystem the same), revision VMXNET3_PCI_REVISION 1, pin A; BAR0
  // PT registers, BAR1 VD registers, BAR2 MSI-X; PCIe when its bus is. Checked on QEMU 7.2.22 and 10.0.13.
  vmxnet3: {
    vendor: VENDOR_VMWARE, device: 0x07b0, classCode: 0x0200, revision: 1, interruptPin: 1,
    subsystemVendor: VENDOR_VMWARE, subsystem: 0x07b0, pcie: 'express-bus',
    bars: [{ bar: 0, size: 4 * KiB, space: 'mem' }, { bar: 1, size: 4 * KiB, space: 'mem' }, { bar: 2, size: 8 * KiB, space: 'mem' }],
    romfile: 'efi-vmxnet3.rom',
  },
  // hw/display/cirrus_vga.c: CL-GD5446 1013:00b8, no interrupt pin; BAR0 32 MiB prefetchable VRAM window,
  // BAR1 4 KiB MMIO. Checked on QEMU 7.2.22 and 10.0.13.
  'cirrus-vga': {
    vendor: VENDOR_CIRRUS, device: 0x00b8, classCode: 0x0300, revision: 0, interruptPin: 0,
    bars: [{ bar: 0, size: 32 * MiB, space: 'mem', prefetch: true }, { bar: 1, size: 4 * KiB, space: 'mem' }],
    romfile: 'vgabios-cirrus.bin',
  },
  // hw/scsi/megasas.c megasas_devices[0] (SAS1078): subsystem 1000:1013, RAID class, pin A.
  megasas: {
    vendor: VENDOR_LSI, device: 0x0060, classCode: 0x0104, revision: 0, interruptPin: 1,
    subsystemVendor: VENDOR_LSI, subsystem: 0x1013,
    bars: [
      { bar: 0, size: 16 * KiB, space: 'mem', is64: true },
      { bar: 2, size: 256, space: 'io' },
      { bar: 3, size: 256 * KiB, space: 'mem', is64: true }, // queue
    ],
  },
};

/** Virtio device types (virtio spec §5) and their transitional PCI device IDs (0x1000 + n) and classes. */
export interface VirtioFacts {
  readonly type: number; // modern device ID = 0x1040 + type
  readonly legacyDevice: number;
  readonly classCode: number;
  readonly romfile?: string;
}

// hw/virtio/virtio-*-pci.c and include/hw/pci/pci.h PCI_DEVICE_ID_VIRTIO_*; docs/firmware-seabios.md §13.3.
export const VIRTIO: Readonly<Record<string, VirtioFacts>> = {
  'virtio-net-pci': { type: 1, legacyDevice: 0x1000, classCode: 0x0200, romfile: 'efi-virtio.rom' },
  'virtio-balloon-pci': { type: 5, legacyDevice: 0x1002, classCode: 0x00ff },
  'virtio-serial-pci': { type: 3, legacyDevice: 0x1003, classCode: 0x0780 },
  'virtio-scsi-pci': { type: 8, legacyDevice: 0x1004, classCode: 0x0100 },
  'virtio-rng-pci': { type: 4, legacyDevice: 0x1005, classCode: 0x00ff },
  'virtio-blk-pci': { type: 2, legacyDevice: 0x1001, classCode: 0x0100 },
  // virtio-gpu has no legacy interface: modern ID 0x1050 only.
  'virtio-gpu-pci': { type: 16, legacyDevice: 0x1050, classCode: 0x0380 },
  'virtio-vga': { type: 16, legacyDevice: 0x1050, classCode: 0x0300, romfile: 'vgabios-virtio.bin' },
};

/**
 * Each model's k->romfile (its default option ROM), for the fw_cfg genroms/ name rombar=0 gives it: the endpoint
 * and virtio tables' romfile, and the display models' (hw/display/vga-pci.c, bochs-display.c, qxl.c).
 */
export function defaultRomfile(model: string): string | undefined {
  const own: Readonly<Record<string, string>> = { VGA: 'vgabios-stdvga.bin', 'bochs-display': 'vgabios-bochs-display.bin', 'qxl-vga': 'vgabios-qxl.bin' };
  return own[model] ?? ENDPOINTS[model]?.romfile ?? VIRTIO[model]?.romfile;
}

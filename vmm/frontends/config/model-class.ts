import { ENDPOINTS, VIRTIO } from '../../../devices/catalogue/facts.js';
import { nearest } from './errors.js';

/**
 * PCI base classes (the class code's high byte, PCI Code and ID Assignment spec), for "did you mean" hints that
 * never offer a NIC for a disk: an unknown model is matched only against catalogued models of its own class.
 */
const CLASS_NAMES: Readonly<Record<number, string>> = {
  0x00: 'unclassified',
  0x01: 'storage',
  0x02: 'network',
  0x03: 'display',
  0x04: 'multimedia',
  0x06: 'bridge',
  0x07: 'communication',
  0x09: 'input',
  0x0c: 'serial bus (USB)',
};

/**
 * Catalogued models whose class is not in devices/catalogue/facts.ts's ENDPOINTS/VIRTIO tables (the display
 * devices and bridges build their identity inline).
 * Sources: QEMU hw/display/vga-pci.c (VGA: PCI_CLASS_DISPLAY_VGA; bochs-display: PCI_CLASS_DISPLAY_OTHER),
 * hw/display/qxl.c (qxl-vga: VGA; qxl: DISPLAY_OTHER), hw/pci-bridge/*.c (PCI_CLASS_BRIDGE_PCI).
 */
const INLINE_CLASSES: Readonly<Record<string, number>> = {
  VGA: 0x0300,
  'bochs-display': 0x0380,
  'qxl-vga': 0x0300,
  qxl: 0x0380,
  'vfio-igd': 0x0300,
  'pci-bridge': 0x0604,
  'pcie-root-port': 0x0604,
  'pcie-pci-bridge': 0x0604,
};

/**
 * Common QEMU PCI models vfio-sim does not model, with the class QEMU gives them (each model's class_init
 * `class_id`), so an error can point at the catalogued models that do the same job.
 */
const UNMODELLED_CLASSES: Readonly<Record<string, number>> = {
  'virtio-blk-pci': 0x0100, // hw/virtio/virtio-blk-pci.c: PCI_CLASS_STORAGE_SCSI
  nvme: 0x0108, // hw/nvme/ctrl.c: PCI_CLASS_STORAGE_EXPRESS
  'ich9-ahci': 0x0106, // hw/ide/ich.c: PCI_CLASS_STORAGE_SATA
  'vhost-user-fs-pci': 0x0180, // hw/virtio/vhost-user-fs-pci.c: PCI_CLASS_STORAGE_OTHER
  vmxnet3: 0x0200, // hw/net/vmxnet3.c: PCI_CLASS_NETWORK_ETHERNET
  'ne2k_pci': 0x0200, // hw/net/ne2000-pci.c
  pcnet: 0x0200, // hw/net/pcnet-pci.c
  'virtio-gpu-pci': 0x0380, // hw/display/virtio-gpu-pci.c: PCI_CLASS_DISPLAY_OTHER
  'virtio-vga': 0x0300, // hw/display/virtio-vga.c: PCI_CLASS_DISPLAY_VGA
  'cirrus-vga': 0x0300, // hw/display/cirrus_vga.c
  'vmware-svga': 0x0300, // hw/display/vmware_vga.c
  'virtio-keyboard-pci': 0x0980, // hw/virtio/virtio-input-pci.c: PCI_CLASS_INPUT_OTHER
  'virtio-mouse-pci': 0x0980,
  'virtio-tablet-pci': 0x0980,
  'intel-hda': 0x0403, // hw/audio/intel-hda.c: PCI_CLASS_MULTIMEDIA_HD_AUDIO
  AC97: 0x0401, // hw/audio/ac97.c: PCI_CLASS_MULTIMEDIA_AUDIO
  'nec-usb-xhci': 0x0c03, // hw/usb/hcd-xhci-nec.c: PCI_CLASS_SERIAL_USB
  'ich9-usb-uhci1': 0x0c03, // hw/usb/hcd-uhci.c
};

/** Words in a model name that give its class away when the name is in neither table (e.g. 'virtio-blk'). */
const NAME_HINTS: readonly (readonly [RegExp, number])[] = [
  [/(^|[-_])(blk|scsi|nvme|ahci|sata|ide|disk|storage)([-_]|$)/i, 0x0100],
  [/(^|[-_])(net|nic|eth|e1000\w*|rtl\w*)([-_]|$)/i, 0x0200],
  [/(^|[-_])(vga|gpu|display)([-_]|$)/i, 0x0300],
  [/(^|[-_])(hda|audio|ac97)([-_]|$)/i, 0x0400],
  [/(^|[-_])(usb|xhci|ehci|uhci)([-_]|$)/i, 0x0c03],
  [/(^|[-_])(keyboard|mouse|tablet|input)([-_]|$)/i, 0x0980],
];

function guessedClass(model: string): number | undefined {
  return UNMODELLED_CLASSES[model] ?? NAME_HINTS.find(([re]) => re.test(model))?.[1];
}

/** The class code of a catalogued model, or undefined for a name the catalogue does not hold. */
export function catalogueClass(model: string): number | undefined {
  return ENDPOINTS[model]?.classCode ?? VIRTIO[model]?.classCode ?? INLINE_CLASSES[model];
}

/**
 * The hint after "unknown model 'X'". A typo of a catalogued model gets that model. A QEMU model of a known class
 * (by table, or by a telling word in its name) is matched only against catalogued models of the same base class;
 * a name whose class cannot be told gets the nearest catalogued name.
 */
export function unknownModelHint(model: string, catalogued: readonly string[]): string {
  const cls = guessedClass(model);
  const n = nearest(model, catalogued);
  // A plain typo of a catalogued model of the same class (or of a name whose class we cannot tell).
  if (cls === undefined || (n !== undefined && UNMODELLED_CLASSES[model] === undefined && (catalogueClass(n) ?? -1) >> 8 === cls >> 8)) {
    return n === undefined ? ` (known models: ${catalogued.join(', ')})` : ` (did you mean '${n}'?)`;
  }
  const base = cls >> 8;
  const what = CLASS_NAMES[base] ?? `class 0x${base.toString(16).padStart(2, '0')}`;
  const same = catalogued.filter((m) => (catalogueClass(m) ?? -1) >> 8 === base);
  const a = /^[aeiou]/.test(what) ? 'an' : 'a';
  if (same.length === 0) return ` (${a} ${what} device; vfio-sim models no ${what} device)`;
  const near = nearest(model, same);
  return ` (${a} ${what} device; ${what} models here: ${same.join(', ')}${near !== undefined ? ` — did you mean '${near}'?` : ''})`;
}

/**
 * The names `lspci` prints, for the IDs vfio-sim's models carry: an excerpt of the PCI ID database
 * (pci.ids, https://pci-ids.ucw.cz, as pciutils 3.9+ ships it). An ID missing here prints as lspci prints
 * an unknown one: "Device [vvvv:dddd]" (or "Vendor Device" when only the vendor is known).
 */
export const VENDORS: Readonly<Record<number, string>> = {
  0x8086: 'Intel Corporation',
  0x1af4: 'Red Hat, Inc.',
  0x1b36: 'Red Hat, Inc.',
  0x10ec: 'Realtek Semiconductor Co., Ltd.',
  0x1000: 'Broadcom / LSI',
  0x1033: 'NEC Corporation',
};

/** vendor << 16 | device → device name. */
export const DEVICES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x8086_1237, '440FX - 82441FX PMC [Natoma]'],
  [0x8086_7000, '82371SB PIIX3 ISA [Natoma/Triton II]'],
  [0x8086_7010, '82371SB PIIX3 IDE [Natoma/Triton II]'],
  [0x8086_7113, '82371AB/EB/MB PIIX4 ACPI'],
  [0x8086_29c0, '82G33/G31/P35/P31 Express DRAM Controller'],
  [0x8086_2918, '82801IB (ICH9) LPC Interface Controller'],
  [0x8086_2922, '82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]'],
  [0x8086_2930, '82801I (ICH9 Family) SMBus Controller'],
  [0x8086_100e, '82540EM Gigabit Ethernet Controller'],
  [0x8086_10d3, '82574L Gigabit Network Connection'],
  [0x8086_293e, '82801I (ICH9 Family) HD Audio Controller'],
  [0x8086_24cd, '82801DB/DBM (ICH4/ICH4-M) USB2 EHCI Controller'],
  [0x8086_0102, '2nd Generation Core Processor Family Integrated Graphics Controller'],
  [0x8086_0112, '2nd Generation Core Processor Family Integrated Graphics Controller'],
  [0x8086_0162, 'Xeon E3-1200 v2/3rd Gen Core processor Graphics Controller'],
  [0x8086_0412, 'Xeon E3-1200 v3/4th Gen Core Processor Integrated Graphics Controller'],
  [0x8086_1616, 'HD Graphics 5500'],
  [0x8086_1912, 'HD Graphics 530'],
  [0x8086_5912, 'HD Graphics 630'],
  [0x8086_3e92, 'CoffeeLake-S GT2 [UHD Graphics 630]'],
  [0x8086_8a52, 'Iris Plus Graphics G7'],
  [0x8086_9a49, 'TigerLake-LP GT2 [Iris Xe Graphics]'],
  [0x8086_4680, 'AlderLake-S GT1'],
  [0x1b36_0001, 'QEMU PCI-PCI bridge'],
  [0x1b36_0005, 'QEMU PCI Test Device'],
  [0x1b36_000c, 'QEMU PCIe Root port'],
  [0x1b36_000d, 'QEMU XHCI Host Controller'],
  [0x1b36_000e, 'QEMU PCIe-to-PCI bridge'],
  [0x1b36_0100, 'QXL paravirtual graphic card'],
  [0x1af4_1000, 'Virtio network device'],
  [0x1af4_1001, 'Virtio block device'],
  [0x1af4_1002, 'Virtio memory balloon'],
  [0x1af4_1003, 'Virtio console'],
  [0x1af4_1004, 'Virtio SCSI'],
  [0x1af4_1005, 'Virtio RNG'],
  [0x1af4_1041, 'Virtio 1.0 network device'],
  [0x1af4_1042, 'Virtio 1.0 block device'],
  [0x1af4_1043, 'Virtio 1.0 console'],
  [0x1af4_1044, 'Virtio 1.0 RNG'],
  [0x1af4_1045, 'Virtio 1.0 memory balloon'],
  [0x1af4_1048, 'Virtio 1.0 SCSI'],
  [0x10ec_8139, 'RTL-8100/8101L/8139 PCI Fast Ethernet Adapter'],
  [0x1000_0012, '53c895a'],
  [0x1000_0060, 'MegaRAID SAS 1078'],
]);

/** Subsystem names lspci finds under a device's entry (pci.ids "subvendor subdevice name" lines). */
export const SUBSYSTEMS: ReadonlyMap<number, string> = new Map<number, string>([[0x1af4_1100, 'QEMU Virtual Machine']]);

/** base class << 8 | subclass → class name (pci.ids "C" section). */
export const CLASSES: Readonly<Record<number, string>> = {
  0x0000: 'Non-VGA unclassified device', 0x0100: 'SCSI storage controller', 0x0101: 'IDE interface', 0x0104: 'RAID bus controller',
  0x0106: 'SATA controller', 0x0180: 'Mass storage controller', 0x0200: 'Ethernet controller', 0x0280: 'Network controller',
  0x0300: 'VGA compatible controller', 0x0302: '3D controller', 0x0380: 'Display controller', 0x0401: 'Multimedia audio controller',
  0x0403: 'Audio device', 0x0500: 'RAM memory', 0x0580: 'Memory controller', 0x0600: 'Host bridge', 0x0601: 'ISA bridge', 0x0604: 'PCI bridge',
  0x0680: 'Bridge', 0x0700: 'Serial controller', 0x0780: 'Communication controller', 0x0880: 'System peripheral', 0x0c03: 'USB controller',
  0x0c05: 'SMBus', 0x00ff: 'Unclassified device', 0xff00: 'Unassigned class',
};

/** class << 8 | prog-if → the prog-if name lspci prints in "(prog-if XX [name])". */
export const PROG_IFS: Readonly<Record<number, string>> = {
  0x0300_00: 'VGA controller', 0x0c03_30: 'XHCI', 0x0c03_20: 'EHCI', 0x0c03_00: 'UHCI', 0x0106_01: 'AHCI 1.0',
  0x0101_80: 'ISA Compatibility mode-only controller, supports bus mastering', 0x0604_00: 'Normal decode',
};

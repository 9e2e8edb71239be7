/** PCI configuration-space register offsets and bits (PCI Local Bus 3.0 / PCI-to-PCI Bridge 1.2; Linux pci_regs.h names). */
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

// Type-1 (bridge) header.
export const PCI_PRIMARY_BUS = 0x18;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBORDINATE_BUS = 0x1a;
export const PCI_IO_BASE = 0x1c;
export const PCI_IO_LIMIT = 0x1d;
export const PCI_MEMORY_BASE = 0x20;
export const PCI_MEMORY_LIMIT = 0x22;
export const PCI_PREF_MEMORY_BASE = 0x24;
export const PCI_PREF_MEMORY_LIMIT = 0x26;
export const PCI_PREF_BASE_UPPER32 = 0x28;
export const PCI_PREF_LIMIT_UPPER32 = 0x2c;
export const PCI_IO_BASE_UPPER16 = 0x30;
export const PCI_IO_LIMIT_UPPER16 = 0x32;
export const PCI_ROM_ADDRESS1 = 0x38;
export const PCI_BRIDGE_CONTROL = 0x3e;

export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
export const PCI_COMMAND_SERR = 0x100;
export const PCI_STATUS_CAP_LIST = 0x10;
export const PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80;
export const PCI_HEADER_TYPE_BRIDGE = 0x01;
export const PCI_BRIDGE_CTL_SERR = 0x02;
export const PCI_BRIDGE_CTL_VGA = 0x08;

export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;
export const PCI_ROM_ADDRESS_ENABLE = 0x01;
export const PCI_IO_RANGE_TYPE_16 = 0x00;
export const PCI_PREF_RANGE_TYPE_64 = 0x01;

export const PCI_CAP_ID_PM = 0x01;
export const PCI_CAP_ID_VNDR = 0x09;
export const PCI_CAP_ID_SHPC = 0x0c;
export const PCI_CAP_ID_EXP = 0x10;
export const PCI_CAP_ID_MSIX = 0x11;
export const PCI_EXP_FLAGS = 0x02; // PCIe capabilities register, relative to the capability
export const PCI_EXP_TYPE_ROOT_PORT = 0x4;
export const PCI_EXP_TYPE_UPSTREAM = 0x5;
export const PCI_EXP_TYPE_DOWNSTREAM = 0x6;
export const PCI_EXP_TYPE_PCI_BRIDGE = 0x7;
export const PCI_EXP_FLAGS_SLOT = 0x0100;

export const PCI_CLASS_BRIDGE_PCI = 0x0604;
export const PCI_CLASS_DISPLAY_VGA = 0x0300;
export const PCI_CLASS_SERIAL_USB = 0x0c03;
export const PCI_CLASS_STORAGE_IDE = 0x0101;

/** Config space sizes: conventional 256 bytes, PCI Express 4 KiB (ECAM reaches all of it). */
export const PCI_CONFIG_SPACE_SIZE = 0x100;
export const PCIE_CONFIG_SPACE_SIZE = 0x1000;

export function bdfString(bus: number, devfn: number): string {
  const h2 = (n: number): string => n.toString(16).padStart(2, '0');
  return `${h2(bus)}:${h2(devfn >> 3)}.${(devfn & 7).toString(16)}`;
}

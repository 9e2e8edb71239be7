/**
 * Numbers SeaBIOS 1.16.2 hard-codes for QEMU (docs/firmware-seabios.md §2, §8; SeaBIOS src/fw/pciinit.c,
 * src/fw/dev-q35.h, src/fw/dev-piix.h, src/config.h, src/hw/pci_ids.h). One place for all of them.
 */

// ---- allocation (pciinit.c) ----
export const PCI_DEVICE_MEM_MIN = 0x1000; // PCI_DEVICE_MEM_MIN: memory BARs are placed as at least 4 KiB
export const PCI_BRIDGE_MEM_MIN = 0x20_0000; // PCI_BRIDGE_MEM_MIN: 2 MiB bridge memory window alignment
export const PCI_BRIDGE_IO_MIN = 0x1000; // PCI_BRIDGE_IO_MIN: bridge IO window granularity
export const PCIMEM_END = 0xfec0_0000; // BUILD_PCIMEM_END: the IOAPIC
export const IO_BASE_TRADITIONAL = 0xc000; // pci_bios_init_root_regions_io: sums below 0x4000 go here
export const IO_TRADITIONAL_LIMIT = 0x4000;
export const IO_BASE_LOW = 0x1000; // the larger fallback region
export const PCI_IO_LOW_END_DEFAULT = 0xa000; // pci_io_low_end on i440fx
export const PCI_IO_LOW_END_Q35 = 0x1_0000; // q35 when acpi_pm_base < 0x1000
export const I440FX_PCIMEM_2G = 0x8000_0000; // i440fx_mem_addr_setup thresholds and starts
export const I440FX_PCIMEM_3G = 0xc000_0000;
export const FOUR_GIB = 0x1_0000_0000;
export const ONE_GIB = 0x4000_0000; // 64-bit windows are aligned to 1 GiB ("hugepage")

// ---- PCI IDs (pci_ids.h) ----
export const VENDOR_INTEL = 0x8086;
export const VENDOR_REDHAT = 0x1b36;
export const DEVICE_REDHAT_BRIDGE = 0x0001; // pci-bridge: reserve capability accepted
export const DEVICE_REDHAT_ROOT_PORT = 0x000c; // pcie-root-port: reserve capability accepted
export const DEVICE_I440FX = 0x1237; // 82441 host bridge
export const DEVICE_Q35_MCH = 0x29c0;
export const DEVICE_PIIX3_ISA = 0x7000; // 82371SB_0
export const DEVICE_PIIX4_ISA = 0x7110; // 82371AB_0
export const DEVICE_PIIX3_IDE = 0x7010; // 82371SB_1
export const DEVICE_PIIX4_IDE = 0x7111; // 82371AB
export const DEVICE_PIIX4_PM = 0x7113; // 82371AB_3
export const DEVICE_ICH9_LPC = 0x2918;
export const DEVICE_ICH9_SMBUS = 0x2930;

// ---- QEMU resource-reserve capability (SeaBIOS src/fw/dev-pci.h; docs/firmware-seabios.md §2) ----
export const REDHAT_CAP_TYPE_OFFSET = 3;
export const REDHAT_CAP_RESOURCE_RESERVE = 1;
export const RES_RESERVE_CAP_SIZE = 32;
export const RES_RESERVE_BUS_RES = 4;
export const RES_RESERVE_IO = 8;
export const RES_RESERVE_MEM = 16;
export const RES_RESERVE_PREF_MEM_32 = 20;
export const RES_RESERVE_PREF_MEM_64 = 24;
export const PCI_CAP_FLAGS = 2; // capability length byte for vendor-specific capabilities

// ---- q35 (dev-q35.h) ----
export const Q35_HOST_BRIDGE_PCIEXBAR = 0x60;
export const Q35_HOST_BRIDGE_PCIEXBAR_ADDR = 0xb000_0000;
export const Q35_HOST_BRIDGE_PCIEXBAR_SIZE = 0x1000_0000;
export const Q35_HOST_BRIDGE_PCIEXBAREN = 1;
export const ICH9_LPC_PIRQA_ROUT = 0x60;
export const ICH9_LPC_PIRQE_ROUT = 0x68;
export const ICH9_LPC_PMBASE = 0x40;
export const ICH9_LPC_PMBASE_RTE = 0x1;
export const ICH9_LPC_ACPI_CTRL = 0x44;
export const ICH9_LPC_ACPI_CTRL_ACPI_EN = 0x80;
export const ICH9_LPC_RCBA = 0xf0;
export const ICH9_LPC_RCBA_ADDR = 0xfed1_c000;
export const ICH9_LPC_RCBA_EN = 0x1;
export const ICH9_LPC_RCBA_SIZE = 16 * 1024;
export const ICH9_SMB_SMB_BASE = 0x20;
export const ICH9_SMB_HOSTC = 0x40;
export const ICH9_SMB_HOSTC_HST_EN = 0x01;

// ---- PIIX (dev-piix.h, pciinit.c) ----
export const PIIX_PIRQ_ROUT = 0x60;
export const PIIX_PMBASE = 0x40;
export const PIIX_PMREGMISC = 0x80;
export const PIIX_SMBHSTBASE = 0x90;
export const PIIX_SMBHSTCFG = 0xd2;
export const PIIX_IDETIM_PRI = 0x40;
export const PIIX_IDETIM_SEC = 0x42;
export const PIIX_IDETIM_IDE = 0x8000;
export const PIIX4_ACPI_SCI_IRQ = 9; // "acpi sci is hardwired to 9"

// ---- platform ports ----
export const PORT_PCI_CMD = 0xcf8;
export const PORT_PCI_DATA = 0xcfc;
export const PORT_ELCR1 = 0x4d0;
export const PORT_ELCR2 = 0x4d1;
export const PORT_SMB_BASE = 0x700;
export const PORT_ACPI_PM_BASE_DEFAULT = 0xb000; // moved to 0x600 when QEMU provides etc/table-loader
export const PORT_ACPI_PM_BASE_QEMU = 0x600;
export const ACPI_PM_TIMER_OFFSET = 0x08;
export const PORT_ATA1_CMD_BASE = 0x1f0; // storage_ide_setup: legacy ISA IDE decode
export const PORT_ATA1_CTRL_BASE = 0x3f4;
export const PORT_ATA2_CMD_BASE = 0x170;
export const PORT_ATA2_CTRL_BASE = 0x374;
/** INTA..INTD → IRQ (pciinit.c pci_irqs). */
export const PCI_IRQS: readonly number[] = [10, 10, 11, 11];

// ---- memory layout (SeaBIOS src/config.h, src/malloc.c; docs/firmware-seabios.md §10, docs/igd.md §6.1) ----
export const BUILD_LOWRAM_END = 0xa_0000;
export const BUILD_BIOS_ADDR = 0xf_0000;
export const BUILD_BIOS_SIZE = 0x1_0000;
export const EBDA_START = 0x9_fc00; // EBDA_SEGMENT_START << 4, 1 KiB
export const BIOS_FLASH_START = 0xfffc_0000; // bios-256k.bin mapped below 4 GiB (paravirt.c)
export const BIOS_FLASH_SIZE = 0x4_0000;
export const BUILD_MAX_HIGHTABLE = 16 * 1024 * 1024; // ZoneHigh size when it fits (1.16.1+)
export const BUILD_MIN_HIGHTABLE = 256 * 1024;
export const MALLOC_MIN_ALIGN = 16;
export const PAGE_SIZE = 4096;
/** QEMU 7.2's ACPI blob (ACPI_BUILD_TABLE_SIZE), allocated in ZoneHigh by the table loader, align 64. */
export const ACPI_TABLES_SIZE = 0x2_0000;
export const ACPI_TABLES_ALIGN = 64;
/**
 * ZoneLow as it stands before option ROMs deploy (inference from the fixture logs: ROMs grow up
 * from 0xc0000 + OPROM_HEADER_RESERVE; the first low allocation ends at 0xe8c40 — "VGA stack
 * allocated at e8a40", 512 bytes). Approximate; nothing in the recorded fixtures depends on it.
 */
export const ZONELOW_START = 0xc_0010;
export const ZONELOW_END = 0xe_8c40;

// ---- fw_cfg (QEMU docs/specs/fw_cfg.rst; SeaBIOS src/fw/paravirt.c) ----
export const PORT_QEMU_CFG_CTL = 0x510;
export const PORT_QEMU_CFG_DATA = 0x511;
export const PORT_QEMU_CFG_DMA_ADDR_HIGH = 0x514;
export const PORT_QEMU_CFG_DMA_ADDR_LOW = 0x518;
export const QEMU_CFG_SIGNATURE = 0x00;
export const QEMU_CFG_ID = 0x01;
export const QEMU_CFG_NB_CPUS = 0x05;
export const QEMU_CFG_MAX_CPUS = 0x0f;
export const QEMU_CFG_FILE_DIR = 0x19;
export const QEMU_CFG_VERSION_DMA = 0x02;
export const QEMU_CFG_DMA_CTL_ERROR = 0x01;
export const QEMU_CFG_DMA_CTL_READ = 0x02;
export const QEMU_CFG_DMA_CTL_SELECT = 0x08;
export const QEMU_CFG_FILE_ENTRY_SIZE = 64;
export const QEMU_CFG_FILE_NAME_OFFSET = 8;
export const QEMU_CFG_FILE_NAME_LEN = 56;
/** Scratch RAM the firmware uses for fw_cfg DMA: the access descriptor and a bounce buffer, both in ZoneTmpLow [0x7000, 0x90000). */
export const FWCFG_DMA_DESC_ADDR = 0x6f00;
export const FWCFG_BOUNCE_ADDR = 0x2_0000;
export const FWCFG_BOUNCE_SIZE = 0x1_0000;

// ---- legacy devices probed after PCI (src/hw/serialio.c, src/hw/timer.c) ----
export const PORT_LPT: readonly number[] = [0x378, 0x278];
export const PORT_SERIAL: readonly number[] = [0x3f8, 0x2f8, 0x3e8, 0x2e8];
export const SEROFF_IER = 1;
export const SEROFF_IIR = 2;

// ---- option ROMs (src/optionroms.c) ----
export const PCI_ROM_ADDRESS_MASK = 0xffff_f800; // ~0x7ff
export const OPTION_ROM_MIN_VALID = 20 * 1024 * 1024; // map_pcirom refuses the first 16 MiB and the last 4 MiB
export const OPTION_ROM_TOP_SLACK = 4 * 1024 * 1024;


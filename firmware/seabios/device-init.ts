import {
  PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_SERR, PCI_CLASS_DISPLAY_VGA, PCI_CLASS_STORAGE_IDE, PCI_COMMAND, PCI_COMMAND_IO,
  PCI_COMMAND_MEMORY, PCI_COMMAND_SERR, PCI_INTERRUPT_LINE, PCI_INTERRUPT_PIN,
} from '../../devices/pci/regs.js';
import {
  ACPI_PM_TIMER_OFFSET, DEVICE_ICH9_LPC, DEVICE_ICH9_SMBUS, DEVICE_PIIX3_IDE, DEVICE_PIIX3_ISA, DEVICE_PIIX4_IDE,
  DEVICE_PIIX4_ISA, DEVICE_PIIX4_PM, ICH9_LPC_ACPI_CTRL, ICH9_LPC_ACPI_CTRL_ACPI_EN, ICH9_LPC_PIRQA_ROUT,
  ICH9_LPC_PIRQE_ROUT, ICH9_LPC_PMBASE, ICH9_LPC_PMBASE_RTE, ICH9_LPC_RCBA, ICH9_LPC_RCBA_ADDR, ICH9_LPC_RCBA_EN,
  ICH9_LPC_RCBA_SIZE, ICH9_SMB_HOSTC, ICH9_SMB_HOSTC_HST_EN, ICH9_SMB_SMB_BASE, PCI_IRQS, PIIX4_ACPI_SCI_IRQ,
  PIIX_IDETIM_IDE, PIIX_IDETIM_PRI, PIIX_IDETIM_SEC, PIIX_PIRQ_ROUT, PIIX_PMBASE, PIIX_PMREGMISC, PIIX_SMBHSTBASE,
  PIIX_SMBHSTCFG, PORT_ATA1_CMD_BASE, PORT_ATA1_CTRL_BASE, PORT_ATA2_CMD_BASE, PORT_ATA2_CTRL_BASE, PORT_ELCR1,
  PORT_ELCR2, PORT_SMB_BASE, VENDOR_INTEL,
} from './constants.js';
import { barOffset } from './collect.js';
import { E820_RESERVED } from './e820.js';
import type { FirmwareContext, IgdSetupHook } from '../igd-hook.js';
import { slotIrq } from './irq.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_USING_PMTIMER_IOPORT_0X = seabiosFormat('Using pmtimer, ioport 0x%x\n');
const F_PIIX3_PIIX4_INIT_ELCR = seabiosFormat('PIIX3/PIIX4 init: elcr=%02x %02x\n');
const F_Q35_LPC_INIT_ELCR = seabiosFormat('Q35 LPC init: elcr=%02x %02x\n');
const F_PCI_INIT_BDF_ID = seabiosFormat('PCI: init bdf=%pP id=%04x:%04x\n');
const F_PCI_SLOT_GET_IRQ_CALLED = seabiosFormat('pci_slot_get_irq called with unknown routing\n');

/** The ELCR bytes that make every PCI IRQ level-triggered. */
function elcr(): readonly [number, number] {
  const e: [number, number] = [0, 0];
  for (const irq of PCI_IRQS) e[irq >> 3] |= 1 << (irq & 7);
  return e;
}

/** They follow from the constant PCI_IRQS alone: worked out once, not per ISA bridge per boot. */
const [ELCR1, ELCR2] = elcr();

/** storage_ide_setup's legacy ports for BARs 0–3. */
const IDE_LEGACY_PORTS: readonly number[] = [PORT_ATA1_CMD_BASE, PORT_ATA1_CTRL_BASE, PORT_ATA2_CMD_BASE, PORT_ATA2_CTRL_BASE];

/** pmtimer_setup: SeaBIOS's timer source from now on. */
function pmtimerSetup(s: PostState, port: number): void {
  s.debug.printf(F_USING_PMTIMER_IOPORT_0X, port);
}

/** piix_isa_bridge_setup: PIRQ routing 0x60..0x63 and ELCR. */
function piixIsaBridge(s: PostState, dev: FwPciDevice): void {
  for (let i = 0; i < PCI_IRQS.length; i++) s.cfg.write8(dev.bdf, PIIX_PIRQ_ROUT + i, PCI_IRQS[i]!);
  s.io.outb(PORT_ELCR1, ELCR1);
  s.io.outb(PORT_ELCR2, ELCR2);
  s.debug.printf(F_PIIX3_PIIX4_INIT_ELCR, ELCR1, ELCR2);
}

/** mch_isa_bridge_setup: PIRQA–H routing, ELCR, ACPI PM base and enable, RCBA (reserved in e820). */
function mchIsaBridge(s: PostState, dev: FwPciDevice): void {
  const { cfg } = s;
  for (let i = 0; i < PCI_IRQS.length; i++) {
    cfg.write8(dev.bdf, ICH9_LPC_PIRQA_ROUT + i, PCI_IRQS[i]!);
    cfg.write8(dev.bdf, ICH9_LPC_PIRQE_ROUT + i, PCI_IRQS[i]!);
  }
  s.io.outb(PORT_ELCR1, ELCR1);
  s.io.outb(PORT_ELCR2, ELCR2);
  s.debug.printf(F_Q35_LPC_INIT_ELCR, ELCR1, ELCR2);
  cfg.write32(dev.bdf, ICH9_LPC_PMBASE, s.acpiPmBase | ICH9_LPC_PMBASE_RTE);
  cfg.write8(dev.bdf, ICH9_LPC_ACPI_CTRL, ICH9_LPC_ACPI_CTRL_ACPI_EN);
  pmtimerSetup(s, s.acpiPmBase + ACPI_PM_TIMER_OFFSET);
  cfg.write32(dev.bdf, ICH9_LPC_RCBA, (ICH9_LPC_RCBA_ADDR | ICH9_LPC_RCBA_EN) >>> 0);
  s.e820.add(ICH9_LPC_RCBA_ADDR, ICH9_LPC_RCBA_SIZE, E820_RESERVED);
}

/** storage_ide_setup: a non-PIIX IDE controller is put on the legacy ISA ports. */
function storageIde(s: PostState, dev: FwPciDevice): void {
  for (let i = 0; i < IDE_LEGACY_PORTS.length; i++) s.cfg.write32(dev.bdf, barOffset(dev, i), IDE_LEGACY_PORTS[i]!);
}

function piixIde(s: PostState, dev: FwPciDevice): void {
  s.cfg.write16(dev.bdf, PIIX_IDETIM_PRI, PIIX_IDETIM_IDE);
  s.cfg.write16(dev.bdf, PIIX_IDETIM_SEC, PIIX_IDETIM_IDE);
}

/** piix4_pm_setup: SCI on IRQ 9, PM and SMBus IO bases, then the PM timer. */
function piix4Pm(s: PostState, dev: FwPciDevice): void {
  const { cfg } = s;
  cfg.write8(dev.bdf, PCI_INTERRUPT_LINE, PIIX4_ACPI_SCI_IRQ);
  cfg.write32(dev.bdf, PIIX_PMBASE, s.acpiPmBase | 1);
  cfg.write8(dev.bdf, PIIX_PMREGMISC, 0x01);
  cfg.write32(dev.bdf, PIIX_SMBHSTBASE, PORT_SMB_BASE | 1);
  cfg.write8(dev.bdf, PIIX_SMBHSTCFG, 0x09);
  pmtimerSetup(s, s.acpiPmBase + ACPI_PM_TIMER_OFFSET);
}

/** ich9_smbus_setup: BAR4 forced to 0x700 (after pass #2 placed it), host enable. */
function ich9Smbus(s: PostState, dev: FwPciDevice): void {
  s.cfg.write32(dev.bdf, ICH9_SMB_SMB_BASE, PORT_SMB_BASE | 1);
  s.cfg.write8(dev.bdf, ICH9_SMB_HOSTC, ICH9_SMB_HOSTC_HST_EN);
}

interface DeviceHook {
  readonly vendor: number; // −1 = any
  readonly device: number; // −1 = any
  readonly classCode: number; // −1 = any
  readonly run: (s: PostState, dev: FwPciDevice, igd: IgdSetupHook | undefined, ctx: () => FirmwareContext) => void;
}

/** pci_device_tbl in its order; the first match runs (IBM PIC and Apple macio entries omitted: not on QEMU x86). */
const DEVICE_TABLE: readonly DeviceHook[] = [
  { vendor: VENDOR_INTEL, device: DEVICE_PIIX3_ISA, classCode: -1, run: (s, d) => piixIsaBridge(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_PIIX4_ISA, classCode: -1, run: (s, d) => piixIsaBridge(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_ICH9_LPC, classCode: -1, run: (s, d) => mchIsaBridge(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_PIIX3_IDE, classCode: PCI_CLASS_STORAGE_IDE, run: (s, d) => piixIde(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_PIIX4_IDE, classCode: PCI_CLASS_STORAGE_IDE, run: (s, d) => piixIde(s, d) },
  { vendor: -1, device: -1, classCode: PCI_CLASS_STORAGE_IDE, run: (s, d) => storageIde(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_PIIX4_PM, classCode: -1, run: (s, d) => piix4Pm(s, d) },
  { vendor: VENDOR_INTEL, device: DEVICE_ICH9_SMBUS, classCode: -1, run: (s, d) => ich9Smbus(s, d) },
  // intel_igd_setup (SeaBIOS src/fw/pciinit.c): OpRegion / BDSM for Intel graphics (docs/igd.md §6.1),
  // delegated to the IGD hook.
  { vendor: VENDOR_INTEL, device: -1, classCode: PCI_CLASS_DISPLAY_VGA, run: (_s, d, igd, ctx) => igd?.(ctx(), d.bdf) },
];

/**
 * pci_bios_init_devices (SeaBIOS src/fw/pciinit.c; docs/firmware-seabios.md §8.1), in probe order: log,
 * INTERRUPT_LINE from the routing, the first matching device hook, then COMMAND |= IO | MEMORY | SERR (and SERR
 * forwarding on bridges).
 */
export function initDevices(s: PostState, igd: IgdSetupHook | undefined, ctx: () => FirmwareContext): void {
  const { cfg, debug } = s;
  for (const dev of s.devices) {
    const bdf = dev.bdf;
    debug.printf(F_PCI_INIT_BDF_ID, bdf, dev.vendor, dev.device);
    const pin = cfg.read8(bdf, PCI_INTERRUPT_PIN);
    if (pin !== 0) {
      if (s.irqRouting === 'none') debug.printf(F_PCI_SLOT_GET_IRQ_CALLED);
      cfg.write8(bdf, PCI_INTERRUPT_LINE, slotIrq(s.irqRouting, dev, pin));
    }
    for (const h of DEVICE_TABLE) {
      if ((h.vendor === -1 || h.vendor === dev.vendor) && (h.device === -1 || h.device === dev.device) && (h.classCode === -1 || h.classCode === dev.classCode)) {
        h.run(s, dev, igd, ctx);
        break;
      }
    }
    cfg.mask16(bdf, PCI_COMMAND, 0, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR);
    if ((dev.headerType & 1) !== 0) cfg.mask16(bdf, PCI_BRIDGE_CONTROL, 0, PCI_BRIDGE_CTL_SERR);
  }
}

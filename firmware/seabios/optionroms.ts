import { PCI_CLASS_DISPLAY_VGA, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS_ENABLE } from '../../devices/pci/regs.js';
import { OPTION_ROM_MIN_VALID, OPTION_ROM_TOP_SLACK, PCI_ROM_ADDRESS_MASK } from './constants.js';
import type { FirmwareContext, OptionRomHook } from '../igd-hook.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { isPciVga } from './vga.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_SCAN_FOR_VGA_OPTION_ROM = seabiosFormat('Scan for VGA option rom\n');
const F_SCAN_FOR_OPTION_ROMS = seabiosFormat('Scan for option roms\n');

/**
 * map_pcirom's part that touches the device: size the ROM BAR, refuse implausible addresses, enable
 * it, let the hook run the ROM, restore the disabled value. (Signature and PCIR checks belong to
 * whatever the hook runs.) Only type-0 headers; SeaBIOS reads 0x30 even on bridges.
 */
function mapPcirom(s: PostState, dev: FwPciDevice, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  if ((dev.headerType & 0x7f) !== 0) return;
  const { cfg } = s;
  const bdf = dev.bdf;
  let orig = cfg.read32(bdf, PCI_ROM_ADDRESS);
  cfg.write32(bdf, PCI_ROM_ADDRESS, ~PCI_ROM_ADDRESS_ENABLE >>> 0);
  const sz = cfg.read32(bdf, PCI_ROM_ADDRESS);
  orig = (orig & ~PCI_ROM_ADDRESS_ENABLE) >>> 0;
  const plausible = sz !== 0 && sz !== 0xffff_ffff && orig !== sz && ((orig + OPTION_ROM_TOP_SLACK) >>> 0) >= OPTION_ROM_MIN_VALID;
  if (plausible && hook !== undefined) {
    cfg.write32(bdf, PCI_ROM_ADDRESS, (orig | PCI_ROM_ADDRESS_ENABLE) >>> 0);
    const size = ((~(sz & PCI_ROM_ADDRESS_MASK) >>> 0) + 1) % 0x1_0000_0000;
    hook(ctx, bdf, (orig & PCI_ROM_ADDRESS_MASK) >>> 0, size);
  }
  cfg.write32(bdf, PCI_ROM_ADDRESS, orig);
}

/**
 * init_pcirom: a fw_cfg "pciVVVV,DDDD.rom" file wins (deployed from fw_cfg, not run here); else the ROM BAR. The
 * file is looked up by vendor and device (the client recognised such names when it read the directory), not by
 * a name made per device.
 */
function initPcirom(s: PostState, dev: FwPciDevice, isVga: boolean, run: number, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  if (s.fwcfg.hasPciRom(dev.vendor, dev.device)) return;
  if (run > 1 || (run === 1 && isVga)) mapPcirom(s, dev, hook, ctx);
}

/** vgarom_setup: the first VGA device that decodes (is_pci_vga) gets its ROM run first. */
export function vgaromSetup(s: PostState, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  s.debug.printf(F_SCAN_FOR_VGA_OPTION_ROM);
  const run = s.fwcfg.loadInt('etc/pci-optionrom-exec', 2);
  for (const dev of s.devices) {
    if (!isPciVga(s.cfg, dev)) continue;
    initPcirom(s, dev, true, run, hook, ctx);
    break;
  }
}

/**
 * optionrom_setup: every other device in probe order, skipping all VGA-class functions (a second
 * VGA's ROM never runs). SeaBIOS also skips devices its own drivers claimed (AHCI, USB, virtio-blk/
 * scsi, ...); none of those carries a ROM BAR in QEMU 7.2.
 */
export function optionromSetup(s: PostState, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  s.debug.printf(F_SCAN_FOR_OPTION_ROMS);
  const run = s.fwcfg.loadInt('etc/pci-optionrom-exec', 2);
  for (const dev of s.devices) {
    if (dev.classCode === PCI_CLASS_DISPLAY_VGA) continue;
    initPcirom(s, dev, false, run, hook, ctx);
  }
}

import { PCI_CLASS_DISPLAY_VGA, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS_ENABLE } from '../../devices/pci/regs.js';
import { OPTION_ROM_MIN_VALID, OPTION_ROM_TOP_SLACK, PCI_ROM_ADDRESS_MASK } from './constants.js';
import type { FirmwareContext, OptionRomHook } from '../igd-hook.js';
import type { FwCfgClient } from './fwcfg.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { isPciVga } from './vga.js';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

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
 * init_pcirom's fw_cfg lookup (romfile_find of "pci%04x,%04x.rom"), answered once per vendor:device pair of a scan.
 * The client reads fw_cfg's file directory once (qemu_cfg_init) and never again, so the answer for an ID cannot
 * change during the boot. A machine's functions are mostly a few models many times over: building and hashing a
 * name per function was ~1.5 % of a 200-root-port boot, for two IDs (docs/performance.md §23).
 */
class RomFileLookup {
  /** Answers by (vendor << 16 | device): an int32, so a small-integer key (vendor 0x8086 sets bit 31). */
  private readonly known = new Map<number, boolean>();

  constructor(private readonly fwcfg: FwCfgClient) {}

  has(vendor: number, device: number): boolean {
    const key = (vendor << 16) | device;
    let found = this.known.get(key);
    if (found === undefined) {
      found = this.fwcfg.has(`pci${hex4(vendor)},${hex4(device)}.rom`);
      this.known.set(key, found);
    }
    return found;
  }
}

/** init_pcirom: a fw_cfg "pciVVVV,DDDD.rom" file wins (deployed from fw_cfg, not run here); else the ROM BAR. */
function initPcirom(s: PostState, roms: RomFileLookup, dev: FwPciDevice, isVga: boolean, run: number, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  if (roms.has(dev.vendor, dev.device)) return;
  if (run > 1 || (run === 1 && isVga)) mapPcirom(s, dev, hook, ctx);
}

/** vgarom_setup: the first VGA device that decodes (is_pci_vga) gets its ROM run first. */
export function vgaromSetup(s: PostState, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  s.debug.printf('Scan for VGA option rom\n');
  const run = s.fwcfg.loadInt('etc/pci-optionrom-exec', 2);
  for (const dev of s.devices) {
    if (!isPciVga(s.cfg, dev)) continue;
    initPcirom(s, new RomFileLookup(s.fwcfg), dev, true, run, hook, ctx);
    break;
  }
}

/**
 * optionrom_setup: every other device in probe order, skipping all VGA-class functions (a second
 * VGA's ROM never runs). SeaBIOS also skips devices its own drivers claimed (AHCI, USB, virtio-blk/
 * scsi, ...); none of those carries a ROM BAR in QEMU 7.2.
 */
export function optionromSetup(s: PostState, hook: OptionRomHook | undefined, ctx: FirmwareContext): void {
  s.debug.printf('Scan for option roms\n');
  const run = s.fwcfg.loadInt('etc/pci-optionrom-exec', 2);
  const roms = new RomFileLookup(s.fwcfg);
  for (const dev of s.devices) {
    if (dev.classCode === PCI_CLASS_DISPLAY_VGA) continue;
    initPcirom(s, roms, dev, false, run, hook, ctx);
  }
}

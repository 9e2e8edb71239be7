/**
 * Whole-machine refusals QEMU makes while realizing devices (7.2 and 10.0 alike), with QEMU's own messages as
 * `-device` prints them (checked by starting both QEMUs with the offending line):
 * - hw/virtio/virtio-balloon.c virtio_balloon_device_realize (qemu_add_balloon_handler): a second balloon;
 * - hw/pci/pci.c pci_add_option_rom: with rombar=0 the ROM goes to fw_cfg as genroms/<romfile>, and
 *   hw/nvram/fw_cfg.c fw_cfg_add_file_callback refuses a second file of the same name;
 * - hw/display/qxl.c qxl_realize_primary: qxl-vga must be graphic console 0, the first display device.
 */
import { defaultRomfile } from '../../../devices/catalogue/index.js';
import type { DeviceSpec } from '../../../devices/spec.js';
import type { Problem } from './problems.js';
import type { PathSeg } from './yaml-doc.js';

/** Models that create a graphic console when realized (hw/display/*: graphic_console_init). */
const DISPLAY_MODELS = new Set(['VGA', 'bochs-display', 'cirrus-vga', 'qxl', 'qxl-vga', 'virtio-gpu-pci', 'virtio-vga', 'vfio-igd']);


/** `devices` with the index each had in the config; `lineOf` names the earlier device in a message. */
export function qemuRefusals(devices: readonly { spec: DeviceSpec; index: number }[], lineOf: (i: number) => number): Problem[] {
  const out: Problem[] = [];
  let balloon: number | undefined;
  let displays = 0;
  const romfiles = new Map<string, number>();
  const earlier = (i: number): { index: number; line: number } => ({ index: i, line: lineOf(i) });
  for (const { spec, index } of devices) {
    const at = (...p: PathSeg[]): PathSeg[] => ['devices', index, ...p];
    if (spec.model === 'virtio-balloon-pci') {
      if (balloon !== undefined) out.push({ path: at('model'), code: 'second-balloon', params: { first: earlier(balloon) } });
      else balloon = index;
    }
    if (spec.model === 'qxl-vga' && displays > 0) {
      out.push({ path: at('model'), code: 'qxl-vga-not-first', params: {} });
    }
    if (DISPLAY_MODELS.has(spec.model)) displays++;
    const rombar = spec.props['rombar'];
    const file = typeof spec.props['romfile'] === 'string' ? spec.props['romfile'] : defaultRomfile(spec.model);
    if (rombar === 0 && file !== undefined && file !== '') {
      const prev = romfiles.get(file);
      if (prev !== undefined) out.push({ path: at('props', 'rombar'), code: 'duplicate-genrom', params: { file, first: earlier(prev) } });
      else romfiles.set(file, index);
    }
  }
  return out;
}

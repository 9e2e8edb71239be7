import { E820_TYPE_CODES } from './e820.js';
import type { FirmwareContext } from '../igd-hook.js';
import type { PostState } from './state.js';
import { configAccessors } from './pci-config.js';

/** The FirmwareContext view of one POST's state. */
export function makeContext(s: PostState, platform: FirmwareContext['platform']): FirmwareContext {
  const { cfg, fwcfg } = s;
  return {
    io: s.io,
    platform,
    ...configAccessors(cfg),
    get devices() {
      return s.devices;
    },
    fwcfgFile: (name) => fwcfg.file(name),
    fwcfgFileSize: (name) => fwcfg.size(name),
    fwcfgReadInto: (name, addr) => fwcfg.readInto(name, addr),
    fwcfgLoadInt: (name, def) => fwcfg.loadInt(name, def),
    memalignHigh: (align, size) => s.zones?.high.memalign(align, size) ?? 0,
    memalignTmpHigh: (align, size) => s.zones?.tmpHigh.memalign(align, size) ?? 0,
    memalignLow: (align, size) => s.zones?.low.memalign(align, size) ?? 0,
    e820Add: (start, size, type) => s.e820.add(start, size, E820_TYPE_CODES[type]),
    get ramSize() {
      return s.ramSize;
    },
    get ramSizeOver4G() {
      return s.ramSizeOver4G;
    },
    lowerRamSize: (bytes) => {
      if (bytes > s.ramSize || bytes < 0) return false;
      s.ramSize = bytes;
      return true;
    },
    log: (text) => s.debug.write(text),
  };
}

import { E820_TYPE_CODES } from './e820.js';
import type { FirmwareContext } from '../igd-hook.js';
import type { FirmwareIo } from '../io.js';
import type { E820Type, FwPciDevice } from '../types.js';
import type { PostState } from './state.js';
import { ConfigAccess } from './pci-config.js';

/**
 * The FirmwareContext view of one POST's state. A class with methods, not an object of arrow functions: most
 * members are never called in a boot, and such never-called arrow functions kept the whole boot (machine,
 * POST state) alive across V8's scavenges until the next full GC, which made each scavenge copy every boot
 * since the last one (docs/performance.md §12).
 */
class PostContext extends ConfigAccess implements FirmwareContext {
  readonly io: FirmwareIo;

  constructor(
    private readonly s: PostState,
    readonly platform: FirmwareContext['platform'],
  ) {
    super(s.cfg);
    this.io = s.io;
  }

  get devices(): readonly FwPciDevice[] {
    return this.s.devices;
  }
  fwcfgFile(name: string): Uint8Array | undefined {
    return this.s.fwcfg.file(name);
  }
  fwcfgFileSize(name: string): number | undefined {
    return this.s.fwcfg.size(name);
  }
  fwcfgReadInto(name: string, addr: number): number {
    return this.s.fwcfg.readInto(name, addr);
  }
  fwcfgLoadInt(name: string, def: number): number {
    return this.s.fwcfg.loadInt(name, def);
  }
  memalignHigh(align: number, size: number): number {
    return this.s.zones?.high.memalign(align, size) ?? 0;
  }
  memalignTmpHigh(align: number, size: number): number {
    return this.s.zones?.tmpHigh.memalign(align, size) ?? 0;
  }
  memalignLow(align: number, size: number): number {
    return this.s.zones?.low.memalign(align, size) ?? 0;
  }
  e820Add(start: number, size: number, type: E820Type): void {
    this.s.e820.add(start, size, E820_TYPE_CODES[type]);
  }
  get ramSize(): number {
    return this.s.ramSize;
  }
  get ramSizeOver4G(): number {
    return this.s.ramSizeOver4G;
  }
  lowerRamSize(bytes: number): boolean {
    if (bytes > this.s.ramSize || bytes < 0) return false;
    this.s.ramSize = bytes;
    return true;
  }
  log(text: string): void {
    this.s.debug.write(text);
  }
}

export function makeContext(s: PostState, platform: FirmwareContext['platform']): FirmwareContext {
  return new PostContext(s, platform);
}

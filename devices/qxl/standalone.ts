import type { PropValue } from '../spec.js';
import { directDma, type DmaPort } from '../memory/dma.js';
import { GuestMemory } from '../memory/guest-memory.js';
import { PCI_BASE_ADDRESS_0, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../pci/regs.js';
import { QxlDevice } from './device.js';
import type { GuestCpu } from './driver-core.js';
import { validateQxlProps } from './sizing.js';

/** A QXL device on its own: guest RAM, BARs programmed through config space, and a CPU view routing to both. */
export interface StandaloneQxl {
  readonly dev: QxlDevice;
  readonly ram: GuestMemory;
  readonly cpu: GuestCpu;
  /** Reprograms BAR `index` (memory BARs) to `addr`, as a guest OS moving it would. */
  moveBar(index: number, addr: number): void;
}

export interface StandaloneOptions {
  readonly vga?: boolean;
  readonly ramBytes?: number; // guest RAM below the BARs (default 256 MiB)
  readonly mmioBase?: number; // first BAR address (default 0x8000_0000)
  readonly ioBase?: number; // IO BAR (default 0xc000)
  readonly dma?: (ram: GuestMemory) => DmaPort;
}

/** Builds the device, places its BARs naturally aligned from mmioBase (BAR4 above 4 GiB) and enables decode. */
export function createStandaloneQxl(props: Readonly<Record<string, PropValue>> = {}, opts: StandaloneOptions = {}): StandaloneQxl {
  // The same refusal QEMU's realize gives (and the config validator reports) for a library caller.
  const invalid = validateQxlProps(props);
  if (invalid !== undefined) throw new RangeError(invalid);
  const ram = new GuestMemory();
  const ramBytes = opts.ramBytes ?? 256 * 1024 * 1024;
  const dma = opts.dma !== undefined ? opts.dma(ram) : directDma(0x0028, ram);
  const dev = new QxlDevice(props, { vga: opts.vga ?? false, dma: () => dma });
  const setBar = (i: number, addr: number): void => {
    dev.configWrite(PCI_BASE_ADDRESS_0 + 4 * i, 4, addr >>> 0);
    if (dev.bars[i]?.is64 === true) dev.configWrite(PCI_BASE_ADDRESS_0 + 4 * i + 4, 4, Math.floor(addr / 0x1_0000_0000));
  };
  let next = opts.mmioBase ?? 0x8000_0000;
  for (const i of [0, 1, 2]) {
    const size = dev.bars[i]!.size;
    next = Math.ceil(next / size) * size;
    setBar(i, next);
    next += size;
  }
  setBar(3, opts.ioBase ?? 0xc000);
  if (dev.bars[4] !== undefined) setBar(4, Math.max(0x8_0000_0000, Math.ceil(0x8_0000_0000 / dev.bars[4].size) * dev.bars[4].size));
  dev.configWrite(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

  const barAt = (addr: number, io: boolean): [number, number] => {
    for (let i = 0; i < 5; i++) {
      const spec = dev.bars[i];
      if (spec === undefined || (spec.space === 'io') !== io) continue;
      const base = dev.barAddress(i);
      if (base >= 0 && addr >= base && addr < base + spec.size) return [i, addr - base];
    }
    return [-1, 0];
  };
  const readMem = (a: number, w: 1 | 2 | 4): number => {
    const [bar, off] = barAt(a, false);
    if (bar >= 0) return dev.barRead(bar, off, w);
    return a + w <= ramBytes ? ram.read(a, w) : w === 4 ? 0xffffffff : (1 << (8 * w)) - 1;
  };
  const writeMem = (a: number, w: 1 | 2 | 4, v: number): void => {
    const [bar, off] = barAt(a, false);
    if (bar >= 0) dev.barWrite(bar, off, w, v);
    else if (a + w <= ramBytes) ram.write(a, w, v);
  };
  const cpu: GuestCpu = {
    outb: (p, v) => {
      const [bar, off] = barAt(p, true);
      if (bar >= 0) dev.barWrite(bar, off, 1, v & 0xff);
    },
    inb: (p) => {
      const [bar, off] = barAt(p, true);
      return bar >= 0 ? dev.barRead(bar, off, 1) : 0xff;
    },
    readMem,
    writeMem,
    readBytes: (a, out) => {
      for (let i = 0; i < out.length; i++) out[i] = readMem(a + i, 1);
    },
    writeBytes: (a, data) => {
      const [bar] = barAt(a, false);
      if (bar < 0 && a + data.length <= ramBytes) ram.writeBytes(a, data);
      else for (let i = 0; i < data.length; i++) writeMem(a + i, 1, data[i]!);
    },
  };
  return { dev, ram, cpu, moveBar: setBar };
}

import { describe, expect, it } from 'vitest';
import type { FirmwareIo } from '../../firmware/io.js';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { FwCfgClient } from '../../firmware/seabios/fwcfg.js';
import { FwCfg } from '../../vmm/core/fwcfg/device.js';

/** A CPU with 1 MiB of RAM and the fw_cfg device on 0x510..0x51b (selector, data, DMA address), nothing else. */
function cpuWith(files: Record<string, number[]>): FirmwareIo {
  const ram = new Uint8Array(1 << 20);
  const mem = {
    readBytes: (addr: number, out: Uint8Array) => out.set(ram.subarray(addr, addr + out.length)),
    writeBytes: (addr: number, data: Uint8Array) => ram.set(data, addr),
  };
  const fw = new FwCfg(mem);
  for (const [name, bytes] of Object.entries(files)) fw.addFile(name, Uint8Array.from(bytes));
  const port = (p: number): number => p - 0x510;
  const inRange = (p: number): boolean => p >= 0x510 && p < 0x51c;
  return {
    inb: (p) => (inRange(p) ? fw.ports.read(port(p), 1) : 0xff),
    inw: (p) => (inRange(p) ? fw.ports.read(port(p), 2) : 0xffff),
    inl: (p) => (inRange(p) ? fw.ports.read(port(p), 4) : 0xffff_ffff),
    outb: (p, v) => (inRange(p) ? fw.ports.write(port(p), 1, v) : undefined),
    outw: (p, v) => (inRange(p) ? fw.ports.write(port(p), 2, v) : undefined),
    outl: (p, v) => (inRange(p) ? fw.ports.write(port(p), 4, v) : undefined),
    readMem: (addr, width) => {
      let v = 0;
      for (let i = width - 1; i >= 0; i--) v = v * 256 + ram[addr + i]!;
      return v;
    },
    writeMem: (addr, width, value) => {
      for (let i = 0; i < width; i++) ram[addr + i] = (value >>> (8 * i)) & 0xff;
    },
    readBytes: mem.readBytes,
    writeBytes: mem.writeBytes,
    cpuid: () => [0, 0, 0, 0],
  };
}

function client(files: Record<string, number[]>): FwCfgClient {
  const io = cpuWith(files);
  return new FwCfgClient(io, new DebugOutput(io));
}

describe("SeaBIOS's fw_cfg client reads the file directory in place", () => {
  it('finds each file by its exact name, with its size and contents', () => {
    const c = client({ 'etc/e820': [1, 2, 3], 'etc/e82': [9], 'etc/e8200': [7, 7], 'opt/x': [0x34, 0x12] });
    expect(c.present).toBe(true);
    expect(c.has('etc/e820')).toBe(true);
    expect(c.has('etc/e82')).toBe(true);
    expect(c.has('etc/e821')).toBe(false);
    expect(c.has('')).toBe(false);
    expect(c.size('etc/e820')).toBe(3);
    expect(c.size('etc/e8200')).toBe(2);
    expect(c.size('nope')).toBeUndefined();
    expect(Array.from(c.file('etc/e820')!)).toEqual([1, 2, 3]);
    expect(Array.from(c.file('etc/e82')!)).toEqual([9]);
    expect(c.file('etc/e8201')).toBeUndefined();
    expect(c.loadInt('opt/x', -1)).toBe(0x1234);
    expect(c.loadInt('etc/e820', -1)).toBe(-1); // 3 bytes: not a 1/2/4/8-byte integer
    expect(c.loadInt('missing', 5)).toBe(5);
  });

  it('matches a name cut at 55 bytes by its first 55 characters only', () => {
    const long = 'etc/' + 'y'.repeat(60);
    const c = client({ [long]: [4] });
    expect(c.has(long)).toBe(false);
    expect(c.has(long.slice(0, 55))).toBe(true);
    expect(c.size(long.slice(0, 55))).toBe(1);
  });

  it('compares a name beyond ASCII byte for byte, as one character per UTF-8 byte', () => {
    const c = client({ 'opt/\u00e9': [1, 2] });
    expect(c.has('opt/\u00e9')).toBe(false);
    expect(c.has('opt/\u00c3\u00a9')).toBe(true);
  });

  it('knows pci%04x,%04x.rom files by vendor and device, lowercase hex only', () => {
    const c = client({ 'pci8086,1234.rom': [0], 'pci1af4,abcd.rom': [0], 'pci10DE,0001.rom': [0], 'pci1b36,0100.romx': [0], 'xpci1b36,0100.rom': [0] });
    expect(c.hasPciRom(0x8086, 0x1234)).toBe(true);
    expect(c.hasPciRom(0x1af4, 0xabcd)).toBe(true);
    expect(c.hasPciRom(0x10de, 0x0001)).toBe(false); // the file's name has uppercase digits: init_pcirom's would not
    expect(c.hasPciRom(0x1b36, 0x0100)).toBe(false);
    expect(c.hasPciRom(0x8086, 0x1235)).toBe(false);
    expect(c.hasPciRom(0x1234, 0x8086)).toBe(false);
    expect(c.hasPciRom(0x18086, 0x1234)).toBe(false);
    expect(client({}).hasPciRom(0x8086, 0x1234)).toBe(false);
  });
});

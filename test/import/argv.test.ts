import { describe, expect, it } from 'vitest';
import { parseDevfn, parseOpts, splitOpts, splitShellWords } from '../../vmm/frontends/import/index.js';

describe('shell words', () => {
  it('joins backslash-newline continuations and keeps quoted commas and spaces', () => {
    expect(splitShellWords("qemu -device 'vfio-pci,host=00:02.0' \\\n  -name \"my vm\" # comment\n-m 4G")).toEqual({
      words: ['qemu', '-device', 'vfio-pci,host=00:02.0', '-name', 'my vm', '-m', '4G'],
    });
  });
  it('reports an unterminated quote', () => {
    expect(splitShellWords("qemu -device 'vfio-pci")).toEqual({ error: 'unterminated single quote' });
  });
});

describe('QEMU option strings', () => {
  it('reads ",," as a literal comma (QemuOpts)', () => {
    expect(splitOpts('vfio-pci,romfile=/a,,b.rom,x-igd-opregion=on')).toEqual(['vfio-pci', 'romfile=/a,b.rom', 'x-igd-opregion=on']);
  });
  it('gives the leading bare word to the implied key and later bare words no value', () => {
    expect(parseOpts('host,host-phys-bits,host-phys-bits-limit=39', 'model')).toEqual([
      { key: 'model', value: 'host' },
      { key: 'host-phys-bits', value: undefined },
      { key: 'host-phys-bits-limit', value: '39' },
    ]);
  });
  it('parses PCI addresses as QEMU does: slot and function in hex', () => {
    expect(parseDevfn('2.0')).toBe(0x10);
    expect(parseDevfn('0x10')).toBe(0x80);
    expect(parseDevfn('10')).toBe(0x80);
    expect(parseDevfn('1c.3')).toBe(0xe3);
    expect(parseDevfn('0x1.0x2')).toBe(0x0a);
    expect(parseDevfn('20.0')).toBeUndefined();
  });
});

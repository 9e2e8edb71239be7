import { describe, expect, it } from 'vitest';
import { FW_CFG_FILE_DIR, FW_CFG_FILE_FIRST, FwCfg } from '../../vmm/core/fwcfg/device.js';

/** Reads `n` bytes of item `key` through the selector and the byte-wide data port (offsets 0 and 1). */
function readItem(fw: FwCfg, key: number, n: number): number[] {
  fw.ports.write(0, 2, key);
  return Array.from({ length: n }, () => fw.ports.read(1, 1));
}

const noMemory = { readBytes: () => {}, writeBytes: () => {} };

describe('the fw_cfg file directory', () => {
  it('lists files sorted by name with big-endian sizes and selectors from 0x20', () => {
    const fw = new FwCfg(noMemory);
    fw.addFile('opt/b', new Uint8Array(0x12345));
    fw.addFile('etc/a', new Uint8Array(3));
    const dir = readItem(fw, FW_CFG_FILE_DIR, 4 + 2 * 64);
    expect(dir.slice(0, 4)).toEqual([0, 0, 0, 2]);
    // etc/a: size 3, select 0x0020, reserved 0
    expect(dir.slice(4, 12)).toEqual([0, 0, 0, 3, 0x00, 0x20, 0, 0]);
    expect(dir.slice(12, 18)).toEqual([...'etc/a'].map((c) => c.charCodeAt(0)).concat([0]));
    // opt/b: size 0x12345, select 0x0021
    expect(dir.slice(68, 76)).toEqual([0, 0x01, 0x23, 0x45, 0x00, 0x21, 0, 0]);
    expect(readItem(fw, FW_CFG_FILE_FIRST, 3)).toEqual([0, 0, 0]);
  });

  it('cuts a name at 55 bytes and keeps the last byte of the field 0, ASCII or not', () => {
    const fw = new FwCfg(noMemory);
    const ascii = 'etc/' + 'x'.repeat(70);
    const wide = 'opt/' + '\u00e9'.repeat(40); // 4 + 80 UTF-8 bytes
    fw.addFile(ascii, new Uint8Array(1));
    fw.addFile(wide, new Uint8Array(1));
    const dir = readItem(fw, FW_CFG_FILE_DIR, 4 + 2 * 64);
    const name = (e: number): number[] => dir.slice(4 + e * 64 + 8, 4 + e * 64 + 64);
    expect(name(0)).toEqual([...new TextEncoder().encode(ascii).subarray(0, 55), 0]);
    expect(name(1)).toEqual([...new TextEncoder().encode(wide).subarray(0, 55), 0]);
  });

  it('is rebuilt when a file is added after it was read', () => {
    const fw = new FwCfg(noMemory);
    fw.addFile('etc/b', new Uint8Array(1));
    expect(readItem(fw, FW_CFG_FILE_DIR, 4)).toEqual([0, 0, 0, 1]);
    fw.addFile('etc/a', new Uint8Array([7]));
    expect(readItem(fw, FW_CFG_FILE_DIR, 4)).toEqual([0, 0, 0, 2]);
    expect(readItem(fw, FW_CFG_FILE_FIRST, 2)).toEqual([7, 0]);
  });

  it('reads zeros from a selector that names nothing', () => {
    const fw = new FwCfg(noMemory);
    expect(readItem(fw, 0x7fff, 4)).toEqual([0, 0, 0, 0]);
  });
});

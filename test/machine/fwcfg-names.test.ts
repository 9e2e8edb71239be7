import { describe, expect, it } from 'vitest';
import { FW_CFG_FILE_DIR, FW_CFG_SIGNATURE, FwCfg } from '../../vmm/core/fwcfg/device.js';

/** Reads `n` bytes of item `key` through the selector and the byte-wide data port (offsets 0 and 1). */
function readItem(fw: FwCfg, key: number, n: number): number[] {
  fw.ports.write(0, 2, key);
  return Array.from({ length: n }, () => fw.ports.read(1, 1));
}

describe('fw_cfg names in the file directory', () => {
  it('are the UTF-8 bytes of the name, ASCII or not, and the signature reads QEMU', () => {
    const fw = new FwCfg({ readBytes: () => {}, writeBytes: () => {} });
    fw.addFile('etc/e820', new Uint8Array(20));
    fw.addFile('opt/caf\u00e9', new Uint8Array(3));
    expect(String.fromCharCode(...readItem(fw, FW_CFG_SIGNATURE, 4))).toBe('QEMU');
    const dir = readItem(fw, FW_CFG_FILE_DIR, 4 + 2 * 64);
    expect(dir.slice(0, 4)).toEqual([0, 0, 0, 2]);
    expect(dir.slice(4 + 8, 4 + 8 + 8)).toEqual([...new TextEncoder().encode('etc/e820')]);
    expect(dir.slice(4 + 64 + 8, 4 + 64 + 8 + 10)).toEqual([...new TextEncoder().encode('opt/caf\u00e9'), 0]);
  });
});

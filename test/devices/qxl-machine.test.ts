import { describe, expect, it } from 'vitest';

import { QxlDevice } from '../../devices/qxl/device.js';
import { MODELS } from '../../devices/index.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';

describe('QXL models in the registry and a machine', () => {
  it('registers qxl and qxl-vga with QEMU props and rejects revision 6 at config time', () => {
    const def = MODELS.lookup('qxl')!;
    expect(Object.keys(def.props)).toEqual(expect.arrayContaining(['ram_size_mb', 'vram64_size_mb', 'vgamem_mb', 'revision', 'surfaces', 'rombar', 'romfile']));
    expect(def.check!({ revision: 6 }, { machineType: 'q35', pcieBus: false, rootBus: true })).toEqual([
      { prop: 'revision', message: 'Invalid revision 6 for qxl device (max 5)' },
    ]);
  });

  it('plugs into a q35 machine; the CPU reaches its ports and RAM once BARs are programmed', () => {
    const spec: MachineSpec = {
      machine: { type: 'q35', memory: 256 * 1024 * 1024 },
      devices: [{ model: 'qxl-vga', id: 'gpu', devfn: 0x28, props: {} }],
      firmware: {},
      traps: [],
    };
    const m = new Machine(spec);
    const dev = m.byId.get('gpu') as QxlDevice;
    expect(dev).toBeInstanceOf(QxlDevice);
    dev.configWrite(0x10, 4, 0xc000_0000);
    dev.configWrite(0x14, 4, 0xc400_0000);
    dev.configWrite(0x18, 4, 0xc800_0000);
    dev.configWrite(0x1c, 4, 0xd000);
    dev.configWrite(0x04, 2, 7);
    expect(m.cpu.readMem(0xc800_0000, 4)).toBe(0x4f525851); // "QXRO"
    expect(m.cpu.readMem(0xc000_0000 + dev.ramHeaderOffset, 4)).toBe(0x41525851); // "QXRA"
    m.cpu.outb(0xd000 + 8, 9); // MEMSLOT_ADD 9: a guest bug
    expect(dev.events.at(-1)).toEqual({ kind: 'guest-bug', message: 'qxl-0: guest bug: QXL_IO_MEMSLOT_ADD: val out of range' });
  });
});

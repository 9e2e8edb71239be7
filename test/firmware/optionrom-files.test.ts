import { describe, expect, it } from 'vitest';
import { post } from '../../firmware/index.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { spec } from './helpers.js';

const MiB = 1024 * 1024;

/** Three e1000 (8086:100e) and two virtio-net (1af4:1000) functions, interleaved, and an e1000e (8086:10d3), each with a ROM BAR. */
function machine(romFiles: string[]): Machine {
  const m = new Machine(spec('q35', 1024 * MiB, [
    { model: 'e1000', devfn: 0x10 },
    { model: 'virtio-net-pci', devfn: 0x18 },
    { model: 'e1000', devfn: 0x20 },
    { model: 'virtio-net-pci', devfn: 0x28 },
    { model: 'e1000', devfn: 0x30 },
    { model: 'e1000e', devfn: 0x38 },
  ]));
  for (const name of romFiles) m.fwcfg.addFile(name, new Uint8Array(512));
  return m;
}

/** The bdfs whose ROM BAR SeaBIOS's option-ROM scan mapped and handed to the hook, in scan order. */
function romsRun(romFiles: string[]): number[] {
  const ran: number[] = [];
  post(machine(romFiles).cpu, { runOptionRom: (_ctx, bdf) => ran.push(bdf) });
  return ran;
}

describe('init_pcirom: a fw_cfg "pciVVVV,DDDD.rom" file instead of the ROM BAR', () => {
  it('maps every function\'s ROM BAR when fw_cfg has no ROM file', () => {
    expect(romsRun([])).toEqual([0x10, 0x18, 0x20, 0x28, 0x30, 0x38]);
  });

  it('skips the ROM BAR of every function of the ID a file names (vendor 0x8086 sets bit 31 of the key), and only those', () => {
    expect(romsRun(['pci8086,100e.rom'])).toEqual([0x18, 0x28, 0x38]);
    expect(romsRun(['pci1af4,1000.rom'])).toEqual([0x10, 0x20, 0x30, 0x38]);
    expect(romsRun(['pci8086,10d3.rom'])).toEqual([0x10, 0x18, 0x20, 0x28, 0x30]);
    expect(romsRun(['pci8086,100e.rom', 'pci1af4,1000.rom'])).toEqual([0x38]);
  });

  it('matches the name exactly: upper-case hex or another device id is not the file', () => {
    expect(romsRun(['pci8086,100E.rom', 'pci1af4,1001.rom', 'pci8086,1000.rom'])).toEqual([0x10, 0x18, 0x20, 0x28, 0x30, 0x38]);
  });
});

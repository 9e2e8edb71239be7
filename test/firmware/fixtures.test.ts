import { describe, expect, it } from 'vitest';
import { PciBridge } from '../../devices/pci/bridge.js';
import { ROM_BAR } from '../../devices/pci/function.js';
import { PCI_BASE_ADDRESS_0 } from '../../devices/pci/regs.js';
import type { Machine } from '../../vmm/machine/machine.js';
import { boot, comparedLines, fixtureNames, hex, loadFixture, registerModels } from './helpers.js';

registerModels();

const cases = fixtureNames();

function fnAt(machine: Machine, bdf: string) {
  const [bus, rest] = bdf.split(':');
  const [dev, fn] = rest!.split('.');
  return machine.pci.find(parseInt(bus!, 16), (parseInt(dev!, 16) << 3) | parseInt(fn!, 16));
}

/** A BAR register's value as the guest left it (address bits only). */
function barRegister(machine: Machine, bdf: string, bar: number): number {
  const fn = fnAt(machine, bdf)!;
  if (bar === ROM_BAR) return (fn.get32(fn.romOffset) & ~0x7ff) >>> 0;
  const off = PCI_BASE_ADDRESS_0 + bar * 4;
  const lo = fn.get32(off);
  if ((lo & 1) !== 0) return (lo & ~3) >>> 0;
  return ((lo & ~0xf) >>> 0) + ((lo & 6) === 4 ? fn.get32(off + 4) * 0x1_0000_0000 : 0);
}

const win = (w: { base: number; limit: number }) => (w.base > w.limit ? null : { base: hex(w.base), limit: hex(w.limit) });

describe('SeaBIOS 1.16.2 on the 58 recorded QEMU 7.2 topologies', () => {
  it('has all 58 cases', () => expect(cases.length).toBe(58));

  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name);
      const { machine, fw } = boot(spec);
      const ex = fx.expected;
      const panicked = ex.bars.length === 0;

      it('prints the same PCI, e820 and fw_cfg log lines as SeaBIOS', () => {
        expect(comparedLines(fw.log)).toEqual(comparedLines(log));
        expect(machine.debugcon.text()).toBe(fw.log);
      });

      it('maps every BAR at the recorded address, size and type, in SeaBIOS order', () => {
        expect(fw.panic).toBe(panicked ? 'PCI: out of 32bit address space' : null);
        const got = fw.placements.map((p) => ({ bdf: p.bdf, bar: p.bar, address: hex(p.address), size: hex(p.size), type: p.type }));
        expect(got).toEqual(ex.bars);
      });

      it('leaves each BAR register holding its address (q35 SMBus BAR4 rewritten to 0x700)', () => {
        for (const b of ex.bars) {
          const want = spec.machine.type === 'q35' && b.bdf === '00:1f.3' && b.bar === 4 ? '0x700' : b.address;
          expect(hex(barRegister(machine, b.bdf, b.bar)), `${b.bdf} bar ${b.bar}`).toBe(want);
        }
      });

      it('numbers buses and programs bridge windows as QEMU reads them back', () => {
        for (const d of ex.devices) {
          const fn = fnAt(machine, d.bdf);
          expect(fn, d.bdf).toBeDefined();
          expect(hex(fn!.get16(0)).padStart(6, '0x0000').replace(/^0x0*/, '0x'), d.bdf).toBe(d.vendor.replace(/^0x0*/, '0x'));
          if (d.bridge === undefined) continue;
          expect(fn).toBeInstanceOf(PciBridge);
          const b = fn as PciBridge;
          expect({ secondary: b.secondaryBus(), subordinate: b.subordinateBus(), io: win(b.ioWindow()), mem: win(b.memWindow()), prefmem: win(b.prefWindow()) }, d.bdf).toEqual(d.bridge);
        }
      });

      it('reports the root windows and the final e820 map', () => {
        const w = fw.windows;
        expect({ io: w.io?.map(hex) ?? null, mem32: w.mem32.map(hex), mem64: w.mem64?.map(hex) ?? null }).toEqual(ex.windows);
        expect(fw.e820.map((e) => ({ start: hex(e.start), end: hex(e.end), type: e.type }))).toEqual(ex.e820);
      });
    });
  }
});

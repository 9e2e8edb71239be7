import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PciBridge, type PciBus } from '../../devices/pci/bridge.js';
import { ROM_BAR, type PciFunction } from '../../devices/pci/function.js';
import { parseConfig, qemuArgs } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { FIXTURES, fixtureText } from './helpers.js';

interface Fixture {
  qemu_args: string[];
  expected: {
    devices: { bdf: string; vendor: string; device: string; class: string }[];
    bars: { bdf: string; bar: number; size: string; type: 'io' | 'mem' | 'prefmem' }[];
  };
}

const cases = readdirSync(FIXTURES + 'seabios/')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** Models whose facts these tests own; QXL and the IGD are checked by their engineers' tests. */
const OTHERS = new Set(['qxl', 'qxl-vga', 'vfio-igd']);

const hex = (n: number): string => `0x${n.toString(16)}`;
const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

function load(name: string): { spec: MachineSpec; fx: Fixture } {
  const r = parseConfig(fixtureText(`seabios/${name}.yaml`), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  return { spec: r.spec, fx: JSON.parse(fixtureText(`seabios/${name}.json`)) as Fixture };
}

/** SeaBIOS's depth-first bus numbering (docs/firmware-seabios.md §3), enough for these fixtures: bdf → function. */
function byBdf(root: PciBus): Map<string, PciFunction> {
  const out = new Map<string, PciFunction>();
  let counter = 0;
  const walk = (bus: PciBus, n: number): void => {
    for (let devfn = 0; devfn < 256; devfn++) {
      const fn = bus.slots[devfn];
      if (fn === undefined) continue;
      out.set(`${n.toString(16).padStart(2, '0')}:${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`, fn);
      if (fn instanceof PciBridge) {
        const sec = ++counter;
        walk(fn.secondary, sec);
        const reserve = Number((fn.model === 'pcie-root-port' || fn.model === 'pci-bridge') && readBusReserve(fn));
        if (reserve > 0 && sec + reserve > counter) counter = sec + reserve;
      }
    }
  };
  walk(root, 0);
  return out;
}

function readBusReserve(fn: PciFunction): number {
  for (let off = fn.cfg[0x34]!; off !== 0; off = fn.cfg[off + 1]!) {
    if (fn.cfg[off] === 0x09 && fn.cfg[off + 3] === 1) {
      const v = fn.get32(off + 4);
      return v === 0xffffffff ? 0 : v;
    }
  }
  return 0;
}

/** A BAR as SeaBIOS logs it: memory BARs below 4 KiB are raised to 4 KiB (docs/firmware-seabios.md §5). */
function seabiosView(fn: PciFunction): { bar: number; size: string; kind: string }[] {
  const out: { bar: number; size: string; kind: string }[] = [];
  fn.bars.forEach((b, i) => {
    if (b === undefined) return;
    out.push({ bar: i, size: hex(b.space === 'io' ? b.size : Math.max(4096, b.size)), kind: b.space === 'io' ? 'io' : b.prefetch ? 'prefmem' : 'mem' });
  });
  if (fn.romSize > 0) out.push({ bar: ROM_BAR, size: hex(Math.max(4096, fn.romSize)), kind: 'mem' });
  return out.sort((a, b) => a.bar - b.bar);
}

describe('the 58 recorded SeaBIOS topologies', () => {
  it('are all present', () => expect(cases.length).toBe(58));

  for (const name of cases) {
    it(`${name}: parses, gives the fixture's QEMU command line, and builds with QEMU's IDs and BARs`, () => {
      const { spec, fx } = load(name);
      expect(qemuArgs(spec)).toEqual(fx.qemu_args);
      const machine = new Machine(spec);
      const fns = byBdf(machine.pci.root);
      let compared = 0;
      for (const d of fx.expected.devices) {
        const fn = fns.get(d.bdf);
        expect(fn, `${name} ${d.bdf}`).toBeDefined();
        if (fn === undefined || OTHERS.has(fn.model)) continue;
        expect([hex4(fn.identity.vendor), hex4(fn.identity.device), hex4(fn.identity.classCode)], `${name} ${d.bdf} ${fn.model}`).toEqual([d.vendor, d.device, d.class]);
        compared++;
        if (fx.expected.bars.length === 0) continue; // the panic case records no placement
        const want = fx.expected.bars
          .filter((b) => b.bdf === d.bdf)
          .map((b) => ({ bar: b.bar, size: b.size, kind: b.bar === ROM_BAR ? 'mem' : b.type }))
          .sort((a, b) => a.bar - b.bar);
        expect(seabiosView(fn), `${name} ${d.bdf} ${fn.model}`).toEqual(want);
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

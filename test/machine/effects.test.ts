import { describe, expect, it } from 'vitest';
import { PciBridge } from '../../devices/pci/bridge.js';
import { CONFIG_WRITE_NONE, CONFIG_WRITE_REMAP, CONFIG_WRITE_REROUTE, PciFunction } from '../../devices/pci/function.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';

function endpoint(): PciFunction {
  const fn = new PciFunction({ vendor: 0x1234, device: 0x1111, classCode: 0x0200 });
  fn.defineBar(0, { size: 0x1000, space: 'mem', is64: false, prefetch: false });
  return fn;
}

function machine(yaml: string): Machine {
  const r = parseConfig(yaml, 'm.yaml');
  if (!r.ok) throw new Error(r.errors[0]!.message);
  return new Machine(r.spec);
}

describe('a config write returns what it changed (effects as data)', () => {
  it('BARs and COMMAND remap; other registers change nothing', () => {
    const fn = endpoint();
    expect(fn.configWrite(0x10, 4, 0xfebf_0000)).toBe(CONFIG_WRITE_REMAP);
    expect(fn.configWrite(0x04, 2, 0x2)).toBe(CONFIG_WRITE_REMAP);
    expect(fn.configWrite(0x3c, 1, 0x0b)).toBe(CONFIG_WRITE_NONE);
  });

  it("a bridge's bus numbers reroute config cycles; its windows only remap", () => {
    const br = new PciBridge({ vendor: 0x1b36, device: 0x0001, classCode: 0x0604 }, false);
    expect(br.configWrite(0x18, 4, 0x0002_0100)).toBe(CONFIG_WRITE_REROUTE | CONFIG_WRITE_REMAP);
    expect(br.configWrite(0x20, 4, 0xfe80_fe80)).toBe(CONFIG_WRITE_REMAP);
  });

  it('a write that leaves every byte as it was changes nothing, wherever it lands', () => {
    const fn = endpoint();
    expect(fn.configWrite(0x10, 4, 0xfebf_0000)).toBe(CONFIG_WRITE_REMAP);
    // BAR sizing's restore of the value already there, and a write of read-only bits only.
    expect(fn.configWrite(0x10, 4, 0xfebf_0000)).toBe(CONFIG_WRITE_NONE);
    expect(fn.configWrite(0x10, 4, 0xfebf_0fff)).toBe(CONFIG_WRITE_NONE);
    expect(fn.configWrite(0x12, 2, 0xfebf)).toBe(CONFIG_WRITE_NONE);
    expect(fn.configWrite(0x04, 2, 0x0)).toBe(CONFIG_WRITE_NONE);
    expect(fn.configWrite(0x04, 2, 0x2)).toBe(CONFIG_WRITE_REMAP);
    expect(fn.configWrite(0x04, 1, 0x2)).toBe(CONFIG_WRITE_NONE);
    expect(fn.get32(0x10)).toBe(0xfebf_0000);
    const br = new PciBridge({ vendor: 0x1b36, device: 0x0001, classCode: 0x0604 }, false);
    expect(br.configWrite(0x18, 4, 0x0002_0100)).toBe(CONFIG_WRITE_REROUTE | CONFIG_WRITE_REMAP);
    expect(br.configWrite(0x19, 1, 0x01)).toBe(CONFIG_WRITE_NONE);
    expect(br.configWrite(0x1a, 1, 0x03)).toBe(CONFIG_WRITE_REROUTE | CONFIG_WRITE_REMAP);
    expect(br.subordinateBus()).toBe(3);
  });
});

describe('region decorators are one ordered list the machine owns', () => {
  it('nests BAR decorators in registration order (the first sits closest to the device)', () => {
    const m = machine('machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: edu, addr: "04.0" }\n');
    const order: string[] = [];
    for (const name of ['inner', 'outer']) {
      m.intercept({
        name,
        bar: (_fn, _bar, inner) => ({ read: (o, w) => (order.push(name), inner.read(o, w)), write: (o, w, v) => inner.write(o, w, v) }),
      });
    }
    const edu = m.pci.root.slots[0x20]!;
    m.pci.barAccess(edu, 0).read(0, 4);
    expect(order).toEqual(['outer', 'inner']);
  });

  it('tells mapping followers only about writes that changed decoding, once the host applied them', () => {
    const m = machine('machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: edu, addr: "04.0" }\n');
    const seen: string[] = [];
    m.intercept({ name: 'follower', mappingChanged: (fn) => seen.push(fn.bdf) });
    m.pci.configWrite(0, 0x20, 0x3c, 1, 0x0b);
    expect(seen).toEqual([]);
    m.pci.configWrite(0, 0x20, 0x10, 4, 0xfea0_0000);
    expect(seen).toEqual(['00:04.0']);
  });

  it('tells mapping followers nothing, and keeps the address spaces current, for a write that changed no byte', () => {
    const m = machine('machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: edu, addr: "04.0" }\n');
    const seen: string[] = [];
    m.intercept({ name: 'follower', mappingChanged: (fn) => seen.push(fn.bdf) });
    m.pci.configWrite(0, 0x20, 0x10, 4, 0xfea0_0000);
    const io = m.io.generation;
    const mmio = m.mmio.generation;
    m.pci.configWrite(0, 0x20, 0x10, 4, 0xfea0_0000);
    expect(seen).toEqual(['00:04.0']);
    expect([m.io.generation, m.mmio.generation]).toEqual([io, mmio]);
    m.pci.configWrite(0, 0x20, 0x10, 4, 0xfeb0_0000);
    expect(seen).toEqual(['00:04.0', '00:04.0']);
    expect(m.mmio.generation).toBe(mmio + 1);
  });

  it('reroutes config cycles when a config decorator moves a write onto a bridge\'s bus numbers', () => {
    const m = machine('machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: pci-bridge, id: br, addr: "05.0", props: { chassis_nr: 1 } }\n  - { model: edu, bus: br, addr: "01.0" }\n');
    expect(m.pci.configRead(3, 0x08, 0, 2)).toBe(0xffff);
    // A decorator that sends writes at 0x40 (outside the bus-number bytes) to the secondary/subordinate pair.
    m.intercept({ name: 'mover', config: (fn, _bdf, inner) => (fn instanceof PciBridge ? { read: inner.read, write: (o, w, v) => inner.write(o === 0x40 ? 0x19 : o, w, v) } : undefined) });
    m.pci.configWrite(0, 0x28, 0x40, 2, 0x0303);
    expect(m.pci.configRead(3, 0x08, 0, 2)).toBe(0x1234);
    m.pci.configWrite(0, 0x28, 0x40, 2, 0x0404);
    expect(m.pci.configRead(3, 0x08, 0, 2)).toBe(0xffff);
    expect(m.pci.configRead(4, 0x08, 0, 2)).toBe(0x1234);
  });

  it('passes config cycles through a config decorator, returning the effect of the write underneath', () => {
    const m = machine('machine: { type: pc, qemu: "7.2" }\ndevices:\n  - { model: edu, addr: "04.0" }\n');
    const seen: string[] = [];
    m.intercept({ name: 'follower', mappingChanged: (fn) => seen.push(fn.bdf) });
    m.intercept({ name: 'spy', config: (_fn, bdf, inner) => (bdf === 0x20 ? { read: inner.read, write: (o, w, v) => inner.write(o, w, v + 0x10_0000) } : undefined) });
    expect(m.interceptsConfigSpace).toBe(true);
    m.pci.configWrite(0, 0x20, 0x10, 4, 0xfea0_0000);
    expect(m.pci.configRead(0, 0x20, 0x10, 4)).toBe(0xfeb0_0000);
    expect(seen).toEqual(['00:04.0']);
  });
});

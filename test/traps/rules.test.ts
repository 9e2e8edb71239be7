import { describe, expect, it } from 'vitest';
import { parseBdf } from '../../vmm/passthrough/traps/index.js';
import { bootRegs } from './helpers.js';

describe('config trap rules on BARs', () => {
  it('rewrites MMIO write values inside from-range before they reach the device, and leaves others alone', () => {
    const { m, t, dev } = bootRegs([{ bdf: '00:04.0', bar: 0, offset: [0x10, 0x20], direction: 'write', action: 'rewrite-range', from: [0x1000, 0x2000], to: 0x9000, name: 'shift' }], { trace: true });
    const base = dev.barAddress(0);
    m.cpu.writeMem(base + 0x10, 4, 0x1234);
    m.cpu.writeMem(base + 0x10, 4, 0x2000); // outside [from0, from1)
    m.cpu.writeMem(base + 0x20, 4, 0x1234); // outside the offset range
    expect(dev.seen).toEqual(['w0:16/4=9234', 'w0:16/4=2000', 'w0:32/4=1234']);
    expect(t.engine.hits).toBe(1);
    expect(t.engine.rewrites).toBe(1);
    expect([...t.engine.trace!.records(t.engine.ruleNames)]).toEqual([
      { step: 1, bdf: '00:04.0', region: 'BAR0', offset: '0x10', width: 4, access: 'write', before: '0x1234', after: '0x9234', rule: 'shift' },
    ]);
  });

  it('drops matching writes and returns all ones for dropped reads without touching the device', () => {
    const { m, t, dev } = bootRegs([{ bdf: '00:04.0', bar: 1, width: 2, action: 'drop' }]);
    const port = dev.barAddress(1);
    m.cpu.outw(port + 2, 0xbeef);
    m.cpu.outl(port + 4, 0xcafe);
    expect(m.cpu.inw(port + 2)).toBe(0xffff);
    expect(dev.seen).toEqual(['w1:4/4=cafe']);
    expect(t.engine.drops).toBe(2);
    expect(t.engine.hits).toBe(2);
  });

  it('logs reads with the value the device returned and rewrites what the CPU sees', () => {
    const { m, t, dev } = bootRegs(
      [
        { bdf: '00:04.0', bar: 0, direction: 'read', action: 'log' },
        { bdf: '00:04.0', bar: 0, direction: 'read', action: 'rewrite-range', from: [0, 0x100], to: 0xffffff80 },
      ],
      { trace: true },
    );
    dev.regs.set('0:8', 0x90);
    expect(m.cpu.readMem(dev.barAddress(0) + 8, 4)).toBe(0x10); // 0xffffff80 + 0x90 truncated to 32 bits
    expect(t.engine.hits).toBe(2);
    expect(t.engine.rewrites).toBe(1);
    expect([...t.engine.traceLines()]).toEqual([
      '{"step":1,"bdf":"00:04.0","region":"BAR0","offset":"0x8","width":4,"access":"read","before":"0x90","after":"0x90","rule":"traps[0]"}\n',
      '{"step":1,"bdf":"00:04.0","region":"BAR0","offset":"0x8","width":4,"access":"read","before":"0x90","after":"0x10","rule":"traps[1]"}\n',
    ]);
  });

  it('keeps regions without rules unwrapped (other BARs, other functions)', () => {
    const { m, t, dev } = bootRegs([{ bdf: '00:04.0', bar: 1, action: 'log' }]);
    m.cpu.writeMem(dev.barAddress(0), 4, 7);
    expect(t.engine.hits).toBe(0);
    expect(t.engine.step).toBe(0);
    expect(m.mmio.pciView().handlers.some((h) => h.constructor.name === 'RuleHandler')).toBe(false);
    expect(m.io.pciView().handlers.some((h) => h.constructor.name === 'RuleHandler')).toBe(true);
  });

  it('follows a BAR the guest moves: rules match by function and BAR, not by address', () => {
    const { m, t, dev } = bootRegs([{ bdf: '00:04.0', bar: 0, action: 'log' }]);
    const cf8 = (off: number): number => 0x8000_0000 | (0x20 << 8) | off;
    m.cpu.outl(0xcf8, cf8(0x10));
    m.cpu.outl(0xcfc, 0xd000_0000);
    expect(dev.barAddress(0)).toBe(0xd000_0000);
    m.cpu.writeMem(0xd000_0004, 4, 1);
    expect(t.engine.hits).toBe(1);
    expect(dev.seen).toContain('w0:4/4=1');
  });
});

describe('offset rules (rewrite-range with field: offset)', () => {
  it('redirect matching accesses to another offset of the region; value rules still match the guest offset', () => {
    const { m, t, dev } = bootRegs(
      [
        { bdf: '00:04.0', bar: 0, action: 'rewrite-range', field: 'offset', from: [0x10, 0x20], to: 0x100, name: 'move' },
        { bdf: '00:04.0', bar: 0, offset: [0x14, 0x18], direction: 'write', action: 'rewrite-range', from: [0, 0x10], to: 0xa0 },
      ],
      { trace: true },
    );
    const base = dev.barAddress(0);
    m.cpu.writeMem(base + 0x14, 4, 5);
    dev.regs.set('0:264', 0x77);
    expect(m.cpu.readMem(base + 0x18, 4)).toBe(0x77);
    m.cpu.writeMem(base + 0x20, 4, 1);
    expect(dev.seen).toEqual(['w0:260/4=a5', 'r0:264/4', 'w0:32/4=1']);
    expect(t.engine.trace!.record(0, t.engine.ruleNames)).toEqual({ step: 1, bdf: '00:04.0', region: 'BAR0', offset: '0x14', width: 4, access: 'write', before: '0x14', after: '0x104', rule: 'move', field: 'offset' });
    expect(t.engine.hits).toBe(3);
  });
});

describe('config-space trap rules', () => {
  it('rewrites config writes and logs config reads through CF8/CFC', () => {
    const { m, t, dev } = bootRegs(
      [
        { bdf: '00:04.0', config: true, offset: [0x40, 0x44], direction: 'write', action: 'rewrite-range', from: [0xcf800000, 0xd0000000], to: 0x7e000000 },
        { bdf: '00:04.0', config: true, offset: [0x40, 0x44], direction: 'read', action: 'log' },
      ],
      { trace: true },
    );
    m.cpu.outl(0xcf8, 0x8000_0000 | (0x20 << 8) | 0x40);
    m.cpu.outl(0xcfc, 0xcf800001);
    expect(dev.get32(0x40)).toBe(0x7e000001);
    expect(m.cpu.inl(0xcfc)).toBe(0x7e000001);
    expect(t.engine.hits).toBe(2);
    expect(t.engine.trace!.record(0, t.engine.ruleNames)).toMatchObject({ region: 'config', offset: '0x40', before: '0xcf800001', after: '0x7e000001' });
  });

  it('installs no config hook when no rule targets config space', () => {
    const { m } = bootRegs([{ bdf: '00:04.0', bar: 0, action: 'log' }]);
    expect(m.interceptsConfigSpace).toBe(false);
  });
});

describe('parseBdf', () => {
  it('reads bus:device.function', () => {
    expect(parseBdf('00:02.0')).toBe(0x10);
    expect(parseBdf('01:1F.7')).toBe(0x1ff);
    expect(parseBdf('00:20.0')).toBe(-1);
  });
});

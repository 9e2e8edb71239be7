import { describe, expect, it } from 'vitest';
import { irqNames } from '../../devices/qxl/events.js';

describe('irqNames', () => {
  it("is '0' for no bit and for bits QXL does not define", () => {
    expect(irqNames(0)).toBe('0');
    expect(irqNames(1 << 6)).toBe('0');
  });

  it('names each set bit in QEMU’s order (qxl_dev.h), joined with |, ignoring undefined bits', () => {
    expect(irqNames(1 << 2)).toBe('IO_CMD');
    expect(irqNames((1 << 0) | (1 << 2) | (1 << 7))).toBe('DISPLAY|IO_CMD');
    expect(irqNames(0x3f)).toBe('DISPLAY|CURSOR|IO_CMD|ERROR|CLIENT|CLIENT_MONITORS_CONFIG');
    expect(irqNames(-1)).toBe('DISPLAY|CURSOR|IO_CMD|ERROR|CLIENT|CLIENT_MONITORS_CONFIG');
  });
});

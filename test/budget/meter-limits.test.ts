import { describe, expect, it } from 'vitest';
import { BudgetMeter, DEFAULT_BUDGET } from '../../vmm/core/budget/budget.js';
import { lookupFirmware } from '../../firmware/index.js';

describe("a meter's limits", () => {
  it('without limits: the defaults; with some: those, and the defaults for the rest; the defaults never change', () => {
    expect(new BudgetMeter().limits).toEqual(DEFAULT_BUDGET);
    const m = new BudgetMeter({ log: 100 });
    expect(m.limits).toEqual({ ...DEFAULT_BUDGET, log: 100 });
    expect(m.charge('log', 101, 'x')).toBe(false);
    expect(new BudgetMeter().charge('log', 101, 'x')).toBe(true);
    expect(DEFAULT_BUDGET.log).toBe(16 * 1024 * 1024);
  });
});

describe('firmware lookup', () => {
  it('finds a build by type and version, and nothing for a version or type that does not match', () => {
    expect([lookupFirmware('seabios', '1.16.2')?.type, lookupFirmware('seabios', '1.16.2')?.version]).toEqual(['seabios', '1.16.2']);
    expect([lookupFirmware('ovmf', '2025.02')?.type, lookupFirmware('ovmf', '2025.02')?.version]).toEqual(['ovmf', '2025.02']);
    expect(lookupFirmware('ovmf', '1.16.2')).toBeUndefined();
    expect(lookupFirmware('seabios', '1.16')).toBeUndefined();
  });
});

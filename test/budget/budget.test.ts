import { describe, expect, it } from 'vitest';
import { BudgetMeter, budgetMessage, DEFAULT_BUDGET, parseBudget } from '../../vmm/core/budget/budget.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';

function spec(text: string): MachineSpec {
  const r = parseConfig(text, 'b.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

const budgetEvents = (events: readonly { kind: string; message: string }[]): string[] => events.filter((e) => e.kind === 'budget-exceeded').map((e) => e.message);

describe('the budget model', () => {
  it('parses --budget text into limits, keeping the defaults for names not given', () => {
    expect(parseBudget('steps=1000, ms=50')).toEqual({ ok: true, budget: { ...DEFAULT_BUDGET, steps: 1000, ms: 50 } });
    expect(parseBudget('bytes=2M,log=1k,steps=1e6')).toEqual({ ok: true, budget: { ...DEFAULT_BUDGET, bytes: 2 * 1024 * 1024, log: 1024, steps: 1_000_000 } });
    expect(parseBudget('stepz=1')).toEqual({ ok: false, message: "--budget: unknown budget 'stepz' (known: steps, bytes, pixels, pages, log, ms)" });
    expect(parseBudget('steps')).toEqual({ ok: false, message: "--budget: expected name=value, got 'steps' (names: steps, bytes, pixels, pages, log, ms)" });
    expect(parseBudget('steps=1e30')).toEqual({ ok: false, message: '--budget: steps=1e30 is not a whole number below 2^53' });
    expect(parseBudget('constructor=1').ok).toBe(false);
  });

  it('charges until a limit, then refuses and reports the first overrun of each quantity once', () => {
    const seen: string[] = [];
    const b = new BudgetMeter({ steps: 10 });
    b.onExceeded = (e) => seen.push(budgetMessage(e));
    expect(b.charge('steps', 10, 'a')).toBe(true);
    expect(b.charge('steps', 1, 'loop at x:1:1')).toBe(false);
    expect(b.charge('steps', 1, 'again')).toBe(false);
    expect(seen).toEqual(['steps budget of 10 exceeded: loop at x:1:1 (raise it with --budget steps=N)']);
    expect(b.charge('steps', NaN, 'nan')).toBe(false);
  });

  it('ends a run on the wall clock with an injected clock', () => {
    let now = 1000;
    const b = new BudgetMeter({ ms: 50 }, () => now);
    expect(b.inTime('x')).toBe(true);
    now = 1051;
    expect(b.inTime('ROM stopped')).toBe(false);
    expect(b.exceeded).toEqual([{ name: 'ms', limit: 50, what: 'ROM stopped' }]);
  });
});

const IGD_Q35 = `machine: { type: q35, memory: 2G }
host: { igd: { generation: skl } }
devices:
  - model: vfio-igd
`;

describe('budgets end hostile guests as reported events', () => {
  it('stops a ROM whose loop count is NaN instead of letting later loops run unbudgeted', () => {
    const s = spec(`machine: { type: q35 }
devices:
  - model: e1000
    rom: ${JSON.stringify(new URL('./nan-loop.yaml', import.meta.url).pathname)}
`);
    const { report } = bootSpec(s, { configPath: 'b.yaml' });
    const rom = (report['rom'] as { ok: boolean; iterations: number; error?: string }[])[0]!;
    expect(rom.ok).toBe(false);
    expect(rom.error).toMatch(/nan-loop\.yaml:4:5: loop bounds are not finite numbers \(from 0, step 1, NaN iterations\)$/);
    expect(rom.iterations).toBe(0);
  });

  it('ends a ROM loop past the steps budget with a budget-exceeded event', () => {
    const s = spec(`machine: { type: q35 }
devices:
  - model: e1000
    rom: ${JSON.stringify(new URL('./long-loop.yaml', import.meta.url).pathname)}
`);
    const { report } = bootSpec(s, { configPath: 'b.yaml', budget: { steps: 1000 } });
    expect(budgetEvents(report.events)).toEqual([expect.stringMatching(/^steps budget of 1000 exceeded: ROM long-loop stopped at .*long-loop\.yaml:4:5 \(raise it with --budget steps=N\)$/)]);
  });

  it('ends a long ROM loop on the wall-clock budget, checked every 65536 iterations', () => {
    const s = spec(`machine: { type: q35 }
devices:
  - model: e1000
    rom: ${JSON.stringify(new URL('./long-loop.yaml', import.meta.url).pathname)}
`);
    const t0 = Date.now();
    const { report } = bootSpec(s, { configPath: 'b.yaml', budget: { steps: 2e9, ms: 50 } });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(budgetEvents(report.events)).toEqual(['ms budget of 50 ms exceeded: ROM long-loop stopped (raise it with --budget ms=N)']);
    const rom = (report['rom'] as { ok: boolean; error?: string }[])[0]!;
    expect(rom).toMatchObject({ ok: false, error: expect.stringMatching(/long-loop\.yaml:4:5: ROM ran out of its wall-clock budget$/) });
  });

  it('drops ROM log output past the log budget instead of growing a string without end', () => {
    const s = spec(`machine: { type: q35 }
devices:
  - model: e1000
    rom: ${JSON.stringify(new URL('./log-flood.yaml', import.meta.url).pathname)}
`);
    const r = bootSpec(s, { configPath: 'b.yaml', budget: { log: 64 * 1024 } });
    expect(budgetEvents(r.report.events)).toHaveLength(1);
    expect(r.machine.debugcon.text().length).toBeLessThanOrEqual(64 * 1024);
    expect(r.firmware.log.length).toBeLessThan(64 * 1024 + 4096);
  });

  it('fetches at most the page budget of a scan-out whose registers say 0xffffffff (a 10-line vBIOS)', () => {
    const s = spec(`${IGD_Q35}    rom: ${JSON.stringify(new URL('./huge-plane.yaml', import.meta.url).pathname)}\n`);
    const t0 = Date.now();
    const { report } = bootSpec(s, { configPath: 'b.yaml', budget: { pages: 4096 } });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const display = (report['display'] as { pages: number; readPages: number; faultedPages: number; invalidEntries: number; outOfRange: number }[])[0]!;
    // 65536 lines of 0xffffffff bytes from graphics address 0: 2^48 - 2^16 bytes, 2^36 - 16 GTT entries.
    expect(display.pages).toBe(68_719_476_720);
    expect(display.readPages + display.faultedPages + display.invalidEntries).toBe(4096);
    expect(budgetEvents(report.events)).toEqual([expect.stringMatching(/^pages budget of 4096 exceeded: IGD 00:02\.0 scan-out of 68719476720 pages \(65536x65536, stride 4294967295\) fetched only 4096/)]);
  });

  it('refuses a fw_cfg DMA past the bytes budget with the error status, as one event', () => {
    const s = spec(`machine: { type: q35 }
devices:
  - model: e1000
    rom: ${JSON.stringify(new URL('./fwcfg-dma.yaml', import.meta.url).pathname)}
`);
    const t0 = Date.now();
    const { report } = bootSpec(s, { configPath: 'b.yaml' });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(budgetEvents(report.events)).toEqual([`bytes budget of ${DEFAULT_BUDGET.bytes} exceeded: fw_cfg DMA of 4294967295 bytes refused (status error) (raise it with --budget bytes=N)`]);
    const rom = (report['rom'] as { ok: boolean }[])[0]!;
    expect(rom.ok).toBe(true);
  });
});

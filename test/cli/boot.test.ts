import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const FIX = 'test/fixtures/seabios';

interface Expected {
  bars: { bdf: string; bar: number; address: string; size: string; type: string }[];
  e820: { start: string; end: string; type: string }[];
}

describe('vfio-sim boot', () => {
  it('prints one JSON line per config with the BARs and e820 SeaBIOS produced', async () => {
    const r = await runCli('boot', '--json', `${FIX}/case-5000.yaml`, `${FIX}/case-5001.yaml`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const report = JSON.parse(lines[0]!) as { config: string; pci: { devices: { bdf: string; model: string; bars: { bar: number; address: string; size: string; type: string }[] }[] }; e820: unknown };
    expect(report.config).toBe(`${FIX}/case-5000.yaml`);
    const expected = (JSON.parse(readFileSync(`${FIX}/case-5000.json`, 'utf8')) as { expected: Expected }).expected;
    const vga = report.pci.devices.find((d) => d.bdf === '00:05.0')!;
    expect(vga.model).toBe('VGA');
    expect(vga.bars.find((b) => b.bar === 0)).toMatchObject({ address: '0xfc000000', size: '0x1000000', type: 'prefmem' });
    expect(report.e820).toEqual(expected.e820);
  });

  it('shows the final SMBus BAR4 (0x700) that SeaBIOS writes after placing it', async () => {
    const r = await runCli('boot', '--json', `${FIX}/case-5000.yaml`);
    const report = JSON.parse(r.stdout) as { pci: { devices: { bdf: string; bars: { bar: number; address: string }[] }[] } };
    const smbus = report.pci.devices.find((d) => d.bdf === '00:1f.3')!;
    expect(smbus.bars[0]).toMatchObject({ bar: 4, address: '0x700' });
  });

  it('prints a tree with BARs, bridge windows and the e820 map for people', async () => {
    const r = await runCli('boot', `${FIX}/case-5000.yaml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('00:0a.0 [1b36:000c] class 0604 pcie-root-port (id br7)');
    expect(r.stdout).toContain('bus 1..1  io closed  mem 0xfe800000-0xfe9fffff  prefmem 0xfd000000-0xfdffffff');
    expect(r.stdout).toContain('0xfffc0000 -    0x100000000  reserved');
  });

  it('reports SeaBIOS panic text and exits 1 when the topology cannot be placed', async () => {
    const r = await runCli('boot', '--json', `${FIX}/case-5013.yaml`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).panic).toBe('PCI: out of 32bit address space');
    const text = await runCli('boot', `${FIX}/case-5013.yaml`);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('FIRMWARE PANIC: PCI: out of 32bit address space');
  });

  it('answers a bad config with one FILE:LINE:COL line and exit 2, no stack trace', async () => {
    const r = await runCli('boot', 'test/fixtures/bad-configs/unknown-model.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^test\/fixtures\/bad-configs\/unknown-model\.yaml:\d+:\d+: /);
    expect(r.stderr).not.toContain('    at ');
  });

  it('exits 2 for a config file that does not exist', async () => {
    const r = await runCli('boot', 'no/such/file.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^no\/such\/file\.yaml:/);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runCli('boot', '--frobnicate', `${FIX}/case-5000.yaml`);
    expect(r.code).toBe(2);
  });
});

describe('vfio-sim validate, qemu-args, schema', () => {
  it('validates good configs and rejects bad ones with exit 2', async () => {
    expect((await runCli('validate', 'configs/q35-desktop.yaml')).code).toBe(0);
    const bad = await runCli('validate', 'test/fixtures/bad-configs/unknown-model.yaml', 'configs/q35-desktop.yaml');
    expect(bad.code).toBe(2);
  });

  it('prints the QEMU 7.2 command line of a recorded topology', async () => {
    const r = await runCli('qemu-args', `${FIX}/case-5000.yaml`);
    const json = JSON.parse(readFileSync(`${FIX}/case-5000.json`, 'utf8')) as { qemu_args: string[] };
    expect(r.stdout.trim()).toBe(json.qemu_args.join(' '));
  });

  it('prints a JSON Schema', async () => {
    const r = await runCli('schema');
    expect(JSON.parse(r.stdout)).toHaveProperty('$schema');
  });
});

describe('vfio-sim boot on an IGD machine', () => {
  it('shows the IGD, the scan-out and the first DMAR lines to people', async () => {
    const r = await runCli('boot', 'configs/igd-skl-q35.yaml', '--strategy', 'none', '--vbios', 'cached-host-bdsm');
    expect(r.stdout).toContain('IGD (skl, gen 9), strategy none:');
    expect(r.stdout).toContain('display 00:02.0: 1024x768, 768 pages scanned out from 0x8b800000, 768 faulted');
    expect(r.stdout).toContain('DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set');
  });

  it('exits 1 with --fail-on-fault when the device faulted, 0 when it was clean', async () => {
    const bad = await runCli('boot', '--json', '--fail-on-fault', '--strategy', 'none', '--vbios', 'cached-host-bdsm', 'configs/igd-skl-q35.yaml');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).iommu.faults[0]).toMatchObject({ source: '00:02.0', address: '0x8b800000', access: 'read', reason: 6 });
    const good = await runCli('boot', '--json', '--fail-on-fault', '--strategy', 'e820-reserved', '--vbios', 'reads-bdsm', 'configs/igd-skl-q35.yaml');
    expect(good.code).toBe(0);
  });

  it('refuses an unknown strategy with exit 2', async () => {
    const r = await runCli('boot', '--strategy', 'magic', 'configs/igd-skl-q35.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown strategy 'magic'");
  });
});

describe('vfio-sim compare', () => {
  it('lines the strategies up, one column each, as JSON too', async () => {
    const r = await runCli('compare', 'configs/igd-skl-q35.yaml', '--strategies', 'e820-reserved,lpc-bars', '--json');
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as { columns: { strategy: string; guestBdsm: string | null; e820Changes: unknown[] }[] };
    expect(cmp.columns.map((c) => c.strategy)).toEqual(['e820-reserved', 'lpc-bars']);
    expect(cmp.columns[0]!.guestBdsm).toBe('0x7af00000');
    expect(cmp.columns[1]!.e820Changes).toEqual([]);
    const text = await runCli('compare', 'configs/igd-skl-q35.yaml', '--strategies', 'e820-reserved,lpc-bars');
    expect(text.stdout).toMatch(/BDSM \(guest\)\s+0x7af00000\s+0xf8000000/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSpec, loadConfigFile } from '../../vmm/index.js';

const FIX = 'test/fixtures/seabios';

interface Expected {
  bars: { bdf: string; bar: number; address: string; size: string; type: string }[];
  e820: unknown[];
  devices: { bdf: string; vendor: string; device: string; class: string; bridge?: unknown }[];
}

/** SeaBIOS rewrites q35's SMBus BAR4 to 0x700 after placing it (docs/firmware-seabios.md §8.1): the report shows the final value. */
function finalAddress(b: Expected['bars'][number], q35: boolean): string {
  return q35 && b.bdf === '00:1f.3' && b.bar === 4 ? '0x700' : b.address;
}

describe('boot --json reports what QEMU 7.2 + SeaBIOS 1.16.2 produced', () => {
  const cases = readdirSync(FIX).filter((f) => f.endsWith('.yaml'));
  it.each(cases)('%s: every placed BAR, bridge and e820 entry', (file) => {
    const r = loadConfigFile(`${FIX}/${file}`);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const expected = (JSON.parse(readFileSync(`${FIX}/${file.replace('.yaml', '.json')}`, 'utf8')) as { expected: Expected }).expected;
    const report = JSON.parse(JSON.stringify(bootSpec(r.spec, { configPath: file }).report)) as {
      machine: { type: string };
      e820: unknown[];
      pci: { devices: { bdf: string; vendor: string; device: string; class: string; bridge?: unknown; bars: { bar: number; address: string | null; size: string; type: string }[] }[] };
    };
    const q35 = report.machine.type === 'q35';
    const placed = report.pci.devices.flatMap((d) => d.bars.filter((b) => b.address !== null).map((b) => ({ bdf: d.bdf, bar: b.bar, address: b.address, size: b.size, type: b.type })));
    const key = (b: { bdf: string; bar: number }): string => `${b.bdf}/${b.bar}`;
    const sort = <T extends { bdf: string; bar: number }>(l: T[]): T[] => [...l].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sort(placed)).toEqual(sort(expected.bars.map((b) => ({ ...b, address: finalAddress(b, q35) }))));
    expect(report.e820).toEqual(expected.e820);
    for (const d of expected.devices) {
      const got = report.pci.devices.filter((x) => x.bdf === d.bdf);
      expect(got.length, `${d.bdf} present`).toBeGreaterThan(0);
      const match = got.find((x) => x.vendor === d.vendor && x.device === d.device);
      expect(match, `${d.bdf} ${d.vendor}:${d.device}`).toBeDefined();
      expect(match!.class).toBe(d.class);
      if (d.bridge !== undefined) expect(got.map((x) => x.bridge)).toContainEqual(d.bridge);
    }
  });
});

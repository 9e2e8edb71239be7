import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const QXL = 'test/fixtures/qxl';

interface QxlFixture {
  rom: string;
  ram_header: string;
  ram_header_offset: number;
}

/** The slot each QXL fixture config puts its device at, read back from the config. */
function bdfOf(yaml: string): string {
  const m = /addr: "([0-9a-f]{2})\.([0-7])"/.exec(yaml);
  return m ? `00:${m[1]}.${m[2]}` : '00:01.0';
}

describe('vfio-sim dump', () => {
  const cases = readdirSync(QXL).filter((f) => f.endsWith('.yaml'));
  it.each(cases)('prints %s ROM and RAM header bytes exactly as QEMU 7.2 exposes them', async (file) => {
    const fx = JSON.parse(readFileSync(`${QXL}/${file.replace('.yaml', '.json')}`, 'utf8')) as QxlFixture;
    const bdf = bdfOf(readFileSync(`${QXL}/${file}`, 'utf8'));
    const rom = await runCli('dump', `${QXL}/${file}`, '--bdf', bdf, '--bar', '2', '--length', String(fx.rom.length / 2));
    expect(rom.code).toBe(0);
    expect(rom.stdout.replace(/\s/g, '')).toBe(fx.rom);
    const ram = await runCli('dump', `${QXL}/${file}`, '--bdf', bdf, '--bar', '0', '--offset', `0x${fx.ram_header_offset.toString(16)}`, '--length', String(fx.ram_header.length / 2));
    expect(ram.code).toBe(0);
    expect(ram.stdout.replace(/\s/g, '')).toBe(fx.ram_header);
  });

  it('refuses a BAR the device does not have, with exit 2', async () => {
    const r = await runCli('dump', `${QXL}/qxl-vga-3.yaml`, '--bdf', '00:05.0', '--bar', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no BAR 5');
  });
});

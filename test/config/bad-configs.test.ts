import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatConfigError, loadConfigFile, parseConfig } from '../../vmm/frontends/config/index.js';
import { FIXTURES, fixtureText } from './helpers.js';

const DIR = 'bad-configs/';
const cases = readdirSync(FIXTURES + DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('bad configs are answered with FILE:LINE:COL: message lines', () => {
  it('has a corpus covering every kind of mistake the issue lists', () => {
    for (const name of ['yaml-syntax', 'unknown-model', 'unknown-key', 'duplicate-addr', 'bus-no-bridge', 'root-port-slot', 'bad-size', 'slot-out-of-range', 'igd-gms', 'igd-bdsm-align', 'igd-addr', 'igd-two']) {
      expect(cases).toContain(`${name}.yaml`);
    }
  });

  for (const file of cases) {
    it(`reports ${file} exactly as ${file.replace('.yaml', '.expected')} says`, () => {
      const want = fixtureText(DIR + file.replace(/\.yaml$/, '.expected')).trimEnd().split('\n');
      const r = parseConfig(fixtureText(DIR + file), file);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors.map(formatConfigError)).toEqual(want);
    });
  }

  it('collects every error of a config, sorted by position', () => {
    const r = parseConfig(fixtureText(DIR + 'many-errors.yaml'), 'm.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.length).toBe(5);
    const keys = r.errors.map((e) => e.line * 1000 + e.col);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('names the file as given and reports an unreadable file at 1:1', () => {
    const r = loadConfigFile('test/fixtures/bad-configs/does-not-exist.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatConfigError)).toEqual(['test/fixtures/bad-configs/does-not-exist.yaml:1:1: no such file']);
  });

  it('uses the path given to loadConfigFile as FILE', () => {
    const path = `test/fixtures/${DIR}unknown-model.yaml`;
    const r = loadConfigFile(path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatConfigError(r.errors[0]!)).toBe(`${path}:5:12: unknown model 'e1000x' (did you mean 'e1000'?)`);
  });
});

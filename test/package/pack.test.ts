import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/compiled.js';

interface PackEntry {
  path: string;
}

// What `npm pack` / `npm publish` would ship, listed without building (--ignore-scripts skips prepack).
function packList(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { files: PackEntry[] }[])[0]!.files.map((f) => f.path);
}

describe('the published package', () => {
  it('ships only the built library, the README, the LICENSE and package.json', () => {
    const files = packList();
    // .cjs: the config validator ajv generates at build time (scripts/build-validators.mjs).
    const stray = files.filter((f) => !/^dist\/(vmm|devices|firmware)\/.*\.(js|cjs|d\.ts)$/.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(stray).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
  });

  it('points bin and exports into the shipped folders', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, string>; files: string[] };
    const shipped = (p: string): boolean => pkg.files.some((f) => !f.startsWith('!') && p.replace(/^\.\//, '').startsWith(f));
    expect(Object.values(pkg.bin).filter((p) => !shipped(p))).toEqual([]);
    expect(Object.values(pkg.exports).filter((p) => !shipped(p))).toEqual([]);
  });

  it('packs a package.json whose build step is no install script, and restores it after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-sim-pack-'));
    try {
      const original = readFileSync(join(ROOT, 'package.json'), 'utf8');
      writeFileSync(join(dir, 'package.json'), original);
      const run = (step: string): number | null => spawnSync(process.execPath, [join(ROOT, 'scripts/pack-manifest.mjs'), step], { cwd: dir }).status;
      const scripts = (): Record<string, string> => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      const build = scripts()['prepare'];
      expect(build).toMatch(/^tsc -p tsconfig\.build\.json/);
      expect(run('strip')).toBe(0);
      expect([scripts()['prepare'], scripts()['_prepare']]).toEqual([undefined, build]);
      expect(run('restore')).toBe(0);
      expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(original);
      expect(run('bogus')).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

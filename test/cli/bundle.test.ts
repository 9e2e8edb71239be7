import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compiled as compile, type Compiled, ROOT } from '../helpers/compiled.js';

// scripts/bundle-cli.mjs makes `npm run build` rewrite dist/'s cli/main.js and sweep/worker.js as single files.
// Here both are bundled beside the compiled copy's modules (so paths found from import.meta.url resolve as in
// dist/) and run against the modules tsc wrote: every answer must be the same, byte for byte.
let c: Compiled | undefined;
let bundledMain = '';
let bundledWorker = '';
beforeAll(async () => {
  c = await compile();
  const { bundleProgram } = (await import(pathToFileURL(join(ROOT, 'scripts/bundle-cli.mjs')).href)) as { bundleProgram: (entry: string, out: string) => Promise<void> };
  bundledMain = join(c.dir, 'vmm/frontends/cli/main.bundled-test.js');
  bundledWorker = join(c.dir, 'vmm/frontends/sweep/worker.bundled-test.js');
  await bundleProgram(join(c.dir, 'vmm/frontends/cli/main.js'), bundledMain);
  await bundleProgram(join(c.dir, 'vmm/frontends/sweep/worker.js'), bundledWorker);
}, 180_000);

function run(main: string, args: readonly string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const yamls = (dir: string): string[] => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => `${dir}/${f}`);

describe('the bundled CLI answers exactly as the modules it was built from', () => {
  const cases: readonly (readonly string[])[] = [
    ['boot', '--json', ...yamls('test/fixtures/seabios'), ...yamls('configs')],
    ['boot', 'configs/q35-desktop.yaml'],
    ['boot', '--lspci', 'configs/q35-desktop.yaml'],
    ['boot', ...yamls('test/fixtures/bad-configs').slice(0, 40)],
    ['validate', ...yamls('configs')],
    ['schema'],
    ['--help'],
    ['boot', '--strategy', 'nope', 'configs/q35-desktop.yaml'],
  ];
  for (const args of cases) {
    it(`vfio-sim ${args.slice(0, 2).join(' ')} …`, () => {
      const tsc = run(join(c!.dir, 'vmm/frontends/cli/main.js'), args);
      const one = run(bundledMain, args);
      expect(one).toEqual(tsc);
      expect(tsc.stdout.length + tsc.stderr.length).toBeGreaterThan(0);
    });
  }

  it('sweeps with a bundled worker: rows as --jobs 1 writes them', () => {
    const args = ['sweep', 'test/fixtures/seabios', '--no-progress'];
    const one = run(bundledMain, [...args, '--jobs', '1']);
    const two = run(bundledMain, [...args, '--jobs', '2', '--chunk', '5'], { VFIO_SIM_SWEEP_WORKER: bundledWorker });
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toMatch(/^58 boots in \d+ ms \(\d+\/s\) on 2 threads, 5 per task$/m);
  });
});

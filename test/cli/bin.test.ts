import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiled as compile, type Compiled, ROOT } from '../helpers/compiled.js';

// npm links the `vfio-sim` bin as a symlink (node_modules/.bin/vfio-sim → dist/vmm/frontends/cli/main.js), so the
// CLI must recognise itself as the program when started through a link, not only by its own path.
let compiled: Compiled | undefined;
let links = '';

beforeAll(async () => {
  compiled = await compile();
  links = mkdtempSync(join(tmpdir(), 'vfio-sim-bin-'));
}, 120_000);

afterAll(() => {
  rmSync(links, { recursive: true, force: true });
});

describe('the vfio-sim bin', () => {
  it('runs when started through a symlink, as npm and npx start it', () => {
    const link = join(links, 'vfio-sim');
    symlinkSync(join(compiled!.dir, 'vmm/frontends/cli/main.js'), link);
    const r = spawnSync(process.execPath, [link, 'validate', 'configs/q35-desktop.yaml'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('configs/q35-desktop.yaml: ok\n');
    expect(r.status).toBe(0);
  });

  it('answers a missing config with one line and exit 2', () => {
    const r = spawnSync(process.execPath, [join(compiled!.dir, 'vmm/frontends/cli/main.js'), 'boot', 'configs/nope.yaml'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('configs/nope.yaml:1:1: no such file\n');
  });
});

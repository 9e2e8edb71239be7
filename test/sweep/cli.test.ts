import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiled as compile, type Compiled, ROOT } from '../helpers/compiled.js';

// The real CLI (vmm/frontends/cli/main.ts) runs in a child process from a fresh compiled copy (see test/helpers/compiled.ts),
// so --jobs 2 uses real worker threads.
let compiled: Compiled | undefined;
let work = '';
beforeAll(async () => {
  compiled = await compile();
  work = mkdtempSync(join(tmpdir(), 'vfio-sim-cli-'));
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(compiled!.dir, 'vmm/frontends/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SEABIOS = 'test/fixtures/seabios';
const OWN = 'test/sweep/fixtures';

describe('vfio-sim sweep', () => {
  // case-5013 is recorded as SeaBIOS's "PCI: out of 32bit address space" panic: one failed run, so exit 1.
  it('sweeps a directory, prints the summary and exits 1 for the failed boot; JSON and CSV are identical for --jobs 1 and 2', () => {
    const out = (jobs: string) => ({ json: join(work, `s${jobs}.jsonl`), csv: join(work, `s${jobs}.csv`) });
    const a = out('1');
    const b = out('2');
    const r1 = cli('sweep', SEABIOS, '--jobs', '1', '--json', a.json, '--csv', a.csv);
    const r2 = cli('sweep', SEABIOS, '--jobs', '2', '--chunk', '5', '--json', b.json, '--csv', b.csv);
    expect([r1.code, r2.code]).toEqual([1, 1]);
    expect(r1.stdout).toBe(r2.stdout);
    expect(r1.stdout.split('\n')[0]).toMatch(/^strategy\s+runs\s+clean\s+faulted\s+corrupted\s+hazards\s+failed$/);
    expect(r1.stdout).toMatch(/^\(no IGD\)\s+58\s+57\s+0\s+0\s+0\s+1$/m);
    expect(JSON.parse(readFileSync(a.json, 'utf8').split('\n')[13]!)).toMatchObject({ index: 13, status: 'failed', panic: 'PCI: out of 32bit address space' });
    const lines = readFileSync(a.json, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(58);
    expect(JSON.parse(lines[0]!)).toMatchObject({ index: 0, config: `${SEABIOS}/case-5000.yaml`, status: 'clean' });
    expect(readFileSync(a.json, 'utf8')).toBe(readFileSync(b.json, 'utf8'));
    const csv = readFileSync(a.csv, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(59);
    expect(csv[0]).toBe('index,config,name,strategy,vbios,status,panic,error,faults,corruption,hazards,guestBdsm,guestAsls');
    expect(readFileSync(a.csv, 'utf8')).toBe(readFileSync(b.csv, 'utf8'));
  });

  it('runs each IGD machine once per strategy × vBIOS and counts the runs per strategy', () => {
    const r = cli('sweep', `${OWN}/igd`, `${OWN}/plain-q35.yaml`, '--strategies', 'none,e820-reserved', '--vbios', 'reads-bdsm,cached-host-bdsm', '--jobs', '1');
    expect(r.code).toBe(0);
    const runs = Object.fromEntries(r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2)));
    expect(runs).toEqual({ none: '4', 'e820-reserved': '4', '(no IGD)': '1', total: '9' });
  });

  it('draws no progress bar when stderr is not a terminal', () => {
    const r = cli('sweep', `${SEABIOS}/case-5000.yaml`, `${SEABIOS}/case-5001.yaml`, '--jobs', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^2 boots in \d+ ms \(\d+\/s\) on 1 thread, 1 per task\n$/);
  });

  it('writes an HTML page with the summary and a map per strategy', () => {
    const html = join(work, 'sweep.html');
    const r = cli('sweep', `${SEABIOS}/case-5000.yaml`, `${OWN}/plain-q35.yaml`, '--jobs', '1', '--html', html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<pre>strategy');
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  });

  it('exits 2 on bad usage or a bad config', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(cli('sweep', SEABIOS, '--strategies', 'e820-reserved,bogus').code).toBe(2);
    expect(cli('sweep', SEABIOS, '--jobs', '0').code).toBe(2);
    expect(cli('sweep', 'no/such/dir').code).toBe(2);
    expect(cli('sweep', empty).code).toBe(2);
    const bad = cli('sweep', 'test/fixtures/bad-configs/bad-machine-type.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^test\/fixtures\/bad-configs\/bad-machine-type\.yaml:\d+:\d+: /);
  });
});

describe('vfio-sim map', () => {
  it('writes a self-contained SVG and an HTML page', () => {
    const svg = join(work, 'm.svg');
    const html = join(work, 'm.html');
    const r = cli('map', `${SEABIOS}/case-5000.yaml`, '--svg', svg, '--html', html);
    expect(r.code).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text).toContain('>BARs by device<');
    expect(text).toContain('>00:05.0 BAR0 VGA · 16M<');
    expect(readFileSync(html, 'utf8')).toContain('<!doctype html>');
  });

  it('exits 2 without an output file or with an unknown strategy', () => {
    expect(cli('map', `${SEABIOS}/case-5000.yaml`).code).toBe(2);
    expect(cli('map', `${SEABIOS}/case-5000.yaml`, '--strategy', 'bogus', '--svg', join(work, 'x.svg')).code).toBe(2);
  });
});

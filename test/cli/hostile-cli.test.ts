import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clampJobs, maxJobs, printable } from '../../vmm/frontends/cli/guard.js';
import { runCli } from './run-cli.js';

const GOOD = 'test/fixtures/seabios/case-5000.yaml';
const IGD = 'configs/igd-skl-q35.yaml';
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vfio-hostile-cli-'));
});

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('--vbios is checked before anything boots', () => {
  it.each([
    ['a typo', 'reads-bdms', "vfio-sim: --vbios: 'reads-bdms' is neither a bundled vBIOS behaviour (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file\n"],
    ['an empty name', '', 'vfio-sim: --vbios: empty; give reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop or a ROM program file\n'],
    ['a prototype name', 'constructor', "vfio-sim: --vbios: 'constructor' is neither a bundled vBIOS behaviour (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file\n"],
    ['a directory', 'test', `vfio-sim: --vbios: ${process.cwd()}/test:1:1: is a directory\n`],
  ])('refuses %s with exit 2 and no report', async (_, vbios, message) => {
    const r = await runCli('boot', '--json', IGD, '--vbios', vbios);
    expect(r).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('resolves a relative --vbios from the working directory, not from the config folder', async () => {
    const r = await runCli('boot', '--json', IGD, '--vbios', 'test/budget/long-loop.yaml', '--budget', 'steps=1000');
    expect(r.code).toBe(1); // the budget stopped the vBIOS: the boot did not finish
    const report = JSON.parse(r.stdout) as { rom: { program: string; ok: boolean }[]; events: { kind: string }[] };
    expect(report.rom.map((x) => [x.program, x.ok])).toContainEqual(['long-loop', false]);
    expect(report.events.filter((e) => e.kind === 'budget-exceeded')).toHaveLength(1);
  });

  it('refuses the same typo in every sweep --vbios entry before the first boot', async () => {
    const r = await runCli('sweep', IGD, '--jobs', '1', '--vbios', 'reads-bdsm,cached-host-bdms');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("--vbios: 'cached-host-bdms' is neither a bundled vBIOS behaviour");
  });
});

describe('output paths are checked before work starts', () => {
  it('never overwrites an input config', async () => {
    const cfg = write('in.yaml', readFileSync(GOOD, 'utf8'));
    const before = readFileSync(cfg, 'utf8');
    for (const args of [['boot', cfg, '--trace', cfg], ['map', cfg, '--svg', cfg], ['sweep', cfg, '--jobs', '1', '--json', cfg], ['compare', IGD, '--html', IGD]]) {
      const r = await runCli(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/is the input .*: refusing to overwrite it\n$/);
    }
    expect(readFileSync(cfg, 'utf8')).toBe(before);
  });

  it('refuses an output in a missing or read-only folder, or a directory, before booting', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const missing = await runCli('sweep', GOOD, '--jobs', '1', '--html', join(dir, 'nope', 'x.html'));
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `vfio-sim: --html: cannot write ${join(dir, 'nope', 'x.html')}: its folder does not exist\n` });
    const asDir = await runCli('map', GOOD, '--svg', dir);
    expect(asDir).toEqual({ code: 2, stdout: '', stderr: `vfio-sim: --svg: ${dir} is a directory\n` });
    const same = await runCli('sweep', GOOD, '--jobs', '1', '--json', join(dir, 'o.json'), '--csv', join(dir, 'o.json'));
    expect(same.stderr).toBe(`vfio-sim: --csv and --json both write ${join(dir, 'o.json')}\n`);
    if (process.getuid?.() !== 0) {
      const readOnly = await runCli('boot', GOOD, '--trace', join(ro, 't.jsonl'));
      expect(readOnly).toEqual({ code: 2, stdout: '', stderr: `vfio-sim: --trace: cannot write ${join(ro, 't.jsonl')}: not writable\n` });
    }
  });
});

describe('one bad config does not stop the others', () => {
  it('boots A and C, reports B at its line, and exits 2 at the end', async () => {
    const bad = write('bad.yaml', 'machine: { type: q35 }\ndevices:\n  - model: e1000x\n');
    const r = await runCli('boot', '--json', GOOD, bad, GOOD);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toBe(`${bad}:3:12: unknown model 'e1000x' (did you mean 'e1000'?)\n`);
  });

  it('sweeps the good configs of a folder and exits 2 for the bad one', async () => {
    const d = join(dir, 'mixed');
    mkdirSync(d);
    writeFileSync(join(d, 'a.yaml'), readFileSync(GOOD, 'utf8'));
    writeFileSync(join(d, 'b.yaml'), 'machine: { type: q35, memory: 8000T }\n');
    const r = await runCli('sweep', d, '--jobs', '1', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(d, 'b.yaml')}:1:31: machine.memory: 8000T puts guest RAM past the vCPU's 40 address bits`);
    expect(r.stderr).toContain('1 boots in');
  });

  it('walks a folder with a symlink loop once', async () => {
    const d = join(dir, 'loop');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'sub', 'a.yaml'), readFileSync(GOOD, 'utf8'));
    symlinkSync('..', join(d, 'sub', 'up'));
    const r = await runCli('sweep', d, '--jobs', '1', '--no-progress');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 boots in');
  });
});

describe('options are bounded', () => {
  it('clamps --jobs to the CPUs and says so', () => {
    const said: string[] = [];
    expect(clampJobs(1000, (s) => said.push(s))).toBe(maxJobs());
    expect(said).toEqual([`vfio-sim: --jobs 1000 is more than this machine's ${maxJobs()} CPUs; using ${maxJobs()}\n`]);
    expect(clampJobs(1, (s) => said.push(s))).toBe(1);
    expect(said).toHaveLength(1);
  });

  it('refuses a bad --budget as usage', async () => {
    expect(await runCli('boot', GOOD, '--budget', 'stepz=1')).toEqual({ code: 2, stdout: '', stderr: "vfio-sim: --budget: unknown budget 'stepz' (known: steps, bytes, pixels, pages, log, ms)\n" });
  });

  it('refuses to dump more than the bytes budget and streams what it dumps', async () => {
    const cfg = write('big-bar.yaml', 'machine: { type: q35, memory: 1G }\ndevices:\n  - { model: qxl, addr: "03.0", props: { vram64_size_mb: 8192 } }\n');
    const big = await runCli('dump', cfg, '--bdf', '00:03.0', '--bar', '4', '--format', 'raw');
    expect(big).toEqual({ code: 2, stdout: '', stderr: 'vfio-sim: dumping 8589934592 bytes exceeds the bytes budget of 268435456: give --length, or raise it with --budget bytes=N\n' });
    const some = await runCli('dump', cfg, '--bdf', '00:03.0', '--bar', '4', '--length', String(3 << 20), '--format', 'raw');
    expect(some.code).toBe(0);
    expect(some.stdout.length).toBe(3 << 20);
  });
});

describe('terminal escapes from configs are shown, not sent', () => {
  it('escapes control characters in error lines and in the text report', async () => {
    const esc = write('esc.yaml', 'name: "evil\\e[2J"\nmachine: { type: q35 }\ndevices:\n  - model: "e1000\\e]0;owned\\a"\n');
    const r = await runCli('validate', esc);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\x1b/);
    expect(r.stderr).toContain("unknown model 'e1000\\x1b]0;owned\\x07'");
    const ok = write('esc-ok.yaml', 'name: "evil\\e[2J"\nmachine: { type: q35 }\n');
    const b = await runCli('boot', ok);
    expect(b.code).toBe(0);
    expect(b.stdout).not.toMatch(/\x1b/);
    expect(b.stdout).toContain('evil\\x1b[2J');
    expect(printable('a\x9bb')).toBe('a\\x9bb');
  });
});

describe('--trace', () => {
  it('keeps a --trace of several configs in order and streams it to the file', async () => {
    const trace = join(dir, 'trace.jsonl');
    // Every write of the vBIOS's GTT loop through BAR4 (1024x768x4 = 768 pages, two dwords each on gen 9).
    const cfg = write('traced.yaml', `${readFileSync(IGD, 'utf8')}traps:\n  - { bdf: "00:02.0", bar: 4, action: log }\n`);
    const r = await runCli('boot', cfg, cfg, '--trace', trace);
    expect(r.code).toBe(0);
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(3000);
    expect(lines.length % 2).toBe(0);
    expect(lines[0]).toBe(lines[lines.length / 2]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ bdf: '00:02.0', region: 'BAR4', access: 'write' });
    expect(statSync(trace).size).toBeGreaterThan(0);
  });
});

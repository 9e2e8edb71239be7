import { describe, expect, it } from 'vitest';
import { BUNDLED_ROMS, parseRomProgram, resolveRomProgram } from '../../vmm/passthrough/rom/index.js';

const msgs = (text: string): string[] => {
  const r = parseRomProgram(text, 'x.rom.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
};

describe('ROM program files', () => {
  it('every bundled program validates', () => {
    for (const name of Object.keys(BUNDLED_ROMS)) expect(resolveRomProgram(name).ok, name).toBe(true);
  });

  it('parses steps, vars (hex strings too) and config bdf strings', () => {
    const r = parseRomProgram(
      'name: t\nvars: { a: "0x10", b: 2 }\nsteps:\n  - config-read: { bdf: "00:02.0", offset: 0x5e, width: 2, into: hi }\n  - set: { c: "hi << 16" }\n',
      't.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.program.vars).toEqual({ a: 16, b: 2 });
    expect(r.program.steps[0]).toMatchObject({ op: 'config-read', width: 2, into: 'hi', bdf: { expr: { k: 'num', v: 0x10 } }, at: { line: 4, col: 5 } });
  });

  it('names every problem with line and column', () => {
    expect(msgs('name: t\nsteps:\n  - io-write: { port: 0x10, value: "x + 1", width: 3 }\n  - frob: 1\n  - loop: { var: k, do: [] }\n')).toEqual([
      '3:36: io-write value: unknown variable \'x\' in \'x + 1\' (not a built-in, a var, or assigned anywhere)',
      '3:52: width: expected 1, 2 or 4',
      "4:5: unknown step (expected one of: config-read, io-read, mem-read, config-write, io-write, mem-write, set, loop, if, log)",
      "5:11: loop: give exactly one of 'count' and 'to'",
    ]);
    expect(msgs('steps: []\n')).toEqual(["1:1: ROM program: 'name' (a non-empty string) is required"]);
    expect(msgs('name: t\nsteps:\n  - set: { a: "1 +" }\n')).toEqual(["3:15: set a: expression ends too early in '1 +'"]);
    expect(msgs('name: t\nsteps:\n  - config-write: { bdf: "0:2.0", offset: 0, value: 1 }\n')).toEqual(["3:26: bdf: '0:2.0' is not bus:device.function"]);
    expect(msgs('name: t\nsteps: [ { set: {a: 1}, log: "x" } ]\n')).toEqual(['2:10: one step per list item (found set and log)']);
  });

  it('a missing file is one error at 1:1', () => {
    const r = resolveRomProgram('does-not-exist.yaml', '/nonexistent');
    expect(r).toEqual({ ok: false, errors: [{ file: '/nonexistent/does-not-exist.yaml', line: 1, col: 1, message: 'no such file' }] });
  });
});

describe('config-time ROM references', () => {
  it('accept bundled names and readable programs, and name what is wrong with the rest', async () => {
    const { romRefProblems } = await import('../../vmm/passthrough/rom/index.js');
    const { renderProblem } = await import('../../vmm/frontends/config/problems.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rom-'));
    writeFileSync(join(dir, 'good.yaml'), 'name: g\nsteps: [ { set: { a: 1 } } ]\n');
    writeFileSync(join(dir, 'bad.yaml'), 'name: b\nsteps:\n  - set: { a: "1 +" }\n');
    const cfg = join(dir, 'machine.yaml');
    expect(romRefProblems({ devices: [{ rom: 'good.yaml' }, {}], firmware: { vbios: 'cached-host-bdsm' } }, cfg)).toEqual([]);
    expect(renderProblem(romRefProblems({ devices: [], firmware: { vbios: 'cached-hots-bdsm' } }, cfg)[0]!)).toMatch(/\(did you mean 'cached-host-bdsm'\?\)$/);
    // Problems are data (codes in vmm/frontends/config/problems.ts); their English is what it always was.
    expect(romRefProblems({ devices: [{}, { rom: 'bad.yaml' }], firmware: { vbios: 'nope' } }, cfg).map((p) => ({ path: p.path, code: p.code, message: renderProblem(p) }))).toEqual([
      { path: ['devices', 1, 'rom'], code: 'rom-ref-invalid', message: `devices[1].rom: ROM program 'bad.yaml' is invalid: ${join(dir, 'bad.yaml')}:3:15: set a: expression ends too early in '1 +'` },
      { path: ['firmware', 'vbios'], code: 'rom-ref-missing', message: `firmware.vbios: 'nope' is neither a bundled ROM program (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file (${join(dir, 'nope')})` },
    ]);
  });
});

describe('ROM references in machine configs', () => {
  it('are config errors at the rom:/vbios value, FILE:LINE:COL', async () => {
    const { parseConfig, formatConfigError } = await import('../../vmm/frontends/config/index.js');
    const r = parseConfig('machine: { type: pc }\ndevices:\n  - model: e1000\n    rom: missing.yaml\nfirmware: { vbios: reads-bdms }\n', '/cfg/m.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatConfigError)).toEqual([
      "/cfg/m.yaml:4:10: devices[0].rom: 'missing.yaml' is neither a bundled ROM program (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file (/cfg/missing.yaml)",
      "/cfg/m.yaml:5:20: firmware.vbios: 'reads-bdms' is neither a bundled ROM program (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file (/cfg/reads-bdms) (did you mean 'reads-bdsm'?)",
    ]);
  });
});

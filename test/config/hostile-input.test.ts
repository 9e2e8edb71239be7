import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile, parseConfig } from '../../vmm/frontends/config/index.js';
import { YAML_LIMITS } from '../../vmm/frontends/config/yaml-doc.js';
import { parseRomProgram } from '../../vmm/passthrough/rom/index.js';
import { validateWorkload } from '../../vmm/passthrough/workload/index.js';

afterEach(() => vi.restoreAllMocks());

const errors = (text: unknown, file = 'h.yaml'): string[] => {
  const r = parseConfig(text as string, file);
  return r.ok ? [] : r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`);
};

/** Nine aliases per level, eleven levels: 9^11 expansions from a few hundred bytes. */
function aliasBomb(indent = ''): string {
  let s = `${indent}a0: &a0 [x, x, x, x, x, x, x, x, x]\n`;
  for (let i = 1; i < 11; i++) s += `${indent}a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return s;
}

const EXPAND = 'cannot expand the document: Excessive alias count indicates a resource exhaustion attack';

describe('YAML limits hold for configs, workloads and ROM programs', () => {
  it('answers an alias bomb with one error in each of the three languages', () => {
    expect(errors(`machine: { type: q35 }\n${aliasBomb()}`)).toEqual([`h.yaml:1:1: ${EXPAND}`]);
    expect(errors(`machine: { type: q35 }\nworkload:\n${aliasBomb('  ')}`)).toEqual([`h.yaml:1:1: ${EXPAND}`]);
    const rom = parseRomProgram(`name: b\nsteps: []\n${aliasBomb()}`, 'r.yaml');
    expect(rom).toEqual({ ok: false, errors: [{ file: 'r.yaml', line: 1, col: 1, message: EXPAND }] });
  });

  it('refuses more aliases than the limit before expanding anything', () => {
    const many = Array.from({ length: YAML_LIMITS.aliases + 1 }, (_, i) => `k${i}: *a`).join('\n');
    expect(errors(`machine: &a { type: q35 }\nx:\n  ${many.replace(/\n/g, '\n  ')}\n`)).toEqual(['h.yaml:103:9: more than 100 aliases (*name)']);
  });

  it('refuses nesting deeper than 64 levels, flow or block, without overflowing the stack', () => {
    expect(errors(`machine: ${'['.repeat(20000)}${']'.repeat(20000)}\n`)).toEqual([expect.stringMatching(/^h\.yaml:1:\d+: nesting is deeper than 64 levels$/)]);
    const block = 'machine:\n' + Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n') + ' 1\n';
    expect(errors(block)).toEqual(['h.yaml:65:129: nesting is deeper than 64 levels']);
    expect(parseRomProgram(`name: d\nsteps: ${'['.repeat(100)}${']'.repeat(100)}\n`, 'r.yaml')).toMatchObject({ ok: false, errors: [{ message: 'nesting is deeper than 64 levels' }] });
  });

  it('refuses a file over the size limit and a mapping with more keys than the limit, quickly', () => {
    expect(errors(`# ${'x'.repeat(YAML_LIMITS.bytes)}\n`)).toEqual([`h.yaml:1:1: the file is ${YAML_LIMITS.bytes + 3} bytes; the limit is ${YAML_LIMITS.bytes}`]);
    const t0 = Date.now();
    const keys = 'machine: { type: q35 }\n' + Array.from({ length: 40000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(errors(keys)).toEqual(['h.yaml:1:1: a mapping with 40001 keys; the limit is 1000']);
    // 999 unknown keys (under the limit) report the first 100 and count the rest.
    const some = 'machine: { type: q35 }\n' + Array.from({ length: 998 }, (_, i) => `k${i}: 1`).join('\n');
    const e = errors(some);
    expect(e).toHaveLength(101);
    expect(e[100]).toBe('h.yaml:102:1: 898 more problems not shown');
    // Quadratic key handling took 87 s for 40000 keys; linear takes well under a second (slack for a loaded machine).
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('points a null key at its line and refuses a complex key without a process warning', () => {
    expect(errors('machine: { type: q35 }\ndevices: []\nnull: 3\n')).toEqual([
      "h.yaml:3:1: unknown key '' in the config (expected one of: name, machine, devices, host, firmware, traps, workload)",
    ]);
    const warn = vi.spyOn(process, 'emitWarning');
    expect(errors('machine: { type: q35 }\n? [a, b]\n: 3\n')).toEqual(['h.yaml:2:3: a key must be a plain scalar, not a mapping, list, alias or binary']);
    // Found by `npm run fuzz` (seed 101): a !!binary key reached toJS and printed a Node warning.
    expect(errors('machine: { type: q35 }\n!!binary aGVsbG8=: 1\n')).toEqual(['h.yaml:2:10: a key must be a plain scalar, not a mapping, list, alias or binary']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('never throws from parseConfig, whatever a JavaScript caller passes', () => {
    expect(errors(null)).toEqual(["h.yaml:1:1: expected the config's text (a string), got null"]);
    expect(errors(42)).toEqual(["h.yaml:1:1: expected the config's text (a string), got number"]);
    expect(parseConfig('machine: { type: q35 }\n', undefined as unknown as string)).toMatchObject({ ok: true });
  });
});

describe('names from input never reach Object.prototype', () => {
  it.each([
    ['rom: toString', "machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: toString\n", "h.yaml:4:10: devices[0].rom: 'toString' is neither a bundled ROM program (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file"],
    ['vbios: __proto__', 'machine: { type: q35 }\nfirmware: { vbios: __proto__ }\n', "h.yaml:2:20: firmware.vbios: '__proto__' is neither a bundled ROM program (reads-bdsm, cached-host-bdsm, fill-gtt, intel-gop) nor a file"],
    ['props constructor', 'machine: { type: q35 }\ndevices:\n  - model: e1000\n    props: { constructor: 1 }\n', "h.yaml:4:14: e1000: unknown property 'constructor'"],
    ['romfile valueOf', 'machine: { type: q35 }\ndevices:\n  - model: e1000\n    props: { romfile: valueOf }\n', "h.yaml:4:23: e1000: unknown romfile 'valueOf'"],
  ])('%s is an ordinary config error', (_, text, first) => {
    const e = errors(text);
    expect(e[0]!.startsWith(first)).toBe(true);
  });

  it('reads a ROM expression operator named like a prototype member as an error, not an operator', () => {
    const r = parseRomProgram('name: p\nsteps:\n  - set: { x: "1 constructor 2" }\n', 'r.yaml');
    expect(r).toMatchObject({ ok: false, errors: [{ line: 3, message: "set x: unexpected 'constructor' at column 3 in '1 constructor 2'" }] });
  });
});

describe('numbers past what the machine can address', () => {
  it("says what is wrong with memory near 2^53 or past the vCPU's address bits", () => {
    expect(errors('machine: { type: q35, memory: 9007199254740993 }\n')).toEqual(['h.yaml:1:31: machine.memory: 9007199254740992 is not a whole number of bytes below 2^53']);
    const past40 = "puts guest RAM past the vCPU's 40 address bits";
    expect(errors('machine: { type: q35, memory: 8000T }\n')[0]).toContain(`h.yaml:1:31: machine.memory: 8000T ${past40}`);
    expect(errors('machine: { type: pc, memory: 1T }\n')[0]).toContain(`h.yaml:1:30: machine.memory: 1T ${past40}`);
    // RAM + q35's 32 GiB hole below the HT range stays at 4 GiB; 1020G would move to 1 TiB and end past 40 bits.
    expect(errors('machine: { type: q35, memory: 978G }\n')).toEqual([]);
    expect(errors('machine: { type: q35, memory: 1020G }\n')[0]).toContain(`h.yaml:1:31: machine.memory: 1020G ${past40} (QEMU: "Address space limit 0xffffffffff < `);
    expect(errors('machine: { type: q35, memory: 1020G, cpu: { phys-bits: 46 } }\n')).toEqual([]);
    expect(errors('machine: { type: q35, memory: 4G, maxmem: 2000G, slots: 1 }\n')[0]).toMatch(/^h\.yaml:1:43: machine\.maxmem: 2000G puts the memory hotplug region past the vCPU's 40 address bits/);
  });

  it('refuses a 256th bridge: bus numbers are 8 bits', () => {
    let text = 'machine: { type: pc }\ndevices:\n';
    for (let i = 0; i < 256; i++) text += `  - { model: pci-bridge, id: b${i}, addr: "${i === 0 ? '05' : '01'}.0", props: { chassis_nr: ${(i % 255) + 1} }${i > 0 ? `, bus: b${i - 1}` : ''} }\n`;
    expect(errors(text)).toEqual(['h.yaml:258:14: more than 255 bridges: PCI bus numbers are 8 bits, so bus 256 cannot exist']);
  });

  it('refuses trap rules with reversed ranges, offsets past 64 bits and bdfs that cannot exist', () => {
    const t = (rule: string): string[] => errors(`machine: { type: q35 }\ndevices: [{ model: VGA, addr: "02.0" }]\ntraps:\n  - ${rule}\n`);
    expect(t('{ bdf: "00:02.0", bar: 0, offset: [0x200, 0x100], action: log }')).toEqual(['h.yaml:4:39: traps: offset [512, 256] is empty or reversed (the end is exclusive and must be above the start)']);
    expect(t('{ bdf: "00:02.0", bar: 0, offset: [0, "0x1ffffffffffffffff"], action: log }')).toEqual(['h.yaml:4:39: traps: offset [0, 0x1ffffffffffffffff] does not fit in 64 bits']);
    expect(t('{ bdf: "00:02.0", action: rewrite-range, from: [5, 5], to: 0 }')).toEqual(['h.yaml:4:52: traps: from [5, 5] is empty or reversed (the end is exclusive and must be above the start)']);
    expect(t('{ bdf: "03:00.0", bar: 0, action: log }')).toEqual(['h.yaml:4:12: traps: bdf 03:00.0 is on bus 3, but this machine has 0 bridges (buses 0..0)']);
    expect(t('{ bdf: "00:07.0", bar: 0, action: log }')).toEqual(['h.yaml:4:12: traps: no function at 00:07.0 on the root bus (give the device a fixed addr, or trap an existing one)']);
    expect(t('{ bdf: "00:02.0", bar: 0, offset: [0, 0x100], action: log }')).toEqual([]);
  });
});

describe('ROM expressions and workloads stay cheap to validate', () => {
  it('bounds expression nesting and length instead of overflowing the stack', () => {
    const deep = parseRomProgram(`name: p\nsteps:\n  - set: { x: "${'('.repeat(5000)}1${')'.repeat(5000)}" }\n`, 'r.yaml');
    expect(deep).toMatchObject({ ok: false, errors: [{ line: 3, message: 'set x: expression has more than 512 tokens' }] });
    const paren = parseRomProgram(`name: p\nsteps:\n  - set: { x: "${'('.repeat(100)}1${')'.repeat(100)}" }\n`, 'r.yaml');
    expect(paren).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/^set x: expression nests deeper than 64 levels in /) }] });
    const sum = parseRomProgram(`name: p\nsteps:\n  - set: { x: "${Array(2000).fill('1').join(' + ')}" }\n`, 'r.yaml');
    expect(sum).toMatchObject({ ok: false, errors: [{ message: 'set x: expression has more than 512 tokens' }] });
    const ok = parseRomProgram(`name: p\nsteps:\n  - set: { x: "${Array(200).fill('1').join(' + ')}" }\n`, 'r.yaml');
    expect(ok.ok).toBe(true);
  });

  it('validates eight nested repeats in linear time and refuses a ninth level', () => {
    let steps: unknown = [{ poll: {} }];
    for (let i = 0; i < 8; i++) steps = [{ repeat: { times: 10, steps } }, { repeat: { times: 10, steps } }];
    const t0 = Date.now();
    const r = validateWorkload({ steps });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.ok).toBe(false); // 20^8 polls is over the executed-steps limit, found without walking them
    let deep: unknown = [{ poll: {} }];
    for (let i = 0; i < 10; i++) deep = [{ repeat: { times: 1, steps: deep } }];
    const refused = validateWorkload({ steps: deep });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? [] : refused.errors.map((e) => e.message)).toEqual([`workload.steps[0]${'.repeat.steps[0]'.repeat(9)}: repeats nest deeper than 8 levels`]);
  });
});

describe('only regular files are read', () => {
  it('refuses /dev/zero, a directory and a FIFO at once, without reading or blocking', () => {
    expect(loadConfigFile('/dev/zero')).toEqual({ ok: false, errors: [{ file: '/dev/zero', line: 1, col: 1, message: 'is not a regular file (a device, FIFO or socket cannot be an input)' }] });
    expect(loadConfigFile('/tmp')).toEqual({ ok: false, errors: [{ file: '/tmp', line: 1, col: 1, message: 'is a directory' }] });
    const dir = mkdtempSync(join(tmpdir(), 'vfio-hostile-'));
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(loadConfigFile(fifo)).toMatchObject({ ok: false, errors: [{ message: 'is not a regular file (a device, FIFO or socket cannot be an input)' }] });
    expect(errors('machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: /dev/zero\n')).toEqual([
      "h.yaml:4:10: devices[0].rom: ROM program '/dev/zero' is invalid: /dev/zero:1:1: is not a regular file (a device, FIFO or socket cannot be an input)",
    ]);
  });

  it('never quotes a file that is not a ROM program', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-hostile-'));
    writeFileSync(join(dir, 'secret.txt'), 'token-4f1c: abc\n');
    writeFileSync(join(dir, 'other.yaml'), 'token-4f1c: abc\n');
    const cfg = (rom: string): string[] => errors(`machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: ${rom}\n`, join(dir, 'c.yaml'));
    expect(cfg('secret.txt')).toEqual([`${join(dir, 'c.yaml')}:4:10: devices[0].rom: ROM program 'secret.txt' is invalid: ${join(dir, 'secret.txt')}:1:1: is not a ROM program (a ROM program is a .yaml or .yml file)`]);
    expect(cfg('other.yaml')).toEqual([`${join(dir, 'c.yaml')}:4:10: devices[0].rom: ROM program 'other.yaml' is invalid: ${join(dir, 'other.yaml')}:1:1: is not a ROM program (no 'name' or 'steps')`]);
    expect(cfg('/etc/passwd')[0]).toContain('is not a ROM program (a ROM program is a .yaml or .yml file)');
    expect(cfg('secret.txt').join('\n')).not.toContain('token-4f1c');
  });
});

describe('trap rules on BARs that do not exist', () => {
  const machine = (rule: string): string => `machine: { type: q35, qemu: "7.2" }\ndevices:\n  - { model: e1000, addr: "04.0" }\ntraps:\n  - ${rule}\n`;
  it('refuses a BAR the device has not, at the rule (e1000: BAR0, BAR1 io, ROM; ICH9 SMBus: BAR4 only)', () => {
    expect(errors(machine('{ bdf: "00:04.0", bar: 3, action: log }'))).toEqual(['h.yaml:5:28: traps: 00:04.0 (e1000) has no BAR 3']);
    expect(errors(machine('{ bdf: "00:1f.3", bar: 5, action: log }'))).toEqual(['h.yaml:5:28: traps: 00:1f.3 (ICH9-SMB) has no BAR 5']);
  });
  it('accepts the BARs and the ROM BAR the device has', () => {
    expect(errors(machine('{ bdf: "00:04.0", bar: 0, action: log }'))).toEqual([]);
    expect(errors(machine('{ bdf: "00:04.0", bar: 6, action: log }'))).toEqual([]);
    expect(errors(machine('{ bdf: "00:1f.3", bar: 4, action: log }'))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../vmm/frontends/config/index.js';

function errors(yaml: string): string[] {
  const r = parseConfig(yaml, 'c.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
}

const igd = (hostIgd: string, props = ''): string =>
  `machine: { type: q35, memory: 4G }\nhost: { igd: { ${hostIgd} } }\ndevices:\n  - model: vfio-igd\n${props === '' ? '' : `    props: { ${props} }\n`}`;

describe('vfio-igd props that come from QEMU command lines', () => {
  it('points host and x-vga at host.igd instead of guessing a prop', () => {
    expect(errors(igd('generation: skl', 'host: "00:02.0", x-vga: on'))).toEqual([
      "5:14: vfio-igd: unknown property 'host': the assigned IGD is always the host's 00:02.0, described under host.igd (generation, device-id, gms, bdsm, ...)",
      '5:31: vfio-igd: unknown property \'x-vga\': vfio-sim does not pass legacy VGA ranges through; IGD legacy mode follows machine.qemu (x-igd-legacy-mode from QEMU 10.0), and the host GPU is under host.igd',
    ]);
  });

  it('accepts a romfile image (boot parses it into igd.romfile) and romfile: "" (no ROM)', () => {
    expect(errors(igd('generation: skl', 'romfile: igd.rom'))).toEqual([]);
    expect(errors(igd('generation: skl', 'romfile: ""'))).toEqual([]);
  });
});

describe('host.igd.ggms', () => {
  it('accepts 3 from gen 8 on', () => {
    expect(errors(igd('generation: skl, ggms: 3'))).toEqual([]);
  });

  it('names the value it refuses: 3 is reserved on gen 6/7', () => {
    expect(errors(igd('generation: snb, ggms: 3'))).toEqual(['2:39: host.igd.ggms: GGMS 3 is reserved on gen 6 (valid: 0..2)']);
  });

  it('reports 4 once, as past the field, not as "GGMS 3 is reserved"', () => {
    expect(errors(igd('generation: skl, ggms: 4'))).toEqual(['2:39: host.igd.ggms: must be <= 3, got 4']);
  });
});

describe('machine.memory given as a bare number', () => {
  it('hints that a bare number is bytes, unlike QEMU\'s -m', () => {
    expect(errors('machine: { type: q35, memory: 4096 }\n')).toEqual([
      "1:31: machine.memory: 4096 bytes is too small (at least 1M) — a bare number is bytes here (QEMU's -m reads MiB): did you mean 4096M?",
    ]);
  });

  it('gives no such hint for a size with a unit', () => {
    expect(errors('machine: { type: q35, memory: 512K }\n')).toEqual(['1:31: machine.memory: 524288 bytes is too small (at least 1M)']);
  });
});

import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../vmm/frontends/config/index.js';
import { validateWorkload, MAX_EXECUTED_STEPS } from '../../vmm/passthrough/workload/index.js';
import { workloadSchema } from '../../vmm/passthrough/workload/schema.js';
import { configErrors, TWO_HEADS } from './helpers.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const messages = (v: unknown): string[] => {
  const r = validateWorkload(v);
  return r.ok ? [] : r.errors.map((e) => e.message);
};

describe('workload validation in the config (FILE:LINE:COL)', () => {
  it('points at the step, the key or the value at fault', () => {
    const yaml = `${TWO_HEADS}workload:
  steps:
    - qxl-init: { device: gpu9 }
    - qxl-init: { device: nic }
    - fil: { device: gpu0 }
    - fill: { device: gpu0, surface: 0, color: red, rect: { left: 5, top: 0, right: 5, bottom: 3 } }
    - plug-monitor: { id: a, device: gpu0, width: 10, height: 0, offscreen: 1 }
    - update-area: { monitor: a, colour: 1 }
    - 42
`;
    expect(configErrors(yaml)).toEqual([
      "t.yaml:8:27: workload.steps[0].qxl-init.device: no device with id 'gpu9' (did you mean 'gpu0'?)",
      "t.yaml:9:27: workload.steps[1].qxl-init.device: device 'nic' (model e1000) is not a QXL device (qxl or qxl-vga)",
      "t.yaml:10:7: workload.steps[2].fil: unknown step 'fil' (did you mean 'fill'?)",
      "t.yaml:11:48: workload.steps[3].fill.color: expected an integer 0..4294967295 (or 0x-hex), got 'red'",
      't.yaml:11:59: workload.steps[3].fill.rect: empty rectangle: right (5) must exceed left (5) and bottom (3) top (0)',
      't.yaml:12:63: workload.steps[4].plug-monitor.height: expected an integer 1..16384 (or 0x-hex), got 0',
      't.yaml:12:77: workload.steps[4].plug-monitor.offscreen: expected true or false, got 1',
      "t.yaml:13:34: workload.steps[5].update-area.colour: unknown key 'colour' (expected one of: monitor, device, surface, rect)",
      "t.yaml:14:7: workload.steps[6]: expected a step: a mapping with one key (qxl-init, create-primary, destroy-primary, create-surface, destroy-surface, fill, copy-image, update-area, cpu-fill, flush-release, plug-monitor, unplug-monitor, poll, repeat), got 42",
    ]);
  });

  it('checks the order of steps once their shapes are right', () => {
    const yaml = `${TWO_HEADS}workload:
  - unplug-monitor: { id: left }
  - repeat:
      times: 2
      steps:
        - plug-monitor: { id: b, device: "00:02.0", width: 10, height: 10 }
        - cpu-fill: { monitor: c, color: 0 }
  - fill: { device: gpu0, surface: bg, color: 1 }
`;
    expect(configErrors(yaml)).toEqual([
      "t.yaml:7:27: workload[0].unplug-monitor.id: monitor 'left' is not plugged at this point",
      "t.yaml:11:31: workload[1].repeat.steps[0].plug-monitor.id: monitor 'b' is already plugged (unplug it first)",
      "t.yaml:12:32: workload[1].repeat.steps[1].cpu-fill.monitor: monitor 'c' is not plugged at this point",
      "t.yaml:13:36: workload[2].fill.surface: no surface named 'bg' exists at this point (create it with create-surface first)",
    ]);
  });

  it('accepts the bundled multi-head config', () => {
    const r = loadConfigFile('configs/qxl-multihead.yaml');
    expect(r.ok ? [] : r.errors).toEqual([]);
  });
});

describe('validateWorkload', () => {
  it('takes {steps} or the list itself, a bare poll, and counts steps with repeats unrolled', () => {
    const r = validateWorkload({ steps: ['poll', { repeat: { times: 3, steps: [{ poll: null }, { repeat: { times: 2, steps: ['poll'] } }] } }] });
    expect(r.ok && r.workload.executedSteps).toBe(1 + 3 * (1 + 2));
    expect(validateWorkload([]).ok).toBe(true);
  });

  it('refuses a run longer than the step limit and a repeat without steps', () => {
    expect(messages([{ repeat: { times: 1000, steps: [{ repeat: { times: 1000, steps: ['poll'] } }] } }])).toEqual([
      `workload: runs 1000000 steps with its repeats unrolled; the limit is ${MAX_EXECUTED_STEPS}`,
    ]);
    expect(messages([{ repeat: { times: 2 } }])).toEqual(["workload[0].repeat: missing required key 'steps'"]);
  });

  it('refuses mixed or incomplete monitor framebuffers', () => {
    expect(messages([{ 'plug-monitor': { id: 'm', ram: 4096, device: 'gpu0', width: 8, height: 8 } }])).toEqual([
      "workload[0].plug-monitor: a guest-RAM monitor ('ram') takes no 'device', 'surface' or 'offscreen'",
    ]);
    expect(messages([{ 'plug-monitor': { id: 'm', device: 'gpu0', surface: 0, width: 8 } }])).toEqual([
      "workload[0].plug-monitor: a monitor on an existing 'surface' takes its size from it: no 'width', 'height' or 'offscreen'",
    ]);
    expect(messages([{ 'plug-monitor': { id: 'm', device: 'gpu0' } }])).toEqual([
      "workload[0].plug-monitor: missing required key 'width'",
      "workload[0].plug-monitor: missing required key 'height'",
    ]);
    expect(messages([{ fill: { monitor: 'm', device: 'gpu0', color: 1 } }])).toEqual([
      "workload[0].fill: give either 'monitor' or 'device' and 'surface', not both",
    ]);
  });

  it('refuses images past the pixel limit, surface 0 for destroy-surface, and non-mappings', () => {
    expect(messages([{ 'copy-image': { monitor: 'm', rect: { left: 0, top: 0, right: 2048, bottom: 1024 } } }])).toEqual([
      'workload[0].copy-image.rect: an image of 2097152 pixels is over the limit of 1048576',
    ]);
    expect(messages([{ 'destroy-surface': { device: 'gpu0', surface: 0 } }])).toEqual([
      'workload[0].destroy-surface.surface: surface 0 is the primary: use destroy-primary',
    ]);
    expect(messages('poll')).toEqual(["workload: expected a mapping with 'steps' or a list of steps, got 'poll'"]);
    expect(messages({ step: [] })).toEqual(["workload.step: unknown key 'step' (expected: steps)", "workload: missing required key 'steps'"]);
  });
});

describe('workloadSchema (editors)', () => {
  type AjvClass = typeof AjvModule.default;
  const Ajv: AjvClass = (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);

  it('compiles in strict mode and agrees with the validator on the bundled workload and a typo', () => {
    const validate = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(workloadSchema());
    // The workload as written in the bundled config (the spec holds the validated, parsed form).
    const raw = (parseYaml(readFileSync('configs/qxl-multihead.yaml', 'utf8')) as { workload: unknown }).workload;
    expect(validateWorkload(raw).ok).toBe(true);
    expect(validate(raw)).toBe(true);
    expect(validate({ steps: [{ fill: { monitor: 'm', colour: 1 } }] })).toBe(false);
  });
});

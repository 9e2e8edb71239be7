import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { validateWorkload } from '../../vmm/passthrough/workload/index.js';
import {
  renderWorkloadProblem,
  WORKLOAD_PROBLEMS,
  type WorkloadProblemBody,
  type WorkloadProblemCode,
  type WorkloadProblemParams,
} from '../../vmm/passthrough/workload/problems.js';
import { schemaStepKinds, WORKLOAD_STEP_KINDS, workloadSchema } from '../../vmm/passthrough/workload/schema.js';
import { runCli } from '../cli/run-cli.js';
import { TWO_HEADS } from './helpers.js';

const STEP = ['steps', 3, 'fill'] as const;
const KINDS = ['fill', 'poll'];

/** One example of every code: its params and the English it reads as (the only place each text is asserted). */
const TEXTS: { readonly [C in WorkloadProblemCode]: { readonly params: WorkloadProblemParams<C>; readonly text: string } } = {
  'workload-not-steps': { params: { at: [], value: 'poll' }, text: "workload: expected a mapping with 'steps' or a list of steps, got 'poll'" },
  'workload-unknown-top-key': { params: { at: ['step'], key: 'step' }, text: "workload.step: unknown key 'step' (expected: steps)" },
  'workload-too-many-steps': { params: { at: [], steps: 1_000_000, limit: 100_000 }, text: 'workload: runs 1000000 steps with its repeats unrolled; the limit is 100000' },
  'workload-steps-not-list': { params: { at: ['steps'], value: 3 }, text: 'workload.steps: expected a list of steps, got 3' },
  'workload-not-a-step': { params: { at: ['steps', 0], kinds: KINDS, keys: 2 }, text: 'workload.steps[0]: expected a step: a mapping with one key (fill, poll), got a mapping with 2 keys' },
  'workload-unknown-step': { params: { at: ['steps', 2, 'fil'], kind: 'fil', kinds: KINDS }, text: "workload.steps[2].fil: unknown step 'fil' (did you mean 'fill'?)" },
  'workload-args-not-mapping': { params: { at: [...STEP], value: [1] }, text: 'workload.steps[3].fill: expected a mapping of arguments, got a list' },
  'workload-missing-key': { params: { at: [...STEP], key: 'color' }, text: "workload.steps[3].fill: missing required key 'color'" },
  'workload-unknown-key': { params: { at: [...STEP, 'size'], key: 'size', known: ['monitor', 'rect'] }, text: "workload.steps[3].fill.size: unknown key 'size' (expected one of: monitor, rect)" },
  'workload-bad-int': { params: { at: [...STEP, 'color'], min: 0, max: 4294967295, value: 'red' }, text: "workload.steps[3].fill.color: expected an integer 0..4294967295 (or 0x-hex), got 'red'" },
  'workload-bad-bool': { params: { at: ['steps', 0, 'plug-monitor', 'offscreen'], value: 1 }, text: 'workload.steps[0].plug-monitor.offscreen: expected true or false, got 1' },
  'workload-bad-name': {
    params: { at: [...STEP, 'monitor'], what: 'a monitor id', value: '1st' },
    text: "workload.steps[3].fill.monitor: expected a monitor id: a letter, then letters, digits, _ . -, got '1st'",
  },
  'workload-bad-device': { params: { at: [...STEP, 'device'], value: '' }, text: "workload.steps[3].fill.device: expected a QXL device's id or bdf (BB:DD.F), got ''" },
  'workload-no-such-device': { params: { at: [...STEP, 'device'], id: 'gpu9', qxl: [] }, text: "workload.steps[3].fill.device: no device with id 'gpu9' (the config has no QXL device with an id)" },
  'workload-not-qxl': { params: { at: [...STEP, 'device'], id: 'nic', model: 'e1000' }, text: "workload.steps[3].fill.device: device 'nic' (model e1000) is not a QXL device (qxl or qxl-vga)" },
  'workload-bad-surface': { params: { at: [...STEP, 'surface'], value: -1 }, text: 'workload.steps[3].fill.surface: expected a surface id (0 = primary) or a create-surface name, got -1' },
  'workload-rect-not-mapping': { params: { at: [...STEP, 'rect'], value: 5 }, text: 'workload.steps[3].fill.rect: expected a mapping {left, top, right, bottom}, got 5' },
  'workload-empty-rect': {
    params: { at: [...STEP, 'rect'], left: 5, top: 0, right: 5, bottom: 3 },
    text: 'workload.steps[3].fill.rect: empty rectangle: right (5) must exceed left (5) and bottom (3) top (0)',
  },
  'workload-image-too-large': { params: { at: ['steps', 0, 'copy-image', 'rect'], pixels: 2097152, limit: 1048576 }, text: 'workload.steps[0].copy-image.rect: an image of 2097152 pixels is over the limit of 1048576' },
  'workload-repeat-too-deep': { params: { at: ['steps', 0, 'repeat'], limit: 8 }, text: 'workload.steps[0].repeat: repeats nest deeper than 8 levels' },
  'workload-monitor-and-surface': { params: { at: [...STEP] }, text: "workload.steps[3].fill: give either 'monitor' or 'device' and 'surface', not both" },
  'workload-igd-monitor-keys': { params: { at: ['steps', 0, 'plug-monitor'] }, text: "workload.steps[0].plug-monitor: an IGD monitor ('igd') takes only 'width' and 'height'" },
  'workload-ram-monitor-keys': { params: { at: ['steps', 0, 'plug-monitor'] }, text: "workload.steps[0].plug-monitor: a guest-RAM monitor ('ram') takes no 'device', 'surface' or 'offscreen'" },
  'workload-surface-monitor-keys': {
    params: { at: ['steps', 0, 'plug-monitor'] },
    text: "workload.steps[0].plug-monitor: a monitor on an existing 'surface' takes its size from it: no 'width', 'height' or 'offscreen'",
  },
  'workload-destroy-primary': { params: { at: ['steps', 0, 'destroy-surface', 'surface'] }, text: 'workload.steps[0].destroy-surface.surface: surface 0 is the primary: use destroy-primary' },
  'workload-no-surface': {
    params: { at: [...STEP, 'surface'], name: 'bg' },
    text: "workload.steps[3].fill.surface: no surface named 'bg' exists at this point (create it with create-surface first)",
  },
  'workload-monitor-not-plugged': { params: { at: [0, 'unplug-monitor', 'id'], id: 'left' }, text: "workload[0].unplug-monitor.id: monitor 'left' is not plugged at this point" },
  'workload-monitor-plugged': { params: { at: [1, 'plug-monitor', 'id'], id: 'b' }, text: "workload[1].plug-monitor.id: monitor 'b' is already plugged (unplug it first)" },
  'workload-surface-exists': { params: { at: [2, 'create-surface', 'name'], name: 'bg' }, text: "workload[2].create-surface.name: a surface named 'bg' already exists" },
};

describe('workload problems', () => {
  it('have an English text example for every code, and none for codes the catalogue lacks', () => {
    expect(Object.keys(TEXTS).sort()).toEqual(Object.keys(WORKLOAD_PROBLEMS).sort());
  });

  it.each(Object.entries(TEXTS))('%s reads as it always has', (code, { params, text }) => {
    expect(renderWorkloadProblem({ code, params } as WorkloadProblemBody)).toBe(text);
  });

  it('are data: each error has its code, params (with the path) and the rendered message', () => {
    const r = validateWorkload([{ fill: { monitor: 'm', color: 'red' } }, 'frob'], { devices: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      {
        code: 'workload-bad-int',
        params: { at: [0, 'fill', 'color'], min: 0, max: 0xffff_ffff, value: 'red' },
        path: [0, 'fill', 'color'],
        prefer: 'value',
        message: "workload[0].fill.color: expected an integer 0..4294967295 (or 0x-hex), got 'red'",
      },
      expect.objectContaining({ code: 'workload-unknown-step', path: [1], prefer: 'key' }),
    ]);
  });

  it('reach the config errors as their own codes, at FILE:LINE:COL', () => {
    const yaml = `${TWO_HEADS}workload:
  steps:
    - qxl-init: { device: gpu9 }
    - unplug-monitor: { id: left }
`;
    const r = parseConfig(yaml, 't.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.col, e.code])).toEqual([
      [8, 27, 'workload-no-such-device'],
    ]);
    const order = parseConfig(`${TWO_HEADS}workload:\n  - unplug-monitor: { id: left }\n`, 't.yaml');
    expect(order.ok ? [] : order.errors.map((e) => e.code)).toEqual(['workload-monitor-not-plugged']);
  });
});

describe('the workload schema (one definition)', () => {
  it('gives the validator its step kinds, in the order messages list them', () => {
    expect(WORKLOAD_STEP_KINDS).toEqual([
      'qxl-init', 'create-primary', 'destroy-primary', 'create-surface', 'destroy-surface', 'fill', 'copy-image',
      'update-area', 'cpu-fill', 'flush-release', 'plug-monitor', 'unplug-monitor', 'poll', 'repeat',
    ]);
    // The schema's table is typed by this list (kinds.ts); its order is the list's order.
    expect(schemaStepKinds()).toEqual(WORKLOAD_STEP_KINDS);
    // Every kind the schema names is one the validator builds (an unknown kind would be 'workload-unknown-step').
    for (const kind of WORKLOAD_STEP_KINDS) {
      const r = validateWorkload([{ [kind]: {} }]);
      expect(r.ok ? [] : r.errors.map((e) => e.code)).not.toContain('workload-unknown-step');
    }
  });

  it('is what `vfio-sim schema workload` prints for editors, and what the config schema embeds', async () => {
    const r = await runCli('schema', 'workload');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ $schema: 'http://json-schema.org/draft-07/schema#', ...workloadSchema() });
    expect((JSON.parse((await runCli('schema')).stdout) as { properties: { workload: unknown } }).properties.workload).toEqual(workloadSchema());
  });
});

/**
 * The workload format as JSON Schema (draft-07), for editors (`vfio-sim schema`). Validation itself is
 * validateWorkload's: it also checks step order and device ids, with the step's path in every message.
 */
import { MAX_DIMENSION, MAX_EXECUTED_STEPS } from './types.js';

type JsonSchema = Record<string, unknown>;

export const WORKLOAD_SCHEMA_ID = 'https://github.com/vfio-sim/vfio-sim/workload.schema.json';

const HEX = '^0[xX][0-9a-fA-F]+$';
const int = (description: string, min: number, max: number): JsonSchema => ({
  description, anyOf: [{ type: 'integer', minimum: min, maximum: max }, { type: 'string', pattern: HEX }],
});
const name = (description: string): JsonSchema => ({ description, type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' });
const dim = (what: string): JsonSchema => int(`${what} in pixels, 1..${MAX_DIMENSION}`, 1, MAX_DIMENSION);
const device: JsonSchema = { type: 'string', minLength: 1, description: "a QXL device: its id or its bdf (BB:DD.F, as the boot report writes it)" };
const surface: JsonSchema = {
  description: '0 = the primary, another number = a surface id, or a create-surface name',
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' }],
};
const color = int('a 32-bit xRGB pixel value (0xRRGGBB)', 0, 0xffff_ffff);
const coord = (d: string): JsonSchema => int(d, 0, MAX_DIMENSION);
const rect: JsonSchema = {
  description: 'QXLRect in pixels: right and bottom exclusive; default the whole surface',
  type: 'object', additionalProperties: false, required: ['left', 'top', 'right', 'bottom'],
  properties: { left: coord('first column'), top: coord('first row'), right: coord('column after the last'), bottom: coord('row after the last') },
};
const monitor = name('a plugged monitor id');
const args = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}),
});
const drawArgs = (extra: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  ...args({ monitor, device, surface, rect, ...extra }, required),
  description: "draw on 'monitor', or on 'device' + 'surface'",
});

function stepSchemas(steps: JsonSchema): Record<string, JsonSchema> {
  return {
    'qxl-init': args({ device, reset: { type: 'boolean', description: 'QXL_IO_RESET as the session starts' } }, ['device']),
    'create-primary': args({ device, width: dim('width'), height: dim('height') }, ['device', 'width', 'height']),
    'destroy-primary': args({ device }, ['device']),
    'create-surface': args({ device, name: name('a name later steps use as surface'), width: dim('width'), height: dim('height') }, ['device', 'name', 'width', 'height']),
    'destroy-surface': args({ device, surface }, ['device', 'surface']),
    fill: drawArgs({ color }, ['color']),
    'copy-image': drawArgs({ color: { ...color, description: 'a solid image; default a gradient' } }, ['rect']),
    'update-area': drawArgs({}),
    'cpu-fill': args({ monitor, rect, color }, ['monitor', 'color']),
    'flush-release': args({ device }, ['device']),
    'plug-monitor': {
      ...args({
        id: name('the monitor id'), device, width: dim('width'), height: dim('height'), surface,
        offscreen: { type: 'boolean', description: 'a new VRAM surface instead of the primary' },
        ram: int('a framebuffer in guest RAM at this guest-physical address', 0, Number.MAX_SAFE_INTEGER),
        igd: { type: 'boolean', description: "the assigned IGD's framebuffer (where its GTT entry 0 points)" },
      }, ['id']),
      description: "'device' + width/height: the primary (or a VRAM surface with offscreen); 'device' + 'surface': an existing surface; 'ram' + width/height: guest RAM; 'igd' + width/height: the IGD's framebuffer",
    },
    'unplug-monitor': args({ id: name('the monitor id') }, ['id']),
    poll: { description: 'a display refresh: get-and-clear every plugged framebuffer', type: ['object', 'null'], additionalProperties: false },
    repeat: args({ times: { type: 'integer', minimum: 0, maximum: MAX_EXECUTED_STEPS }, steps }, ['times', 'steps']),
  };
}

/** The `workload:` value: `{steps: [...]}` or the list of steps. */
export function workloadSchema(): JsonSchema {
  const steps: JsonSchema = { type: 'array', items: { $ref: '#/definitions/workloadStep' } };
  const kinds = stepSchemas({ $ref: '#/definitions/workloadSteps' });
  const step: JsonSchema = {
    description: 'one step: a mapping with one key, the step kind',
    anyOf: [
      { type: 'string', enum: ['poll'] },
      ...Object.entries(kinds).map(([k, s]) => ({ type: 'object', additionalProperties: false, required: [k], properties: { [k]: s } })),
    ],
  };
  return {
    // Its own $id, so the #/definitions references resolve inside this schema wherever it is embedded.
    $id: WORKLOAD_SCHEMA_ID,
    description: 'scripted display activity after boot (QXL drawing, monitors plugged and unplugged, refreshes)',
    anyOf: [{ $ref: '#/definitions/workloadSteps' }, { type: 'object', additionalProperties: false, required: ['steps'], properties: { steps: { $ref: '#/definitions/workloadSteps' } } }],
    definitions: { workloadSteps: steps, workloadStep: step },
  };
}

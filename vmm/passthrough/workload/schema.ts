/**
 * The workload language, defined once: the JSON Schema editors complete (`vfio-sim schema workload`, and inside
 * the config's), the TypeScript type of a workload as written, and the step kinds the validator knows (parse.ts)
 * derive from `define()` and the vocabulary in kinds.ts (plain data). TypeBox is loaded when the schema is asked
 * for (`schema`, the config schema, tests), never by validating a workload (docs/performance.md §11). What a
 * schema cannot say — step order, monitors plugged before use, device ids of the config, the unrolled step
 * count — validate.ts checks as code, reporting problems of the same kind (problems.ts).
 */
import { createRequire } from 'node:module';
import type * as TypeBox from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { WORKLOAD_STEP_KINDS, type WorkloadStepKind } from './kinds.js';
import { MAX_DIMENSION, MAX_EXECUTED_STEPS } from './types.js';

type JsonSchema = Record<string, unknown>;
type Builder = typeof TypeBox.Type;

export const WORKLOAD_SCHEMA_ID = 'https://github.com/vfio-sim/vfio-sim/workload.schema.json';

/** The language over a TypeBox builder (loaded on demand: see the module comment). */
function define(Type: Builder) {
  const HEX = '^0[xX][0-9a-fA-F]+$';
  const NAME = '^[A-Za-z][A-Za-z0-9_.-]*$';
  const int = (description: string, min: number, max: number) =>
    Type.Unsafe<number | string>({ description, anyOf: [{ type: 'integer', minimum: min, maximum: max }, { type: 'string', pattern: HEX }] });
  const name = (description: string) => Type.String({ description, pattern: NAME });
  const dim = (what: string) => int(`${what} in pixels, 1..${MAX_DIMENSION}`, 1, MAX_DIMENSION);
  const device = Type.String({ minLength: 1, description: 'a QXL device: its id or its bdf (BB:DD.F, as the boot report writes it)' });
  const surface = Type.Unsafe<number | string>({
    description: '0 = the primary, another number = a surface id, or a create-surface name',
    anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: NAME }],
  });
  const color = (description = 'a 32-bit xRGB pixel value (0xRRGGBB)') => int(description, 0, 0xffff_ffff);
  const coord = (d: string) => int(d, 0, MAX_DIMENSION);
  const rect = Type.Object(
    { left: coord('first column'), top: coord('first row'), right: coord('column after the last'), bottom: coord('row after the last') },
    { description: 'QXLRect in pixels: right and bottom exclusive; default the whole surface', additionalProperties: false },
  );
  const monitor = name('a plugged monitor id');
  const opt = (s: TSchema) => Type.Optional(s);

  /** A step's arguments: `required` keys plain, the rest optional. */
  function args(properties: Record<string, TSchema>, required: readonly string[] = [], description?: string) {
    const props = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, required.includes(k) ? s : opt(s)]));
    return Type.Object(props, { additionalProperties: false, ...(description !== undefined ? { description } : {}) });
  }
  const drawArgs = (extra: Record<string, TSchema>, required: readonly string[] = []) =>
    args({ monitor, device, surface, rect, ...extra }, required, "draw on 'monitor', or on 'device' + 'surface'");

  /** Every step kind with its arguments, in the order messages list the kinds. */
  function stepArgs(steps: TSchema): Record<WorkloadStepKind, TSchema> {
    return {
      'qxl-init': args({ device, reset: Type.Boolean({ description: 'QXL_IO_RESET as the session starts' }) }, ['device']),
      'create-primary': args({ device, width: dim('width'), height: dim('height') }, ['device', 'width', 'height']),
      'destroy-primary': args({ device }, ['device']),
      'create-surface': args({ device, name: name('a name later steps use as surface'), width: dim('width'), height: dim('height') }, ['device', 'name', 'width', 'height']),
      'destroy-surface': args({ device, surface }, ['device', 'surface']),
      fill: drawArgs({ color: color() }, ['color']),
      'copy-image': drawArgs({ color: color('a solid image; default a gradient') }, ['rect']),
      'update-area': drawArgs({}),
      'cpu-fill': args({ monitor, rect, color: color() }, ['monitor', 'color']),
      'flush-release': args({ device }, ['device']),
      'plug-monitor': args(
        {
          id: name('the monitor id'),
          device,
          width: dim('width'),
          height: dim('height'),
          surface,
          offscreen: Type.Boolean({ description: 'a new VRAM surface instead of the primary' }),
          ram: int('a framebuffer in guest RAM at this guest-physical address', 0, Number.MAX_SAFE_INTEGER),
          igd: Type.Boolean({ description: "the assigned IGD's framebuffer (where its GTT entry 0 points)" }),
        },
        ['id'],
        "'device' + width/height: the primary (or a VRAM surface with offscreen); 'device' + 'surface': an existing surface; 'ram' + width/height: guest RAM; 'igd' + width/height: the IGD's framebuffer",
      ),
      'unplug-monitor': args({ id: name('the monitor id') }, ['id']),
      poll: Type.Unsafe<Record<string, never> | null>({ description: 'a display refresh: get-and-clear every plugged framebuffer', type: ['object', 'null'], additionalProperties: false }),
      repeat: args({ times: Type.Integer({ minimum: 0, maximum: MAX_EXECUTED_STEPS }), steps }, ['times', 'steps']),
    };
  }

  /** One step: a mapping with one key, the step kind (or a bare `poll`). */
  const WORKLOAD_STEP = Type.Recursive(
    (Step) =>
      Type.Union([
        Type.Unsafe<'poll'>({ type: 'string', enum: ['poll'] }),
        ...Object.entries(stepArgs(Type.Array(Step))).map(([kind, s]) => Type.Object({ [kind]: s }, { additionalProperties: false })),
      ]),
    { $id: 'workloadStep', description: 'one step: a mapping with one key, the step kind' },
  );

  /** The `workload:` value: the list of steps, or `{steps: [...]}`. */
  const WORKLOAD = Type.Union(
    [
      Type.Array(WORKLOAD_STEP),
      // The same step schema by reference: a second copy would define its $id twice.
      Type.Object({ steps: Type.Array(Type.Ref('workloadStep')) }, { additionalProperties: false }),
    ],
    { $id: WORKLOAD_SCHEMA_ID, description: 'scripted display activity after boot (QXL drawing, monitors plugged and unplugged, refreshes)' },
  );
  return { WORKLOAD, stepArgs };
}

/** A workload as written in YAML. */
export type WorkloadInput = Static<ReturnType<typeof define>['WORKLOAD']>;

const build = (): ReturnType<typeof define> => define((createRequire(import.meta.url)('@sinclair/typebox') as typeof TypeBox).Type);

/** The step kinds in the schema's order (each step mapping's one key): kinds.ts's list, compared by the tests. */
export function schemaStepKinds(): readonly string[] {
  const { stepArgs } = build();
  return Object.keys(stepArgs({} as TSchema));
}
export { WORKLOAD_STEP_KINDS };

/** The JSON Schema of the `workload:` value (a plain object: TypeBox's markers are symbols, invisible to ajv). */
export function workloadSchema(): JsonSchema {
  return JSON.parse(JSON.stringify(build().WORKLOAD)) as JsonSchema;
}

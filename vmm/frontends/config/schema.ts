import { MODELS } from '../../../devices/index.js';
import { IGD_STRATEGY_NAMES } from '../../../firmware/igd/types.js';
import type { PropDef } from '../../../devices/registry.js';
import { SIZE_DESCRIPTION } from './size.js';
import { IGD_GENERATION_NAMES } from './igd.js';
import { workloadSchema } from '../../passthrough/workload/schema.js';
import { QEMU_VERSIONS } from '../../../devices/qemu-version.js';
import { trapRuleSchema } from './trap-rule.js';

/**
 * The config format as JSON Schema (draft-07). `validation` is what ajv checks (props are free-form
 * there: the semantic pass checks them per model, with better messages); the default is the editor
 * schema `vfio-sim schema` prints, which also enumerates models and each model's props.
 */
export type JsonSchema = Record<string, unknown>;

/** The firmware IGD stolen-memory strategies (issue 7); the list itself lives with the strategies. */
export const IGD_STRATEGIES = IGD_STRATEGY_NAMES;

const HEX_RE = '^0[xX][0-9a-fA-F]+$';
/** `$comment: 'size'` marks sizes so schema errors read "bad size" (schema-check.ts). */
const size = (title?: string): JsonSchema => ({
  ...(title !== undefined ? { title } : {}),
  $comment: 'size',
  description: `a size: ${SIZE_DESCRIPTION}`,
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\s*(0[xX][0-9a-fA-F]+|\\d+(\\.\\d+)?\\s*[KMGTBkmgtb]?)\\s*$' }],
});
const hexInt = (what: string): JsonSchema => ({
  description: `${what}: an integer or a 0x-hex string`,
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: HEX_RE }],
});
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}),
});

function deviceSchema(): JsonSchema {
  return obj(
    {
      model: { type: 'string', minLength: 1, description: 'QEMU device model name (-device MODEL)' },
      id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]*$', description: 'an id: a letter, then letters, digits, _ . -' },
      addr: {
        type: 'string',
        pattern: '^(0[xX])?[0-9a-fA-F]{1,2}(\\.(0[xX])?[0-9a-fA-F])?$',
        description: 'slot[.function] in hex, in any form QEMU accepts ("02.0", "1f.3", "0x3", "3", "0x4.0x1")',
      },
      bus: { type: 'string', minLength: 1, description: 'id of the bridge whose secondary bus holds the device; default the root bus' },
      props: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, description: "the model's QEMU properties" },
      rom: { type: 'string', minLength: 1, description: 'option-ROM program: a bundled name or a path relative to the config' },
      hardware: obj(
        {
          vendor: hexInt('PCI vendor ID'),
          device: hexInt('PCI device ID'),
          class: hexInt('class code (base << 8 | sub), e.g. 0x0300 VGA, 0x0403 HD audio'),
          'subsystem-vendor': hexInt('subsystem vendor ID'),
          subsystem: hexInt('subsystem ID'),
          bars: {
            type: 'array',
            items: obj({
              bar: { type: 'integer', minimum: 0, maximum: 5 },
              size: size('BAR size (a power of two)'),
              type: { enum: ['mem', 'io'] },
              '64bit': { type: 'boolean' },
              prefetch: { type: 'boolean' },
            }, ['bar', 'size']),
          },
          rom: size('the host ROM BAR size (0 = none)'),
        },
        ['vendor', 'device', 'class'],
      ),
    },
    ['model'],
  );
}

function igdSchema(): JsonSchema {
  return obj(
    {
      generation: {
        description: `GPU generation: ${IGD_GENERATION_NAMES.join(', ')}, or a number 6..12`,
        anyOf: [{ type: 'string', enum: [...IGD_GENERATION_NAMES] }, { type: 'integer', minimum: 6, maximum: 12 }],
      },
      'device-id': hexInt('PCI device ID'),
      gms: hexInt('GMCH stolen-size field (GMS)'),
      gmch: hexInt('raw GMCH/GGC register value'),
      ggms: { type: 'integer', minimum: 0, maximum: 3, description: 'GTT-size field (GGMS), 0..3' },
      bdsm: hexInt("base of the host's stolen memory"),
      opregion: obj({ version: { type: 'string', enum: ['2.0', '2.1'], title: 'OpRegion version' }, 'vbt-size': size('extended VBT size behind RVDA') }),
      'stolen-reserved': obj({ base: hexInt('STOLEN_RESERVED base'), size: size() }, ['base', 'size']),
      class: hexInt('class code as the host enumerates it: 0x0300 (VGA) or 0x0380 (display)'),
      asls: hexInt('host ASLS (0xFC): 0 = the host has no OpRegion'),
      'sriov-vf': { type: 'boolean', description: 'the assigned function is an SR-IOV VF (no OpRegion)' },
    },
    ['generation'],
  );
}

function propSchema(d: PropDef): JsonSchema {
  const description = d.description !== undefined ? { description: d.description } : {};
  switch (d.type) {
    case 'boolean':
      return { ...description, anyOf: [{ type: 'boolean' }, { enum: ['on', 'off', 'true', 'false', 'yes', 'no'] }] };
    case 'integer':
      return { ...description, anyOf: [{ type: 'integer', minimum: d.min, maximum: d.max }, { type: 'string', pattern: HEX_RE }] };
    case 'size':
      return size(d.description);
    case 'enum':
      return { ...description, enum: [...(d.values ?? [])] };
    case 'string':
      return { ...description, type: 'string' };
  }
}

/** Per-model props for editors: `if model is X then props has exactly X's properties`. */
function modelRules(): JsonSchema[] {
  return MODELS.names().map((name) => {
    const def = MODELS.lookup(name)!;
    const properties = Object.fromEntries(Object.entries(def.props).map(([k, d]) => [k, propSchema(d)]));
    return {
      if: { properties: { model: { const: name } }, required: ['model'] },
      then: { properties: { props: { type: 'object', additionalProperties: false, properties } } },
    };
  });
}

/** The JSON Schema of the config format; `validation` leaves props and model names to the semantic checks. */
export function configSchema(opts: { validation?: boolean } = {}): JsonSchema {
  const device = deviceSchema();
  if (opts.validation !== true) {
    const props = device['properties'] as Record<string, JsonSchema>;
    props['model'] = { ...props['model'], enum: [...MODELS.names()] };
    device['allOf'] = modelRules();
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/vfio-sim/vfio-sim/config.schema.json',
    title: 'vfio-sim machine config',
    ...obj(
      {
        name: { type: 'string', description: 'a label for reports' },
        machine: obj(
          {
            // Checked by the loader (versioned names are a pattern; its message names both forms).
            type: {
              type: 'string',
              description: 'QEMU machine type: q35 or pc (i440FX), or a versioned name (pc-q35-7.2, pc-i440fx-9.0)',
              ...(opts.validation === true ? {} : { anyOf: [{ enum: ['q35', 'pc'] }, { pattern: '^pc-(q35|i440fx)-\\d+\\.\\d+$' }] }),
            },
            qemu: { enum: [...QEMU_VERSIONS], description: 'QEMU version whose devices and machine types are modelled' },
            cpu: obj({
              model: { type: 'string', minLength: 1, description: 'the -cpu model name (informational)' },
              vendor: { enum: ['amd', 'intel'], description: 'CPUID vendor; default qemu64 = amd' },
              'phys-bits': { type: 'integer', minimum: 32, maximum: 52, description: 'physical address bits (CPUID 0x80000008); default 40' },
            }),
            memory: size('RAM; default 128M'),
            maxmem: size('hotplug memory ceiling (-m ...,maxmem=)'),
            smp: { type: 'integer', minimum: 1, maximum: 255, description: '-smp N: vCPUs (virtio-scsi/virtio-blk default one queue, so one MSI-X vector, per vCPU)' },
            'max-ram-below-4g': size('-machine max-ram-below-4g=: at most this much RAM below 4 GiB (moves the 32-bit PCI hole)'),
            slots: { type: 'integer', minimum: 0, maximum: 256, description: 'memory hotplug slots (-m ...,slots=)' },
          },
          ['type'],
        ),
        devices: { type: ['array', 'null'], items: device, description: 'QEMU -device entries, in QEMU order' },
        host: obj({
          igd: igdSchema(),
          'iommu-width': { type: 'integer', minimum: 32, maximum: 64, description: "the host IOMMU's address width in bits (dmesg: DMAR: Host address width N)" },
        }),
        firmware: obj({
          type: { enum: ['seabios', 'ovmf'], description: 'the firmware: seabios (default) or ovmf' },
          version: { type: 'string', description: 'firmware release; default: what Debian ships with the QEMU version' },
          'igd-strategy': { enum: [...IGD_STRATEGIES], description: 'how firmware gives the IGD stolen memory and the OpRegion' },
          vbios: { type: 'string', minLength: 1, description: 'reads-bdsm | cached-host-bdsm | a path to a vBIOS program' },
        }),
        traps: { type: ['array', 'null'], items: trapRuleSchema() },
        // Checked by vmm/passthrough/workload's validateWorkload (step paths in messages); editors get its schema.
        workload: opts.validation === true ? { description: 'scripted display activity; checked by vmm/passthrough/workload' } : workloadSchema(),
      },
      ['machine'],
    ),
  };
}

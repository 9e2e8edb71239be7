/**
 * Every problem a config can have, as data: a code (kebab-case, from the domain) and the params that say which
 * value, device or line it is about. The English is here and nowhere else, so callers (editors, CI, a future
 * translation or a JSON report) can match on codes and params instead of parsing sentences; each render function
 * produces exactly the text the loader printed before problems became data.
 *
 * The workload's problems are its own catalogue's (vmm/passthrough/workload/problems.ts), reported here as they are
 * (`AnyProblemBody`); one code carries text made elsewhere, on purpose: 'model-check' wraps a catalogued device's
 * own prop check (devices/*: `ModelDef.check`). The YAML reader's and file reader's codes
 * (yaml-*, and no-such-file ... file-too-large) are shared with the ROM-program loader (which reports them with
 * their codes, beside its own: vmm/passthrough/rom/problems.ts) and the qxl CLI (which renders them into its text).
 */
import { gmsRangeText, ggmsMax, IGD_MODEL } from '../../../devices/igd/tables.js';
import type { PropDef } from '../../../devices/registry.js';
import { atPosition, hex, hex2 } from '../../core/format.js';
import { didYouMean, show } from './errors.js';
import { IGD_PROP_POINTERS } from './igd.js';
import { unknownModelHint } from './model-class.js';
import { expected } from './prop-values.js';
import { SIZE_DESCRIPTION } from './size.js';
import type { MachineType } from '../../../devices/spec.js';
import type { PathSeg } from './yaml-doc.js';
import { renderWorkloadProblem, WORKLOAD_PROBLEMS, type WorkloadProblemBody } from '../../passthrough/workload/problems.js';

/** One catalogue entry: how a problem with params P reads. */
interface Entry<P> {
  readonly render: (p: P) => string;
}
const entry = <P>(render: (p: P) => string): Entry<P> => ({ render });

/** `bb.f` of a device/function number. */
export const fmtAddr = (devfn: number): string => `${hex2(devfn >> 3)}.${(devfn & 7).toString(16)}`;

/** `devices[2].props.chassis` for a config path (the config itself when empty). */
export function label(path: readonly PathSeg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s === '' ? 'the config' : s;
}

/** What already sits at a devfn: a chipset built-in or an earlier device of the config. */
export type Occupant =
  | { readonly kind: 'chipset'; readonly machineType: MachineType; readonly model: string; readonly devfn: number }
  | { readonly kind: 'device'; readonly model: string; readonly index: number; readonly line: number };

function occupant(o: Occupant): string {
  return o.kind === 'chipset' ? `the ${o.machineType} chipset's ${o.model} (00:${fmtAddr(o.devfn)})` : `${o.model} (devices[${o.index}], line ${o.line})`;
}

/** An earlier device a message points back to. */
interface Earlier {
  readonly index: number;
  readonly line: number;
}

/** A `[from, to]` pair of a trap rule, as written. */
interface TrapPair {
  readonly key: string;
  readonly from: string;
  readonly to: string;
}
const pair = (p: TrapPair): string => `traps: ${p.key} [${p.from}, ${p.to}]`;

const mean = (s: string | undefined): string => (s === undefined ? '' : ` (did you mean '${s}'?)`);

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
  'string,number,boolean': 'a string, number or boolean',
};

export const PROBLEMS = {
  // ---- input and YAML ----
  'config-not-text': entry<{ got: string }>((p) => `expected the config's text (a string), got ${p.got}`),
  // The file reader (read-input.ts), for configs and ROM programs alike.
  'no-file-name': entry<Record<string, never>>(() => 'no file name given'),
  'no-such-file': entry<Record<string, never>>(() => 'no such file'),
  'parent-not-directory': entry<Record<string, never>>(() => 'no such file (a parent is not a directory)'),
  'is-directory': entry<Record<string, never>>(() => 'is a directory'),
  'not-regular-file': entry<Record<string, never>>(() => 'is not a regular file (a device, FIFO or socket cannot be an input)'),
  /** `bytes` undefined: the file grew past the limit while it was read. */
  'file-too-large': entry<{ bytes?: number; limit: number }>((p) => (p.bytes !== undefined ? `is ${p.bytes} bytes; the limit is ${p.limit}` : `is more than ${p.limit} bytes`)),
  /** `reason`: the errno code (EACCES, ...) or the error's text. */
  'cannot-read': entry<{ reason: string }>((p) => `cannot read (${p.reason})`),
  // The YAML reader (yaml-doc.ts); `detail` is the yaml library's own first line.
  'yaml-syntax': entry<{ detail: string }>((p) => `YAML syntax error: ${p.detail}`),
  // Worded as the yaml library words its own check, which this one replaces (see yaml-doc.ts).
  'duplicate-yaml-key': entry<{ key: string }>(() => 'YAML syntax error: Map keys must be unique'),
  'yaml-too-large': entry<{ bytes: number; limit: number }>((p) => `the file is ${p.bytes} bytes; the limit is ${p.limit}`),
  'yaml-too-deep': entry<{ limit: number }>((p) => `nesting is deeper than ${p.limit} levels`),
  'yaml-too-many-nodes': entry<{ limit: number }>((p) => `more than ${p.limit} YAML nodes`),
  'yaml-too-many-aliases': entry<{ limit: number }>((p) => `more than ${p.limit} aliases (*name)`),
  'yaml-too-many-keys': entry<{ keys: number; limit: number }>((p) => `a mapping with ${p.keys} keys; the limit is ${p.limit}`),
  'yaml-complex-key': entry<Record<string, never>>(() => 'a key must be a plain scalar, not a mapping, list, alias or binary'),
  'yaml-expand-failed': entry<{ reason: string }>((p) => `cannot expand the document: ${p.reason}`),
  'config-empty': entry<Record<string, never>>(() => "empty config: expected a mapping with 'machine' and 'devices'"),
  'no-machine': entry<Record<string, never>>(() => 'the config has no valid machine section'),
  'more-problems': entry<{ count: number }>((p) => `${p.count} more problems not shown`),

  // ---- schema (shape) ----
  'unknown-key': entry<{ at: readonly PathSeg[]; key: string; allowed: readonly string[] }>(
    (p) => `unknown key '${p.key}' in ${label(p.at)}${didYouMean(p.key, p.allowed) || ` (expected one of: ${p.allowed.join(', ')})`}`,
  ),
  'missing-key': entry<{ at: readonly PathSeg[]; key: string }>((p) => `${label(p.at)}: missing required key '${p.key}'`),
  'not-one-of': entry<{ at: readonly PathSeg[]; allowed: readonly string[]; value: unknown }>(
    (p) => `${label(p.at)}: expected one of ${p.allowed.join(', ')}, got ${show(p.value)}${typeof p.value === 'string' && p.value.length > 3 ? didYouMean(p.value, p.allowed) : ''}`,
  ),
  'wrong-type': entry<{ at: readonly PathSeg[]; type: string; value: unknown }>((p) => `${label(p.at)}: expected ${TYPE_NAMES[p.type] ?? p.type}, got ${show(p.value)}`),
  'out-of-bounds': entry<{ at: readonly PathSeg[]; comparison: string; limit: string; value: unknown }>(
    (p) => `${label(p.at)}: must be ${p.comparison} ${p.limit}, got ${show(p.value)}`,
  ),
  'empty-string': entry<{ at: readonly PathSeg[] }>((p) => `${label(p.at)}: must not be empty`),
  'item-count': entry<{ at: readonly PathSeg[]; description?: string; limit: string }>((p) => `${label(p.at)}: expected ${p.description ?? `${p.limit} items`}`),
  'bad-size': entry<{ at: readonly PathSeg[]; value: unknown }>((p) => `${label(p.at)}: bad size ${show(p.value)} (use ${SIZE_DESCRIPTION})`),
  /** Any other schema rule: its description (the schema's English) or ajv's own message. */
  'schema-mismatch': entry<{ at: readonly PathSeg[]; description?: string; value: unknown; rule: string }>(
    (p) => (p.description !== undefined ? `${label(p.at)}: expected ${p.description}, got ${show(p.value)}` : `${label(p.at)}: ${p.rule}`),
  ),

  // ---- machine and firmware ----
  'unknown-machine-type': entry<{ type: string }>((p) => `machine.type: expected q35, pc or a versioned name (pc-q35-10.0, pc-i440fx-7.2), got '${p.type}'`),
  'size-not-whole': entry<{ key: 'memory' | 'maxmem'; value: unknown }>((p) => `machine.${p.key}: ${String(p.value)} is not a whole number of bytes below 2^53`),
  // QEMU's -m reads a bare number as MiB; here it is bytes, so `memory: 4096` most likely meant 4096M.
  'memory-too-small': entry<{ bytes: number; bare: boolean }>(
    (p) => `machine.memory: ${p.bytes} bytes is too small (at least 1M)${p.bare && p.bytes > 0 ? ` — a bare number is bytes here (QEMU's -m reads MiB): did you mean ${p.bytes}M?` : ''}`,
  ),
  'memory-past-phys-bits': entry<{ value: unknown; physBits: number; limit: number; end: number }>(
    (p) =>
      `machine.memory: ${String(p.value)} puts guest RAM past the vCPU's ${p.physBits} address bits (QEMU: "Address space limit ${'0x' + (p.limit - 1).toString(16)} < 0x${(p.end - 1).toString(16)} phys-bits too low (${p.physBits})")`,
  ),
  'maxmem-past-phys-bits': entry<{ value: unknown; physBits: number }>((p) => `machine.maxmem: ${String(p.value)} puts the memory hotplug region past the vCPU's ${p.physBits} address bits`),
  'slots-need-maxmem': entry<Record<string, never>>(() => 'machine.slots needs machine.maxmem (QEMU: -m slots= without maxmem=)'),
  'maxmem-below-memory': entry<{ maxmem: unknown; memory: unknown }>((p) => `machine.maxmem (${String(p.maxmem)}) is below machine.memory (${String(p.memory)})`),
  'maxmem-equals-memory': entry<Record<string, never>>(() => 'machine.maxmem equals machine.memory, so the memory slots could hold nothing (QEMU refuses this)'),
  'max-ram-below-4g-too-big': entry<{ value: unknown }>((p) => `machine.max-ram-below-4g: QEMU: Machine option 'max-ram-below-4g=${String(p.value)}' must not exceed 4G`),
  'igd-strategy-needs-ovmf': entry<Record<string, never>>(
    () => "firmware.igd-strategy: uefi-reserved is VfioIgdPkg's IgdAssignmentDxe, a UEFI driver OVMF loads from the IGD's romfile: it needs firmware.type ovmf (SeaBIOS only runs intel_igd_setup: e820-reserved)",
  ),
  'unknown-firmware-version': entry<{ firmware: string; version: string; known: readonly string[] }>((p) => `unknown ${p.firmware} version '${p.version}' (known: ${p.known.join(', ')})`),

  // ---- devices: model, id, bus, props ----
  'unknown-model': entry<{ model: string; known: readonly string[] }>((p) => `unknown model '${p.model}'${unknownModelHint(p.model, p.known)}`),
  'model-not-on-machine': entry<{ model: string; machineType: MachineType; machines: readonly string[] }>(
    (p) => `${p.model} is not available on machine type ${p.machineType} (only on ${p.machines.join(', ')})`,
  ),
  'duplicate-id': entry<{ id: string; first: Earlier }>((p) => `duplicate id '${p.id}' (already used by devices[${p.first.index}] at line ${p.first.line})`),
  'root-bus-name': entry<{ machineType: MachineType; want: string; got: string }>((p) => `the ${p.machineType} root bus is called '${p.want}', not '${p.got}'`),
  'bus-defined-later': entry<{ bus: string; defined: Earlier }>(
    (p) => `bus '${p.bus}' is defined later (devices[${p.defined.index}], line ${p.defined.line}); QEMU creates devices in order, so a bridge must come before the devices on its bus`,
  ),
  'bus-own-id': entry<{ bus: string }>((p) => `bus '${p.bus}' is this device's own id`),
  'unknown-bus': entry<{ bus: string; ids: readonly string[] }>((p) => `bus '${p.bus}' names no device${didYouMean(p.bus, p.ids) || ' (bus must be the id of an earlier bridge)'}`),
  'bus-not-bridge': entry<{ bus: string; model: string; device: Earlier }>(
    (p) => `bus '${p.bus}' names ${p.model} (devices[${p.device.index}], line ${p.device.line}), which is not a bridge`,
  ),
  'device-key-as-prop': entry<{ key: string }>((p) => `'${p.key}' is a device key, not a prop: write it next to 'model'`),
  // vfio-pci properties users bring to vfio-igd get a pointer to where the same fact lives instead of "did you mean".
  'unknown-prop': entry<{ model: string; prop: string; suggestion?: string }>(
    (p) => `${p.model}: unknown property '${p.prop}'${(p.model === IGD_MODEL ? IGD_PROP_POINTERS[p.prop] : undefined) ?? mean(p.suggestion)}`,
  ),
  'prop-not-in-qemu': entry<{ qemu: string; model: string; prop: string; since: string }>(
    (p) => `QEMU ${p.qemu}: Property '${p.model}.${p.prop}' not found (new in QEMU ${p.since})`,
  ),
  'bad-prop-size': entry<{ model: string; prop: string; value: unknown }>((p) => `${p.model}: bad size for ${p.prop}: ${show(p.value)} (use ${SIZE_DESCRIPTION})`),
  'bad-prop-value': entry<{ model: string; prop: string; def: PropDef; value: unknown }>((p) => `${p.model}: bad value for ${p.prop}: expected ${expected(p.def)}, got ${show(p.value)}`),
  // A catalogued model's own rule (devices/*); its text names the model or gets the model's name in front.
  'model-check': entry<{ model: string; text: string }>((p) => (p.text.startsWith(p.model) ? p.text : `${p.model}: ${p.text}`)),

  // ---- devices: address and placement ----
  'slot-out-of-range': entry<{ addr: string; slot: number }>((p) => `addr '${p.addr}': slot 0x${hex2(p.slot)} is out of range (00..1f)`),
  'function-out-of-range': entry<{ addr: string; fn: number }>((p) => `addr '${p.addr}': function ${p.fn} is out of range (0..7)`),
  'igd-second': entry<{ first: Earlier }>((p) => `a second vfio-igd (the first is devices[${p.first.index}], line ${p.first.line}): a host has one IGD`),
  'igd-not-root-bus': entry<Record<string, never>>(() => 'vfio-igd must be at 00:02.0 on the root bus (guest drivers and QEMU legacy mode expect it there)'),
  'igd-addr': entry<{ devfn: number }>((p) => `vfio-igd must be at 00:02.0, not 00:${fmtAddr(p.devfn)} (guest drivers and QEMU legacy mode expect it there)`),
  /** `bus` undefined: the root bus. */
  'no-free-slot': entry<{ bus?: string; model: string }>((p) => `no free slot on ${busText(p.bus)} for ${p.model} (all 32 device numbers are in use)`),
  'slot-taken': entry<{ devfn: number; bus?: string; by: Occupant; forced: boolean }>(
    (p) => `addr ${fmtAddr(p.devfn)} on ${busText(p.bus)} is already used by ${occupant(p.by)}${p.forced ? '; give that device another addr' : ''}`,
  ),
  'chipset-slot': entry<{ devfn: number; machineType: MachineType; chipset: readonly { devfn: number; model: string }[] }>(
    (p) => `addr ${fmtAddr(p.devfn)}: slot ${hex2(p.devfn >> 3)} belongs to the ${p.machineType} chipset (${p.chipset.map((c) => `00:${fmtAddr(c.devfn)} ${c.model}`).join(', ')})`,
  ),
  'port-slot-0-only': entry<{ model: string; port?: string; bus: string; devfn: number }>(
    (p) =>
      `${p.model} on ${p.port ?? 'bridge'} '${p.bus}' must be at slot 0 (addr "00.${p.devfn & 7}"): QEMU: PCI: slot ${p.devfn >> 3} is not valid for ${p.model}, parent device only allows plugging into slot 0`,
  ),
  'function0-not-multifunction': entry<{ devfn: number; f0: Occupant }>(
    (p) => `addr ${fmtAddr(p.devfn)}: function 0 of slot ${hex2(p.devfn >> 3)} is ${occupant(p.f0)}, which is not multifunction (set props.multifunction: on there)`,
  ),
  'single-function-shared': entry<{ devfn: number; other: number; by: Occupant }>(
    (p) => `addr ${fmtAddr(p.devfn)} is single-function but ${fmtAddr(p.other)} is already ${occupant(p.by)} (set props.multifunction: on)`,
  ),
  'too-many-bridges': entry<{ max: number }>((p) => `more than ${p.max} bridges: PCI bus numbers are 8 bits, so bus ${p.max + 1} cannot exist`),
  'chassis-slot-taken': entry<{ chassis: string; slot: string; first: Earlier }>(
    (p) => `pcie-root-port chassis ${p.chassis} slot ${p.slot} is already used by devices[${p.first.index}] (line ${p.first.line}); each root port needs its own chassis/slot pair`,
  ),

  // ---- vfio-pci hardware: ----
  'hardware-missing': entry<Record<string, never>>(() => 'vfio-pci: declare the host device under hardware: (vendor, device, class, bars, rom): vfio-sim has no host to read it from'),
  'hardware-not-vfio-pci': entry<{ model?: string }>((p) => `hardware: describes a host device for vfio-pci, not ${p.model ?? 'this model'}`),
  'bar-size-not-pow2': entry<{ index: number }>((p) => `hardware.bars[${p.index}]: a BAR size is a power of two`),
  'bar64-slot': entry<{ index: number }>((p) => `hardware.bars[${p.index}]: a 64-bit BAR is a memory BAR that takes two slots (bar 0..4)`),
  'bar-overlap': entry<{ index: number; bar: number }>((p) => `hardware.bars[${p.index}]: BAR ${p.bar} overlaps another BAR`),
  'rom-size-not-pow2': entry<Record<string, never>>(() => 'hardware.rom: the ROM BAR size is a power of two'),

  // ---- QEMU's whole-machine refusals ----
  'second-balloon': entry<{ first: Earlier }>((p) => `QEMU: Only one balloon device is supported (the first is devices[${p.first.index}], line ${p.first.line})`),
  'qxl-vga-not-first': entry<Record<string, never>>(
    () => 'QEMU: primary qxl-vga device must be console 0 (first display device on the command line): list qxl-vga before the other display devices',
  ),
  'duplicate-genrom': entry<{ file: string; first: Earlier }>(
    (p) => `QEMU: duplicate fw_cfg file name: genroms/${p.file} (devices[${p.first.index}], line ${p.first.line} also loads it with rombar=0)`,
  ),

  // ---- traps ----
  'trap-range-too-wide': entry<TrapPair>((p) => `${pair(p)} does not fit in 64 bits`),
  'trap-range-past-2-53': entry<TrapPair>((p) => `${pair(p)} is past 2^53, which this emulator cannot address exactly`),
  'trap-range-empty': entry<TrapPair>((p) => `${pair(p)} is empty or reversed (the end is exclusive and must be above the start)`),
  'trap-to-past-2-53': entry<{ to: string }>((p) => `traps: to ${p.to} is past 2^53`),
  'bdf-syntax': entry<{ bdf: string }>((p) => `traps: bdf '${p.bdf}' is not bus:device.function (device 00..1f)`),
  'bdf-no-bus': entry<{ bdf: string; bus: number; bridges: number }>(
    (p) => `traps: bdf ${p.bdf} is on bus ${p.bus}, but this machine has ${p.bridges} bridge${p.bridges === 1 ? '' : 's'} (buses 0..${p.bridges})`,
  ),
  'bdf-no-function': entry<{ bdf: string }>((p) => `traps: no function at ${p.bdf} on the root bus (give the device a fixed addr, or trap an existing one)`),
  /** `bar` 'rom': the expansion ROM BAR. */
  'trap-bar-missing': entry<{ bdf: string; model: string; bar: number | 'rom' }>(
    (p) => `traps: ${p.bdf} (${p.model || 'the function there'}) has no ${p.bar === 'rom' ? 'ROM BAR' : `BAR ${p.bar}`}`,
  ),

  // ---- host.igd ----
  'igd-lmembar-gms': entry<{ gms: number; platform: string }>((p) => `host.igd.gms: ${hex(p.gms)} is not a valid ${p.platform.toUpperCase()} GMS (valid: 0x00..0x04 or 0xf0..0xfe)`),
  'igd-lmembar-ggms': entry<{ platform: string }>((p) => `host.igd.ggms: ${p.platform.toUpperCase()} requires GGMS 3 (8 MiB)`),
  'igd-out-of-range': entry<{ key: string; value: number; max: number }>((p) => `host.igd.${p.key}: ${hex(p.value)} is out of range (max ${hex(p.max)})`),
  'igd-gms-gmch-mismatch': entry<{ gms: number; gmch: number; field: number; generation: number }>(
    (p) => `host.igd.gms ${hex(p.gms)} disagrees with gmch ${hex(p.gmch)} (its GMS field is ${hex(p.field)} on gen ${p.generation})`,
  ),
  'igd-ggms-gmch-mismatch': entry<{ ggms: number; gmch: number; field: number; generation: number }>(
    (p) => `host.igd.ggms ${p.ggms} disagrees with gmch ${hex(p.gmch)} (its GGMS field is ${p.field} on gen ${p.generation})`,
  ),
  'igd-gms-unencodable': entry<{ key: 'gms' | 'gmch'; gms: number; generation: number }>(
    (p) => `host.igd.${p.key}: GMS ${hex(p.gms)} cannot be encoded on gen ${p.generation} (valid: ${gmsRangeText(p.generation)})`,
  ),
  'igd-ggms-reserved': entry<{ ggms: number; generation: number }>((p) => `host.igd.ggms: GGMS ${p.ggms} is reserved on gen ${p.generation} (valid: 0..${ggmsMax(p.generation)})`),
  'igd-bdsm-align': entry<{ bdsm: number }>((p) => `host.igd.bdsm: ${hex(p.bdsm)} is not 1 MiB aligned`),
  'igd-stolen-reserved-gen': entry<{ generation: number }>((p) => `host.igd.stolen-reserved exists only on gen 8+ (this is gen ${p.generation})`),
  'igd-vbt-too-large': entry<{ size: number }>((p) => `host.igd.opregion.vbt-size: ${hex(p.size)} is larger than a VBT can be (its size field is 16-bit)`),

  // ---- ROM references (vmm/passthrough/rom/check.ts) ----
  'rom-ref-missing': entry<{ at: readonly PathSeg[]; ref: string; bundled: readonly string[]; file: string; suggestion?: string }>(
    (p) => `${label(p.at)}: '${p.ref}' is neither a bundled ROM program (${p.bundled.join(', ')}) nor a file (${p.file})${mean(p.suggestion)}`,
  ),
  /** `error`: the program file's first problem (vmm/passthrough/rom/problems.ts), `more`: how many follow it. */
  'rom-ref-invalid': entry<{ at: readonly PathSeg[]; ref: string; error: { file: string; line: number; col: number; message: string }; more: number }>(
    (p) => `${label(p.at)}: ROM program '${p.ref}' is invalid: ${atPosition(p.error, p.error.message)}${p.more > 0 ? ` (and ${p.more} more)` : ''}`,
  ),

};

function busText(bus: string | undefined): string {
  return bus === undefined ? 'the root bus' : `bus '${bus}'`;
}

export type ProblemCode = keyof typeof PROBLEMS;
export type ProblemParams<C extends ProblemCode> = (typeof PROBLEMS)[C] extends Entry<infer P> ? P : never;

/** A code with its params, not yet placed in the file. */
export type ProblemBody = { [C in ProblemCode]: { readonly code: C; readonly params: ProblemParams<C> } }[ProblemCode];

/** A problem at a config path; `prefer` says whether the key or the value is pointed at (default: the value). */
export type Problem = {
  [C in ProblemCode]: { readonly code: C; readonly path: readonly PathSeg[]; readonly params: ProblemParams<C>; readonly prefer?: 'key' | 'value' };
}[ProblemCode];

/** Builds a problem from a code and its params; for helpers generic over the code (TypeScript cannot narrow those). */
export function problem<C extends ProblemCode>(code: C, path: readonly PathSeg[], params: ProblemParams<C>, prefer?: 'key' | 'value'): Problem {
  return { code, path, params, ...(prefer !== undefined ? { prefer } : {}) } as Problem;
}

/**
 * What the loader reports: a config problem, or one of the workload's own problems (its language has its own
 * catalogue, vmm/passthrough/workload/problems.ts), placed at `workload` + the workload's path.
 */
export type AnyProblemBody = ProblemBody | WorkloadProblemBody;
export type LocatedProblem = Problem | (WorkloadProblemBody & { readonly path: readonly PathSeg[]; readonly prefer?: 'key' | 'value' });

const isWorkloadProblem = (p: AnyProblemBody): p is WorkloadProblemBody => Object.hasOwn(WORKLOAD_PROBLEMS, p.code);

/** The English of a problem, exactly as the loader prints it after `FILE:LINE:COL: `. */
export function renderProblem(p: AnyProblemBody): string {
  if (isWorkloadProblem(p)) return renderWorkloadProblem(p);
  // The union of entries cannot be called with the union of params (TypeScript does not correlate p.code with
  // p.params); ProblemBody guarantees they belong together.
  const render = PROBLEMS[p.code].render as (params: ProblemBody['params']) => string;
  return render(p.params);
}

import { locatedError, sortErrors, type ConfigError, type ConfigResult } from './errors.js';
import { checkHostIgd } from './igd.js';
import type { AnyProblemBody, LocatedProblem, Problem } from './problems.js';
import { schemaProblems } from './schema-check.js';
import { parseSize } from './size.js';
import { ramLayout } from '../../core/machine/layout.js';
import type { FirmwareSpec, MachineSpec } from './spec.js';
import type { HostIgdSpec } from '../../../devices/igd/spec.js';
import type { MachineType } from '../../../devices/spec.js';
import { parseTrapRules } from './trap-rule-parse.js';
import { checkDevices } from './topology.js';
import { trapProblems } from './traps-check.js';
import { markValidated } from './validated.js';
import { romRefProblems } from '../../passthrough/rom/check.js';
import { YamlSource, type PathSeg } from './yaml-doc.js';
import { parsePlainYaml } from './plain-yaml.js';
import { readInputFile } from './read-input.js';
import { validateWorkload } from '../../passthrough/workload/validate.js';
import type { Workload } from '../../passthrough/workload/types.js';
import { firmwareVersions } from '../../../firmware/index.js';
import { DEFAULT_QEMU, isQemuVersion } from '../../../devices/qemu-version.js';
import { parseMachineTypeName } from '../../core/profile/qemu.js';
import { DEFAULT_CPU } from '../../core/profile/cpu.js';

/** QEMU's default -m (hw/core/machine.c: 128 MiB). */
export const DEFAULT_MEMORY = 128 * 0x10_0000;
const MIN_MEMORY = 0x10_0000;
/** Problems reported per config (the rest are counted). */
const MAX_REPORTED = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * YAML scalars whose plain form YAML reads as a number but QEMU reads as text: `addr: 02.0` is slot
 * 2 function 0, not the float 2; `version: 2.0` is the OpRegion version string.
 */
function restoreTextScalars(data: Obj, src: Pick<YamlSource, 'sourceOf'>): void {
  const devices = data['devices'];
  if (Array.isArray(devices)) {
    devices.forEach((d, i) => {
      if (isObj(d) && typeof d['addr'] === 'number') d['addr'] = src.sourceOf(['devices', i, 'addr']) ?? String(d['addr']);
    });
  }
  // `qemu: 10.0` and `version: 1.16.3`-like scalars are version strings however they are quoted.
  for (const [section, key] of [['machine', 'qemu'], ['firmware', 'version']] as const) {
    const o = data[section];
    if (isObj(o) && typeof o[key] === 'number') o[key] = src.sourceOf([section, key]) ?? String(o[key]);
  }
  const op = (data['host'] as Obj | undefined)?.['igd'] as Obj | undefined;
  const opregion = isObj(op) ? op['opregion'] : undefined;
  if (isObj(opregion) && typeof opregion['version'] === 'number') {
    opregion['version'] = src.sourceOf(['host', 'igd', 'opregion', 'version']) ?? String(opregion['version']);
  }
}

function machineOf(m: unknown, problems: LocatedProblem[]): MachineSpec['machine'] | undefined {
  if (!isObj(m)) return undefined;
  const named = typeof m['type'] === 'string' ? parseMachineTypeName(m['type']) : undefined;
  const type: MachineType | undefined = named?.type;
  if (typeof m['type'] === 'string' && named === undefined) {
    problems.push({ path: ['machine', 'type'], code: 'unknown-machine-type', params: { type: m['type'] } });
  }
  const qemu = typeof m['qemu'] === 'string' && isQemuVersion(m['qemu']) ? m['qemu'] : undefined;
  const cpu = cpuOf(m['cpu']);
  let memory = m['memory'] === undefined ? DEFAULT_MEMORY : parseSize(m['memory']);
  if (memory === undefined && typeof m['memory'] === 'number') {
    problems.push({ path: ['machine', 'memory'], code: 'size-not-whole', params: { key: 'memory', value: m['memory'] } });
  }
  if (memory !== undefined && memory < MIN_MEMORY) {
    // QEMU's -m reads a bare number as MiB; here it is bytes, so `memory: 4096` most likely meant 4096M.
    const bare = typeof m['memory'] === 'number' || (typeof m['memory'] === 'string' && /^\d+$/.test(m['memory']));
    problems.push({ path: ['machine', 'memory'], code: 'memory-too-small', params: { bytes: memory, bare } });
  }
  // QEMU refuses a machine whose RAM or hotplug region ends above 1 << phys-bits (hw/i386/pc.c pc_memory_init:
  // "Address space limit ... phys-bits too low"); the limit also keeps every address far below 2^53.
  const physBits = cpu?.physBits ?? DEFAULT_CPU.physBits;
  const limit = 2 ** physBits;
  const layoutOf = (bytes: number) =>
    ramLayout(type!, bytes, { cpu: { vendor: cpu?.vendor ?? DEFAULT_CPU.vendor, physBits }, machineVersion: named?.version ?? qemu ?? DEFAULT_QEMU });
  const ramEnd = (bytes: number): number => {
    const l = layoutOf(bytes);
    return l.above4g > 0 ? l.above4gStart + l.above4g : l.below4g;
  };
  if (memory !== undefined && type !== undefined && ramEnd(memory) > limit) {
    problems.push({ path: ['machine', 'memory'], code: 'memory-past-phys-bits', params: { value: m['memory'], physBits, limit, end: ramEnd(memory) } });
    memory = undefined;
  }
  let maxmem = m['maxmem'] === undefined ? undefined : parseSize(m['maxmem']);
  if (maxmem === undefined && typeof m['maxmem'] === 'number') {
    problems.push({ path: ['machine', 'maxmem'], code: 'size-not-whole', params: { key: 'maxmem', value: m['maxmem'] } });
  }
  if (maxmem !== undefined && type !== undefined && ramEnd(maxmem) > limit) {
    problems.push({ path: ['machine', 'maxmem'], code: 'maxmem-past-phys-bits', params: { value: m['maxmem'], physBits } });
    maxmem = undefined;
  }
  const slots = typeof m['slots'] === 'number' ? m['slots'] : undefined;
  if (slots !== undefined && slots > 0 && m['maxmem'] === undefined) {
    problems.push({ path: ['machine', 'slots'], prefer: 'key', code: 'slots-need-maxmem', params: {} });
  }
  if (maxmem !== undefined && memory !== undefined && maxmem < memory) {
    problems.push({ path: ['machine', 'maxmem'], code: 'maxmem-below-memory', params: { maxmem: m['maxmem'], memory: m['memory'] ?? '128M' } });
  } else if (maxmem !== undefined && maxmem === memory && slots !== undefined && slots > 0) {
    problems.push({ path: ['machine', 'maxmem'], code: 'maxmem-equals-memory', params: {} });
  }
  const below = m['max-ram-below-4g'] === undefined ? undefined : parseSize(m['max-ram-below-4g']);
  if (below !== undefined && below > 0x1_0000_0000) {
    // hw/i386/pc.c pc_machine_set_max_ram_below_4g.
    problems.push({ path: ['machine', 'max-ram-below-4g'], code: 'max-ram-below-4g-too-big', params: { value: m['max-ram-below-4g'] } });
  }
  if (type === undefined || memory === undefined) return undefined;
  // Keys set one by one in this order (an object literal of conditional spreads is several times slower).
  const out: { -readonly [K in keyof MachineSpec['machine']]: MachineSpec['machine'][K] } = { type, memory };
  if (below !== undefined && below > 0 && below <= 0x1_0000_0000) out.maxRamBelow4g = below;
  if (typeof m['smp'] === 'number' && Number.isInteger(m['smp']) && m['smp'] >= 1) out.smp = m['smp'];
  if (maxmem !== undefined) out.maxmem = maxmem;
  if (slots !== undefined) out.slots = slots;
  if (qemu !== undefined) out.qemu = qemu;
  if (named?.version !== undefined) out.version = named.version;
  if (cpu !== undefined) out.cpu = cpu;
  return out;
}

function cpuOf(c: unknown): NonNullable<MachineSpec['machine']['cpu']> | undefined {
  if (!isObj(c)) return undefined;
  return {
    ...(typeof c['model'] === 'string' ? { model: c['model'] } : {}),
    ...(c['vendor'] === 'amd' || c['vendor'] === 'intel' ? { vendor: c['vendor'] } : {}),
    ...(typeof c['phys-bits'] === 'number' ? { physBits: c['phys-bits'] } : {}),
  };
}

/** firmware.version must name a release of that firmware that vfio-sim models. */
function firmwareProblems(f: unknown): Problem[] {
  if (!isObj(f)) return [];
  const type = f['type'] === 'ovmf' ? 'ovmf' : 'seabios';
  if (f['igd-strategy'] === 'uefi-reserved' && type !== 'ovmf') {
    return [{ path: ['firmware', 'igd-strategy'], code: 'igd-strategy-needs-ovmf', params: {} }];
  }
  if (typeof f['version'] !== 'string') return [];
  const known = firmwareVersions(type);
  if (known.includes(f['version'])) return [];
  return [{ path: ['firmware', 'version'], code: 'unknown-firmware-version', params: { firmware: type, version: f['version'], known } }];
}

function firmwareOf(f: unknown): FirmwareSpec {
  // Keys set one by one in this order (an object literal of conditional spreads is several times slower).
  const out: { -readonly [K in keyof FirmwareSpec]: FirmwareSpec[K] } = {};
  if (!isObj(f)) return out;
  if (f['type'] === 'seabios' || f['type'] === 'ovmf') out.type = f['type'];
  if (typeof f['version'] === 'string') out.version = f['version'];
  if (typeof f['igd-strategy'] === 'string') out.igdStrategy = f['igd-strategy'];
  if (typeof f['vbios'] === 'string') out.vbios = f['vbios'];
  return out;
}

/** Parses and validates a config's text; `fileName` is what error lines start with. Never throws on bad input. */
export function parseConfig(text: string, fileName: string): ConfigResult {
  const file = typeof fileName === 'string' ? fileName : '<config>';
  const err = (p: { line: number; col: number }, body: AnyProblemBody): ConfigError => locatedError(file, p, body);
  // Documented never to throw: JavaScript callers can pass anything.
  if (typeof text !== 'string') return { ok: false, errors: [err({ line: 1, col: 1 }, { code: 'config-not-text', params: { got: text === null ? 'null' : typeof text } })] };
  // Plain configs are read without yaml's Document (docs/performance.md §10); positions are worked out only
  // when there is a problem to report, by parsing again with yaml (the same positions as always).
  const plain = parsePlainYaml(text);
  let full = plain === undefined ? new YamlSource(text) : undefined;
  const positions = (): YamlSource => (full ??= new YamlSource(text));
  let data: unknown;
  if (plain !== undefined) data = plain.value;
  else {
    const src = positions();
    const syntax = src.syntaxErrors();
    if (syntax.length > 0) return { ok: false, errors: sortErrors(syntax.map((e) => err(e.pos, e.problem))) };
    data = src.toJS();
    const expandError = data === undefined ? src.toJSError() : undefined;
    if (expandError !== undefined) return { ok: false, errors: [err({ line: 1, col: 1 }, expandError)] };
    if (data === null || data === undefined) {
      return { ok: false, errors: [err({ line: 1, col: 1 }, { code: 'config-empty', params: {} })] };
    }
  }
  if (isObj(data)) restoreTextScalars(data, plain ?? positions());
  const problems: LocatedProblem[] = [...schemaProblems(data)];
  const root: Obj = isObj(data) ? data : {};
  const machine = machineOf(root['machine'], problems);
  problems.push(...firmwareProblems(root['firmware']));
  const rawDevices = Array.isArray(root['devices']) ? (root['devices'] as unknown[]) : [];
  const topo = checkDevices({
    devices: rawDevices, machineType: machine?.type, ...(machine?.qemu !== undefined ? { qemu: machine.qemu } : {}), lineOf: (i) => positions().locate(['devices', i]).line,
  });
  problems.push(...topo.problems);
  // rom: and firmware.vbios must name a bundled ROM program or a program file that validates.
  const firmware = firmwareOf(root['firmware']);
  problems.push(...romRefProblems({ devices: topo.devices, firmware }, fileName));
  problems.push(...trapProblems(root['traps'], topo.devices, machine?.type));
  let igd: HostIgdSpec | undefined;
  const host = root['host'];
  if (isObj(host) && host['igd'] !== undefined) {
    const r = checkHostIgd(host['igd']);
    problems.push(...r.problems);
    igd = r.spec;
  }
  let workload: Workload | undefined;
  // host.iommu-width: the host DMAR's address width (vfio-sim import/doctor: 64-bit BARs above it cannot be mapped).
  const iommuWidth = isObj(host) && typeof host['iommu-width'] === 'number' ? host['iommu-width'] : undefined;
  if (root['workload'] !== undefined) {
    const wl = validateWorkload(root['workload'], { devices: topo.devices });
    if (!wl.ok) {
      // The workload's own codes, at workload + their path (its messages already name that path).
      for (const e of wl.errors) problems.push({ path: ['workload', ...e.path], code: e.code, params: e.params, ...(e.prefer !== undefined ? { prefer: e.prefer } : {}) } as LocatedProblem);
    }
    else workload = wl.workload;
  }
  if (problems.length > 0 || machine === undefined) {
    // Locating a problem walks the document: report the first MAX_REPORTED, never thousands.
    const shown = problems.slice(0, MAX_REPORTED);
    const src = positions();
    const errors = shown.map((p) => err(src.locate(p.path as PathSeg[], p.prefer ?? 'value'), p));
    if (problems.length > shown.length) errors.push(err(src.locate(problems[MAX_REPORTED]!.path as PathSeg[], 'key'), { code: 'more-problems', params: { count: problems.length - shown.length } }));
    if (errors.length === 0) errors.push(err({ line: 1, col: 1 }, { code: 'no-machine', params: {} }));
    return { ok: false, errors: sortErrors(errors) };
  }
  // Keys set one by one in the order they always had (name, machine, devices, host, firmware, traps, workload).
  const spec: { -readonly [K in keyof MachineSpec]?: MachineSpec[K] } = {};
  if (typeof root['name'] === 'string') spec.name = root['name'];
  spec.machine = machine;
  spec.devices = topo.devices;
  if (igd !== undefined || iommuWidth !== undefined) spec.host = { ...(igd !== undefined ? { igd } : {}), ...(iommuWidth !== undefined ? { iommuWidth } : {}) };
  spec.firmware = firmware;
  spec.traps = parseTrapRules(root['traps']);
  if (workload !== undefined) spec.workload = workload;
  return { ok: true, spec: markValidated(spec as MachineSpec) };
}

/** Reads and validates a config file; an unreadable file (or not a regular file) is one error at 1:1. */
export function loadConfigFile(path: string): ConfigResult {
  const r = readInputFile(path);
  if (!r.ok) return { ok: false, errors: [locatedError(String(path), { line: 1, col: 1 }, r.problem)] };
  return parseConfig(r.text, path);
}

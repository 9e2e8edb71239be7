import { registerAllModels } from '../../devices/index.js';
import { sortErrors, type ConfigError, type ConfigResult } from './errors.js';
import { checkHostIgd, type Problem } from './igd.js';
import { schemaProblems } from './schema-check.js';
import { parseHexInt, parseSize } from './size.js';
import { FOUR_GIB, ramLayout } from '../machine/layout.js';
import type { FirmwareSpec, HostIgdSpec, MachineSpec, MachineType, TrapRuleSpec } from './spec.js';
import { checkDevices } from './topology.js';
import { trapProblems } from './traps-check.js';
import { markValidated } from './validated.js';
import { romRefProblems } from '../rom/check.js';
import { YamlSource, type PathSeg } from './yaml-doc.js';
import { readInputFile } from './read-input.js';
import { validateWorkload } from '../workload/validate.js';

/** QEMU's default -m (hw/core/machine.c: 128 MiB). */
export const DEFAULT_MEMORY = 128 * 0x10_0000;
const MIN_MEMORY = 0x10_0000;
/**
 * Highest guest-physical address RAM may reach: QEMU 7.2's TCG CPUs have 40 physical address bits
 * (target/i386/cpu.h TCG_PHYS_ADDR_BITS), and pc_memory_init (hw/i386/pc.c) refuses a machine whose
 * RAM or hotplug region ends above 1 << phys-bits. Also keeps every address far below 2^53.
 */
const MAX_RAM_END = 2 ** 40;
/** Where RAM ends: below 4 GiB, then the rest from 4 GiB (vmm/machine/layout.ts ramLayout). */
const ramEnd = (type: MachineType, memory: number): number => {
  const { below4g, above4g } = ramLayout(type, memory);
  return above4g > 0 ? FOUR_GIB + above4g : below4g;
};
/** Problems reported per config (the rest are counted). */
const MAX_REPORTED = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * YAML scalars whose plain form YAML reads as a number but QEMU reads as text: `addr: 02.0` is slot
 * 2 function 0, not the float 2; `version: 2.0` is the OpRegion version string.
 */
function restoreTextScalars(data: Obj, src: YamlSource): void {
  const devices = data['devices'];
  if (Array.isArray(devices)) {
    devices.forEach((d, i) => {
      if (isObj(d) && typeof d['addr'] === 'number') d['addr'] = src.sourceOf(['devices', i, 'addr']) ?? String(d['addr']);
    });
  }
  const op = (data['host'] as Obj | undefined)?.['igd'] as Obj | undefined;
  const opregion = isObj(op) ? op['opregion'] : undefined;
  if (isObj(opregion) && typeof opregion['version'] === 'number') {
    opregion['version'] = src.sourceOf(['host', 'igd', 'opregion', 'version']) ?? String(opregion['version']);
  }
}

function machineOf(m: unknown, problems: Problem[]): MachineSpec['machine'] | undefined {
  if (!isObj(m)) return undefined;
  const type = m['type'] === 'q35' || m['type'] === 'pc' ? (m['type'] as MachineType) : undefined;
  let memory = m['memory'] === undefined ? DEFAULT_MEMORY : parseSize(m['memory']);
  if (memory === undefined && typeof m['memory'] === 'number') {
    problems.push({ path: ['machine', 'memory'], message: `machine.memory: ${String(m['memory'])} is not a whole number of bytes below 2^53` });
  }
  if (memory !== undefined && memory < MIN_MEMORY) problems.push({ path: ['machine', 'memory'], message: `machine.memory: ${memory} bytes is too small (at least 1M)` });
  if (memory !== undefined && type !== undefined && ramEnd(type, memory) > MAX_RAM_END) {
    problems.push({ path: ['machine', 'memory'], message: `machine.memory: ${String(m['memory'])} puts guest RAM past 1 TiB (QEMU: "Address space limit 0x10000000000 < ... phys-bits too low (40)")` });
    memory = undefined;
  }
  let maxmem = m['maxmem'] === undefined ? undefined : parseSize(m['maxmem']);
  if (maxmem === undefined && typeof m['maxmem'] === 'number') {
    problems.push({ path: ['machine', 'maxmem'], message: `machine.maxmem: ${String(m['maxmem'])} is not a whole number of bytes below 2^53` });
  }
  if (maxmem !== undefined && type !== undefined && ramEnd(type, maxmem) > MAX_RAM_END) {
    problems.push({ path: ['machine', 'maxmem'], message: `machine.maxmem: ${String(m['maxmem'])} puts the memory hotplug region past 1 TiB (QEMU's default 40 physical address bits)` });
    maxmem = undefined;
  }
  const slots = typeof m['slots'] === 'number' ? m['slots'] : undefined;
  if (slots !== undefined && slots > 0 && m['maxmem'] === undefined) {
    problems.push({ path: ['machine', 'slots'], prefer: 'key', message: 'machine.slots needs machine.maxmem (QEMU: -m slots= without maxmem=)' });
  }
  if (maxmem !== undefined && memory !== undefined && maxmem < memory) {
    problems.push({ path: ['machine', 'maxmem'], message: `machine.maxmem (${String(m['maxmem'])}) is below machine.memory (${String(m['memory'] ?? '128M')})` });
  } else if (maxmem !== undefined && maxmem === memory && slots !== undefined && slots > 0) {
    problems.push({ path: ['machine', 'maxmem'], message: 'machine.maxmem equals machine.memory, so the memory slots could hold nothing (QEMU refuses this)' });
  }
  if (type === undefined || memory === undefined) return undefined;
  return { type, memory, ...(maxmem !== undefined ? { maxmem } : {}), ...(slots !== undefined ? { slots } : {}) };
}

function firmwareOf(f: unknown): FirmwareSpec {
  if (!isObj(f)) return {};
  return {
    ...(typeof f['igd-strategy'] === 'string' ? { igdStrategy: f['igd-strategy'] } : {}),
    ...(typeof f['vbios'] === 'string' ? { vbios: f['vbios'] } : {}),
  };
}

function trapsOf(t: unknown): TrapRuleSpec[] {
  if (!Array.isArray(t)) return [];
  const pair = (v: unknown): readonly [number, number] | undefined => {
    if (!Array.isArray(v)) return undefined;
    const a = parseHexInt(v[0]);
    const b = parseHexInt(v[1]);
    return a !== undefined && b !== undefined ? [a, b] : undefined;
  };
  return t.filter(isObj).map((r) => {
    const offset = pair(r['offset']);
    const from = pair(r['from']);
    const to = parseHexInt(r['to']);
    return {
      bdf: String(r['bdf']).toLowerCase(),
      action: r['action'] as TrapRuleSpec['action'],
      ...(typeof r['bar'] === 'number' ? { bar: r['bar'] } : {}),
      ...(typeof r['config'] === 'boolean' ? { config: r['config'] } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(r['width'] === 1 || r['width'] === 2 || r['width'] === 4 ? { width: r['width'] } : {}),
      ...(typeof r['direction'] === 'string' ? { direction: r['direction'] as TrapRuleSpec['direction'] & string } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(r['field'] === 'value' || r['field'] === 'offset' ? { field: r['field'] } : {}),
      ...(typeof r['name'] === 'string' ? { name: r['name'] } : {}),
    };
  });
}

/** Parses and validates a config's text; `fileName` is what error lines start with. Never throws on bad input. */
export function parseConfig(text: string, fileName: string): ConfigResult {
  registerAllModels();
  const file = typeof fileName === 'string' ? fileName : '<config>';
  const err = (p: { line: number; col: number }, message: string): ConfigError => ({ file, line: p.line, col: p.col, message });
  // Documented never to throw: JavaScript callers can pass anything.
  if (typeof text !== 'string') return { ok: false, errors: [err({ line: 1, col: 1 }, `expected the config's text (a string), got ${text === null ? 'null' : typeof text}`)] };
  const src = new YamlSource(text);
  const syntax = src.syntaxErrors();
  if (syntax.length > 0) return { ok: false, errors: sortErrors(syntax.map((e) => err(e.pos, e.message))) };
  const data = src.toJS();
  const expandError = data === undefined ? src.toJSError() : undefined;
  if (expandError !== undefined) return { ok: false, errors: [err({ line: 1, col: 1 }, expandError)] };
  if (data === null || data === undefined) {
    return { ok: false, errors: [err({ line: 1, col: 1 }, "empty config: expected a mapping with 'machine' and 'devices'")] };
  }
  if (isObj(data)) restoreTextScalars(data, src);
  const problems: Problem[] = [...schemaProblems(data)];
  const root: Obj = isObj(data) ? data : {};
  const machine = machineOf(root['machine'], problems);
  const rawDevices = Array.isArray(root['devices']) ? (root['devices'] as unknown[]) : [];
  const topo = checkDevices({ devices: rawDevices, machineType: machine?.type, lineOf: (i) => src.locate(['devices', i]).line });
  problems.push(...topo.problems);
  // rom: and firmware.vbios must name a bundled ROM program or a program file that validates.
  problems.push(...romRefProblems({ devices: topo.devices, firmware: firmwareOf(root['firmware']) }, fileName));
  problems.push(...trapProblems(root['traps'], topo.devices, machine?.type));
  let igd: HostIgdSpec | undefined;
  const host = root['host'];
  if (isObj(host) && host['igd'] !== undefined) {
    const r = checkHostIgd(host['igd']);
    problems.push(...r.problems);
    igd = r.spec;
  }
  if (root['workload'] !== undefined) {
    const wl = validateWorkload(root['workload'], { devices: topo.devices });
    if (!wl.ok) problems.push(...wl.errors.map((e) => ({ ...e, path: ['workload', ...e.path] })));
  }
  if (problems.length > 0 || machine === undefined) {
    // Locating a problem walks the document: report the first MAX_REPORTED, never thousands.
    const shown = problems.slice(0, MAX_REPORTED);
    const errors = shown.map((p) => err(src.locate(p.path as PathSeg[], p.prefer ?? 'value'), p.message));
    if (problems.length > shown.length) errors.push(err(src.locate(problems[MAX_REPORTED]!.path as PathSeg[], 'key'), `${problems.length - shown.length} more problems not shown`));
    if (errors.length === 0) errors.push(err({ line: 1, col: 1 }, 'the config has no valid machine section'));
    return { ok: false, errors: sortErrors(errors) };
  }
  const spec: MachineSpec = {
    ...(typeof root['name'] === 'string' ? { name: root['name'] } : {}),
    machine,
    devices: topo.devices,
    ...(igd !== undefined ? { host: { igd } } : {}),
    firmware: firmwareOf(root['firmware']),
    traps: trapsOf(root['traps']),
    ...(root['workload'] !== undefined ? { workload: root['workload'] } : {}),
  };
  return { ok: true, spec: markValidated(spec) };
}

/** Reads and validates a config file; an unreadable file (or not a regular file) is one error at 1:1. */
export function loadConfigFile(path: string): ConfigResult {
  const r = readInputFile(path);
  if (!r.ok) return { ok: false, errors: [{ file: String(path), line: 1, col: 1, message: r.message }] };
  return parseConfig(r.text, path);
}

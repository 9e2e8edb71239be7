/**
 * Writes an imported config as commented YAML in the layout of the bundled configs (configs/*.yaml): one
 * device per list entry, props as a flow mapping, and every unmodelled part of the source as a comment.
 */
import { formatSize } from '../config/size.js';
import type { PropValue } from '../../../devices/spec.js';
import { devfnText } from './argv.js';
import type { ImportedConfig } from './types.js';

/** A YAML plain scalar when that reads back as the same string, else a double-quoted JSON string. */
function str(s: string): string {
  return /^[A-Za-z_/][\w./-]*$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s) ? s : JSON.stringify(s);
}

function value(v: PropValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return str(v);
}

function size(n: number): string {
  return formatSize(n);
}

const comment = (s: string, indent = ''): string => `${indent}# ${s.replace(/\n/g, ' ')}`;

/** The host section the importer writes: the user's own `host import` output, or a placeholder to replace. */
export interface HostSection {
  /** YAML lines of `host:` and below, as `vfio-sim host import` prints them. */
  readonly yaml?: string;
}

export function importedYaml(c: ImportedConfig, host: HostSection = {}): string {
  const out: string[] = [];
  out.push(comment(`Imported by vfio-sim from ${c.source}.`));
  out.push(comment('Check the "not modelled" list at the end: those parts of the VM do not take part in the boot.'));
  for (const r of c.remarks) out.push(comment(`note: ${r}`));
  if (c.name !== undefined) out.push(`name: ${str(c.name)}`);
  out.push('machine:');
  out.push(`  type: ${str(c.machine.type)}`);
  out.push(`  qemu: "${c.machine.qemu}"            # the QEMU version to model (vfio-sim import --qemu)`);
  out.push(`  memory: ${size(c.machine.memory)}`);
  if (c.machine.maxmem !== undefined) out.push(`  maxmem: ${size(c.machine.maxmem)}`);
  if (c.machine.slots !== undefined) out.push(`  slots: ${c.machine.slots}`);
  const cpu = c.machine.cpu;
  if (cpu !== undefined && (cpu.model !== undefined || cpu.vendor !== undefined || cpu.physBits !== undefined)) {
    out.push('  cpu:');
    if (cpu.model !== undefined) out.push(`    model: ${str(cpu.model)}`);
    if (cpu.vendor !== undefined) out.push(`    vendor: ${cpu.vendor}`);
    if (cpu.physBits !== undefined) out.push(`    phys-bits: ${cpu.physBits}`);
  }
  if (c.hasIgd) {
    if (host.yaml !== undefined) out.push(host.yaml.trimEnd());
    else {
      out.push(comment("The host's IGD: replace with the output of `vfio-sim host import` run on the host"));
      out.push(comment('(lspci -nn -xxxx -s 00:02.0). Until then vfio-sim assumes a Skylake GT2 with its defaults.'));
      out.push('host:');
      out.push('  igd:');
      out.push('    generation: skl');
    }
  }
  out.push('devices:');
  if (c.devices.length === 0) out.push('  []');
  for (const d of c.devices) {
    for (const s of d.comments) out.push(comment(s, '  '));
    out.push(`  - model: ${str(d.model)}`);
    if (d.id !== undefined) out.push(`    id: ${str(d.id)}`);
    if (d.bus !== undefined) out.push(`    bus: ${str(d.bus)}`);
    if (d.devfn !== undefined) out.push(`    addr: "${devfnText(d.devfn)}"`);
    const props = Object.entries(d.props);
    if (props.length > 0) out.push(`    props: { ${props.map(([k, v]) => `${str(k)}: ${value(v)}`).join(', ')} }`);
  }
  if (c.firmware.type !== undefined) {
    out.push('firmware:');
    out.push(`  type: ${c.firmware.type}`);
  }
  if (c.notModelled.length > 0) {
    out.push('');
    out.push(comment('Not modelled (vfio-sim ignores these parts of the source):'));
    for (const n of c.notModelled) out.push(comment(`- ${n}`));
  }
  return out.join('\n') + '\n';
}

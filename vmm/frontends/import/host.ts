/**
 * The host's IGD from what a user can dump on the host → the config's `host:` section. Inputs:
 * `lspci -nn -xxxx -s 00:02.0` (or -xxx; the hex lines "00: 86 80 ..."), or the binary
 * /sys/bus/pci/devices/0000:00:02.0/config; optionally /proc/iomem ("Graphics Stolen Memory", inserted by
 * Linux arch/x86/kernel/early-quirks.c intel_graphics_quirks), the DMAR host address width (dmesg "DMAR: Host
 * address width N", drivers/iommu/intel/dmar.c), the OpRegion bytes (the vfio-pci OpRegion region or
 * /sys/kernel/debug/dri/0/i915_opregion) and the STOLEN_RESERVED register (BAR0 0x1082C0, `intel_reg read`).
 * Register layouts: GGC 0x50, BDSM 0x5C (gen 6..10) / 0xC0 (gen 11+), ASLS 0xFC (i915 intel_pci_config.h);
 * GMS/GGMS by generation (devices/igd/tables.ts); OpRegion header and mailbox 3 RVDA/RVDS
 * (drivers/gpu/drm/i915/display/intel_opregion.c); STOLEN_RESERVED decoding as icl_get_stolen_reserved.
 */
import { BDSM_MASK, GMCH_IVD, gmchFields, ggmsSize, gmsSize, IGD_ASLS, IGD_BDSM, IGD_BDSM_GEN11, IGD_GMCH, MiB } from '../../../devices/igd/tables.js';
import { OPREGION_RVDA, OPREGION_RVDS, OPREGION_SIGNATURE, OPREGION_VBT } from '../../../devices/igd/opregion.js';
import { igdPlatform } from './host-ids.js';
import { ImportError } from './types.js';

export interface HostInputs {
  /** lspci text or the raw config bytes. */
  readonly config: string | Uint8Array;
  readonly iomem?: string;
  /** A number, or text holding "DMAR: Host address width N". */
  readonly dmar?: string | number;
  readonly opregion?: Uint8Array;
  /** STOLEN_RESERVED (BAR0 0x1082C0) as read on the host. */
  readonly stolenReservedReg?: bigint;
}

export interface HostImport {
  readonly deviceId: number;
  readonly revision: number;
  readonly classCode: number;
  readonly platform: string;
  readonly gen: number;
  readonly name?: string;
  readonly gmch: number;
  readonly gms: number;
  readonly ggms: number;
  readonly dsmSize: number;
  readonly gsmSize: number;
  readonly bdsm: number;
  readonly asls: number;
  readonly stolenReserved?: { readonly base: number; readonly size: number };
  readonly opregion?: { readonly version: string; readonly size: number; readonly vbtSize: number };
  readonly iommuWidth?: number;
  /** What the inputs say that the user should know (each a full sentence). */
  readonly findings: readonly string[];
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const mib = (n: number): string => (n % MiB === 0 ? `${n / MiB} MiB` : `${n / 1024} KiB`);

/** The config bytes of 00:02.0 from `lspci -xxx`/`-xxxx` text (the 00:02.0 block when several devices are dumped). */
export function lspciBytes(text: string): { bytes: Uint8Array; header?: string } {
  const lines = text.split(/\r?\n/);
  let start = lines.findIndex((l) => /^(0000:)?00:02\.0 /.test(l));
  if (start < 0) start = lines.findIndex((l) => /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /i.test(l));
  const header = start >= 0 ? lines[start] : undefined;
  const bytes = new Uint8Array(4096);
  let max = 0;
  for (let i = Math.max(0, start + 1); i < lines.length; i++) {
    const l = lines[i]!;
    if (start >= 0 && /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /i.test(l)) break; // the next device
    const m = /^([0-9a-f]{2,3}):((?:\s+[0-9a-f]{2}){1,16})\s*$/i.exec(l);
    if (m === null) continue;
    const off = parseInt(m[1]!, 16);
    const vals = m[2]!.trim().split(/\s+/).map((b) => parseInt(b, 16));
    vals.forEach((v, j) => (bytes[off + j] = v));
    max = Math.max(max, off + vals.length);
  }
  if (max === 0) throw new ImportError('no config-space hex lines ("00: 86 80 ...") found: run lspci -nn -xxxx -s 00:02.0');
  return { bytes: bytes.slice(0, max), ...(header !== undefined ? { header } : {}) };
}

/** "Graphics Stolen Memory" in /proc/iomem, inclusive end as the file writes it. */
export function iomemStolen(text: string): { start: number; end: number } | undefined {
  const m = /^\s*([0-9a-f]+)-([0-9a-f]+)\s*:\s*Graphics Stolen Memory\s*$/im.exec(text);
  return m === null ? undefined : { start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16) };
}

export function dmarWidth(v: string | number): number | undefined {
  if (typeof v === 'number') return v;
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  const m = /DMAR: Host address width (\d+)/.exec(v);
  return m === null ? undefined : Number(m[1]);
}

/** OpRegion version (major.minor at 0x17/0x16) and the VBT's size: mailbox 3 RVDA/RVDS when set, else the $VBT header in mailbox 4. */
export function opregionFacts(op: Uint8Array): { version: string; size: number; vbtSize: number } {
  const sig = String.fromCharCode(...op.subarray(0, 16));
  if (op.length < 0x100) throw new ImportError(`the OpRegion is ${op.length} bytes: an OpRegion header alone is 256 bytes (8 KiB in all)`);
  if (sig !== OPREGION_SIGNATURE) throw new ImportError(`the OpRegion bytes do not start with '${OPREGION_SIGNATURE}'`);
  const dv = new DataView(op.buffer, op.byteOffset, op.byteLength);
  const version = `${op[0x17]}.${op[0x16]}`;
  const size = dv.getUint32(0x10, true) * 1024;
  const rvda = op.length >= OPREGION_RVDS + 4 ? dv.getBigUint64(OPREGION_RVDA, true) : 0n;
  const rvds = op.length >= OPREGION_RVDS + 4 ? dv.getUint32(OPREGION_RVDS, true) : 0;
  if (rvda !== 0n && rvds !== 0) return { version, size, vbtSize: rvds };
  const vbtSig = String.fromCharCode(...op.subarray(OPREGION_VBT, OPREGION_VBT + 4));
  return { version, size, vbtSize: vbtSig === '$VBT' && op.length >= OPREGION_VBT + 0x1a ? dv.getUint16(OPREGION_VBT + 0x18, true) : 0 };
}

/** STOLEN_RESERVED gen 11+: base bits 63:20, size code bits 8:7 → 1/2/4/8 MiB (i915 icl_get_stolen_reserved). */
export function decodeStolenReserved(reg: bigint): { base: number; size: number } {
  return { base: Number(reg & ~0xfffffn), size: MiB << Number((reg >> 7n) & 3n) };
}

export function importHost(inputs: HostInputs): HostImport {
  const raw = typeof inputs.config === 'string' ? lspciBytes(inputs.config).bytes : inputs.config;
  if (raw.length < 0x100) {
    throw new ImportError(`only ${raw.length} bytes of config space: lspci shows bytes past 0x40 to root only (sudo lspci -nn -xxxx -s 00:02.0)`);
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const vendor = dv.getUint16(0, true);
  const deviceId = dv.getUint16(2, true);
  if (vendor !== 0x8086) throw new ImportError(`vendor ${hex(vendor)} is not Intel (0x8086): not an Intel IGD`);
  const classCode = (raw[0x0b]! << 8) | raw[0x0a]!;
  if (raw[0x0b] !== 0x03) throw new ImportError(`class ${hex(classCode)} is not a display controller: is this 00:02.0?`);
  const p = igdPlatform(deviceId);
  if (p === undefined) throw new ImportError(`device ID ${hex(deviceId)} is not an Intel IGD i915 knows`);
  if (p.unsupported !== undefined) throw new ImportError(`${p.platform} (${hex(deviceId)}): ${p.unsupported}`);
  const findings: string[] = [];
  const gmch = dv.getUint16(IGD_GMCH, true);
  const { gms, ggms } = gmchFields(p.gen, gmch);
  const dsmSize = gmsSize(p.gen, gms);
  const gsmSize = ggmsSize(p.gen, ggms);
  const bdsm = p.gen >= 11 ? Number(dv.getBigUint64(IGD_BDSM_GEN11, true) & ~0xfffffn) : (dv.getUint32(IGD_BDSM, true) & BDSM_MASK) >>> 0;
  const asls = dv.getUint32(IGD_ASLS, true);
  if (classCode === 0x0380) findings.push('the IGD is class 0x0380 (not VGA): QEMU legacy mode needs a VGA class, and Linux early quirks reserve stolen memory only for class 0x0300');
  if ((gmch & GMCH_IVD) !== 0) findings.push('GGC.IVD is set: the host BIOS disabled the IGD\'s VGA decode; QEMU 10.1 refuses legacy mode for it');
  if (gms === 0) findings.push('GMS is 0: the host BIOS gives the IGD no stolen memory (raise "DVMT pre-allocated" in the BIOS setup)');
  if (asls === 0) findings.push('ASLS is 0: the host has no OpRegion; QEMU 10.1 then skips every IGD quirk and guest drivers find no VBT');
  const iomem = inputs.iomem !== undefined ? iomemStolen(inputs.iomem) : undefined;
  if (inputs.iomem !== undefined && iomem === undefined) findings.push('/proc/iomem has no "Graphics Stolen Memory": the host kernel reserved none (class not 0x0300, or GMS 0)');
  if (iomem !== undefined) {
    if (iomem.start !== bdsm) findings.push(`/proc/iomem puts Graphics Stolen Memory at ${hex(iomem.start)}, BDSM says ${hex(bdsm)}`);
    if (iomem.end + 1 - iomem.start !== dsmSize) findings.push(`/proc/iomem's Graphics Stolen Memory is ${mib(iomem.end + 1 - iomem.start)}, GMS says ${mib(dsmSize)}`);
  }
  const iommuWidth = inputs.dmar !== undefined ? dmarWidth(inputs.dmar) : undefined;
  if (inputs.dmar !== undefined && iommuWidth === undefined) throw new ImportError("no 'DMAR: Host address width N' line in the DMAR input");
  const opregion = inputs.opregion !== undefined ? opregionFacts(inputs.opregion) : undefined;
  let stolenReserved: HostImport['stolenReserved'];
  if (inputs.stolenReservedReg !== undefined) {
    if (p.gen < 11) findings.push(`STOLEN_RESERVED given, but gen ${p.gen} keeps it inside the DSM where vfio-sim does not model it (ignored)`);
    else {
      stolenReserved = decodeStolenReserved(inputs.stolenReservedReg);
      if (stolenReserved.base < bdsm || stolenReserved.base + stolenReserved.size > bdsm + dsmSize) {
        findings.push(`STOLEN_RESERVED ${hex(stolenReserved.base)} (+${mib(stolenReserved.size)}) lies outside the DSM ${hex(bdsm)}..${hex(bdsm + dsmSize)}`);
      }
    }
  }
  return {
    deviceId, revision: raw[8]!, classCode, platform: p.platform, gen: p.gen, ...(p.name !== undefined ? { name: p.name } : {}),
    gmch, gms, ggms, dsmSize, gsmSize, bdsm, asls,
    ...(stolenReserved !== undefined ? { stolenReserved } : {}),
    ...(opregion !== undefined ? { opregion } : {}),
    ...(iommuWidth !== undefined ? { iommuWidth } : {}),
    findings,
  };
}

/** The `host:` section as YAML, every value commented with where it came from. */
export function hostYaml(h: HostImport, source: string): string {
  const id4 = h.deviceId.toString(16).padStart(4, '0');
  const out = [
    `# Host IGD imported by vfio-sim from ${source}: ${h.platform} [8086:${id4}] rev ${h.revision.toString(16).padStart(2, '0')}, class ${h.classCode.toString(16).padStart(4, '0')}`,
    ...h.findings.map((f) => `# warning: ${f}`),
    'host:',
    '  igd:',
    `    generation: ${h.name ?? h.gen}${' '.repeat(Math.max(1, 16 - String(h.name ?? h.gen).length))}# ${h.platform}, gen ${h.gen}`,
    `    device-id: ${hex(h.deviceId)}`,
    `    gmch: ${hex(h.gmch)}${' '.repeat(Math.max(1, 22 - hex(h.gmch).length))}# GGC at 0x50: GMS ${hex(h.gms)} = ${mib(h.dsmSize)} of DSM, GGMS ${h.ggms} = ${mib(h.gsmSize)} of GTT`,
    `    bdsm: ${hex(h.bdsm)}${' '.repeat(Math.max(1, 22 - hex(h.bdsm).length))}# BDSM at ${h.gen >= 11 ? '0xc0 (64-bit)' : '0x5c'}; host OpRegion (ASLS 0xfc) at ${hex(h.asls)}`,
  ];
  if (h.opregion !== undefined) {
    const v = h.opregion.version === '2.0' ? '2.0' : '2.1';
    out.push(`    opregion: { version: "${v}" }       # OpRegion ${h.opregion.version}, ${mib(h.opregion.size)}, VBT ${h.opregion.vbtSize} bytes${v !== h.opregion.version ? ' (modelled as 2.1: relative RVDA)' : ''}`);
  }
  if (h.stolenReserved !== undefined) out.push(`    stolen-reserved: { base: ${hex(h.stolenReserved.base)}, size: ${mib(h.stolenReserved.size).replace(' MiB', 'M')} }   # STOLEN_RESERVED (BAR0 0x1082c0)`);
  if (h.iommuWidth !== undefined) out.push(`  iommu-width: ${h.iommuWidth}               # DMAR: Host address width`);
  return out.join('\n') + '\n';
}

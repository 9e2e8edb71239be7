/**
 * What changes for one machine between profiles: the question users ask after upgrading QEMU/SeaBIOS or moving
 * to `-cpu host`. Boots are the caller's (so this stays a pure function of reports); the first profile is the
 * baseline and every other one is listed as its differences: root windows, each BAR's address and size, bridge
 * windows, the e820 map, the panic, and the profile's hazards.
 */
import type { BootReport, DeviceReport } from '../../frontends/report/types.js';
import type { ProfileOverrides } from './profile.js';
import type { CpuVendor } from './cpu.js';
import { isQemuVersion, type QemuVersion } from '../../../devices/qemu-version.js';

export interface ProfileChoice {
  /** As the user wrote it: `10.0`, `10.0:intel:39`. */
  readonly label: string;
  readonly overrides: ProfileOverrides;
}

/**
 * Parses `--profiles`: comma-separated `QEMU[:VENDOR[:PHYS-BITS]]` (QEMU 7.2 | 10.0, VENDOR amd | intel).
 * Each QEMU comes with the firmware Debian ships with it (an upgrade moves both), whatever the config pins.
 * Returns an error message for a bad item.
 */
export function parseProfileList(text: string): ProfileChoice[] | string {
  const out: ProfileChoice[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [qemu, vendor, bits] = raw.split(':');
    if (qemu === undefined || !isQemuVersion(qemu)) return `--profiles: '${raw}': QEMU version must be 7.2 or 10.0`;
    if (vendor !== undefined && vendor !== 'amd' && vendor !== 'intel') return `--profiles: '${raw}': vendor must be amd or intel`;
    const physBits = bits === undefined ? undefined : Number(bits);
    if (physBits !== undefined && (!Number.isInteger(physBits) || physBits < 32 || physBits > 52)) return `--profiles: '${raw}': phys-bits must be 32..52`;
    const cpu = vendor === undefined ? undefined : { vendor: vendor as CpuVendor, ...(physBits !== undefined ? { physBits } : {}) };
    out.push({ label: raw, overrides: { qemu: qemu as QemuVersion, ...(cpu !== undefined ? { cpu } : {}) } });
  }
  if (out.length < 2) return '--profiles: name at least two profiles, e.g. 7.2,10.0';
  return out;
}

export interface ProfileChange {
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

export interface ProfileColumn {
  readonly label: string;
  readonly profile: string;
  readonly changes: ProfileChange[];
  readonly hazards: string[];
}

export interface ProfileComparison {
  readonly config: string;
  readonly base: { readonly label: string; readonly profile: string; readonly hazards: string[] };
  readonly others: ProfileColumn[];
}

function profileText(r: BootReport): string {
  const p = r.profile;
  if (p === undefined) return '?';
  return `${p.machine}, ${p.cpu.model} ${p.cpu.vendor} ${p.cpu['phys-bits']} phys-bits, ${p.firmware.type} ${p.firmware.version}`;
}

const win = (w: readonly [string, string] | null): string => (w === null ? 'none' : `${w[0]}-${w[1]}`);

/** Every fact of a report that the comparison looks at, keyed so two reports line up. */
function facts(r: BootReport): Map<string, string> {
  const m = new Map<string, string>();
  m.set('panic', r.panic ?? 'none');
  m.set('window io', win(r.pci.windows.io));
  m.set('window 32-bit', win(r.pci.windows.mem32));
  m.set('window 64-bit', win(r.pci.windows.mem64));
  for (const d of r.pci.devices) deviceFacts(d, m);
  for (const e of r.e820) m.set(`e820 ${e.start}-${e.end}`, e.type);
  return m;
}

function deviceFacts(d: DeviceReport, m: Map<string, string>): void {
  m.set(`${d.bdf} device`, `${d.model} ${d.vendor.slice(2)}:${d.device.slice(2)}`);
  for (const b of d.bars) {
    m.set(`${d.bdf} ${b.bar === 6 ? 'ROM' : `BAR${b.bar}`}`, `${b.address ?? 'unplaced'} (${b.size} ${b.type}${b.is64 ? ' 64-bit' : ''})`);
  }
  const br = d.bridge;
  if (br !== undefined) {
    const w = (x: { base: string; limit: string } | null): string => (x === null ? 'closed' : `${x.base}-${x.limit}`);
    m.set(`${d.bdf} bridge buses`, `${br.secondary}..${br.subordinate}`);
    m.set(`${d.bdf} bridge io`, w(br.io));
    m.set(`${d.bdf} bridge mem`, w(br.mem));
    m.set(`${d.bdf} bridge prefmem`, w(br.prefmem));
  }
}

function diff(a: Map<string, string>, b: Map<string, string>): ProfileChange[] {
  const out: ProfileChange[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w !== v) out.push({ what: k, from: v, to: w ?? '(absent)' });
  }
  for (const [k, w] of b) if (!a.has(k)) out.push({ what: k, from: '(absent)', to: w });
  return out;
}

const hazardIds = (r: BootReport): string[] => (r.profile?.hazards ?? []).map((h) => `${h.id}: ${h.message}`);

/** Lines up the reports of one config booted under `choices` (same order); the first is the baseline. */
export function compareProfiles(config: string, choices: readonly ProfileChoice[], reports: readonly BootReport[]): ProfileComparison {
  const [base, ...rest] = reports;
  if (base === undefined || choices.length !== reports.length) throw new Error('bug: one report per profile');
  const baseFacts = facts(base);
  return {
    config,
    base: { label: choices[0]!.label, profile: profileText(base), hazards: hazardIds(base) },
    others: rest.map((r, i) => ({ label: choices[i + 1]!.label, profile: profileText(r), changes: diff(baseFacts, facts(r)), hazards: hazardIds(r) })),
  };
}

export function renderProfileComparison(c: ProfileComparison): string {
  const out: string[] = [`Profiles for ${c.config}: changes against ${c.base.label} (${c.base.profile})`];
  for (const h of c.base.hazards) out.push(`  hazard (${c.base.label}) ${h}`);
  for (const col of c.others) {
    out.push('', `${col.label} (${col.profile}): ${col.changes.length === 0 ? 'no change' : `${col.changes.length} change${col.changes.length === 1 ? '' : 's'}`}`);
    const width = Math.max(0, ...col.changes.map((ch) => ch.what.length));
    for (const ch of col.changes) out.push(`  ${ch.what.padEnd(width)}  ${ch.from}  →  ${ch.to}`);
    for (const h of col.hazards) out.push(`  hazard ${h}`);
  }
  return out.join('\n') + '\n';
}

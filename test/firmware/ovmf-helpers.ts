import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PciBridge } from '../../devices/pci/bridge.js';
import type { FirmwareIo, OvmfPostResult } from '../../firmware/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { Machine } from '../../vmm/core/machine/machine.js';

export const OVMF_FIXTURES = (version: string): string => fileURLToPath(new URL(`../fixtures/ovmf-${version}/`, import.meta.url));

export interface OvmfWindow {
  base: string;
  limit: string;
}

export interface OvmfFixture {
  expected: {
    bars: { bdf: string; bar: number; address: string; size: string; type: string; is64?: boolean; decode: boolean }[];
    devices: {
      bdf: string;
      command: string;
      bridge?: { secondary: number; subordinate: number; io: OvmfWindow | null; mem: OvmfWindow | null; prefmem: OvmfWindow | null };
    }[];
  };
  raw_cfg: Record<string, Record<string, string>>;
}

export interface MemmapFixture {
  memmap: { type: string; start: string; end: string }[];
}

export function ovmfCases(version: string): string[] {
  return readdirSync(OVMF_FIXTURES(version)).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
}

export function loadOvmfCase(version: string, name: string): { spec: MachineSpec; fx: OvmfFixture } {
  const dir = OVMF_FIXTURES(version);
  const r = parseConfig(readFileSync(`${dir}${name}.yaml`, 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  return { spec: r.spec, fx: JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as OvmfFixture };
}

export function loadMemmap(version: string, name: string): MemmapFixture | undefined {
  try {
    return JSON.parse(readFileSync(`${OVMF_FIXTURES(version)}${name}.memmap.json`, 'utf8')) as MemmapFixture;
  } catch {
    return undefined;
  }
}

/** One config write as QEMU's pci_cfg_write trace has it: `BB:DD.F @0xOFF <- 0xVALUE`. */
export type CfgWrite = string;

/**
 * Wraps the machine's CPU view so every config write (CF8/CFC or ECAM) is recorded in QEMU's trace notation.
 * Width-split writes are not merged: OVMF writes each register at its natural width, as the trace shows.
 */
export function tracingIo(io: FirmwareIo, ecam: () => number, out: CfgWrite[]): FirmwareIo {
  let addr = 0;
  const bdf = (b: number, d: number, f: number): string =>
    `${b.toString(16).padStart(2, '0')}:${d.toString(16).padStart(2, '0')}.${f}`;
  const fromCf8 = (port: number, v: number): void => {
    const off = (addr & 0xfc) + (port - 0xcfc);
    out.push(`${bdf((addr >>> 16) & 0xff, (addr >>> 11) & 0x1f, (addr >>> 8) & 7)} @0x${off.toString(16)} <- 0x${(v >>> 0).toString(16)}`);
  };
  const write = (port: number, v: number, w: (p: number, v: number) => void): void => {
    if (port === 0xcf8) addr = v >>> 0;
    else if (port >= 0xcfc && port < 0xd00 && (addr & 0x8000_0000) !== 0) fromCf8(port, v);
    w(port, v);
  };
  return {
    inb: (p) => io.inb(p),
    inw: (p) => io.inw(p),
    inl: (p) => io.inl(p),
    outb: (p, v) => write(p, v, (a, b) => io.outb(a, b)),
    outw: (p, v) => write(p, v, (a, b) => io.outw(a, b)),
    outl: (p, v) => write(p, v, (a, b) => io.outl(a, b)),
    readMem: (a, w) => io.readMem(a, w),
    writeMem: (a, w, v) => {
      const base = ecam();
      if (base >= 0 && a >= base && a < base + 0x1000_0000) {
        const o = a - base;
        out.push(`${bdf(o >>> 20, (o >>> 15) & 0x1f, (o >>> 12) & 7)} @0x${(o & 0xfff).toString(16)} <- 0x${(v >>> 0).toString(16)}`);
      }
      io.writeMem(a, w, v);
    },
    readBytes: (a, o) => io.readBytes(a, o),
    writeBytes: (a, d) => io.writeBytes(a, d),
    cpuid: (l, s) => io.cpuid(l, s),
  };
}

export function bootOvmf(spec: MachineSpec, trace?: CfgWrite[]): { machine: Machine; fw: OvmfPostResult } {
  const machine = new Machine(spec);
  const fwType = machine.profile.firmware;
  if (fwType.type !== 'ovmf') throw new Error('not an OVMF config');
  const ecamBase = fwType.version === '2022.11' ? 0xb000_0000 : 0xe000_0000;
  const io = trace === undefined ? machine.cpu : tracingIo(machine.cpu, () => ecamBase, trace);
  const fw = fwType.post(io) as OvmfPostResult;
  return { machine, fw };
}

/** The config dwords the recorder read back (raw_cfg), read from the model after the boot. */
export function rawCfg(machine: Machine, fx: OvmfFixture): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const byBdf = new Map([...machine.pci.functions()].map((f) => [f.bdf, f]));
  for (const [bdf, regs] of Object.entries(fx.raw_cfg)) {
    const fn = byBdf.get(bdf);
    out[bdf] = {};
    for (const off of Object.keys(regs)) {
      // 0x04: the command register only (status bits are the device model's, not the firmware's).
      const v = fn === undefined ? -1 : off === '0x04' ? fn.get16(4) : fn.get32(Number(off));
      out[bdf]![off] = v < 0 ? 'missing' : `0x${v.toString(16).padStart(8, '0')}`;
    }
  }
  return out;
}

/** raw_cfg as recorded, with 0x04 reduced to the command register. */
export function recordedCfg(fx: OvmfFixture): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [bdf, regs] of Object.entries(fx.raw_cfg)) {
    out[bdf] = {};
    for (const [off, v] of Object.entries(regs)) out[bdf]![off] = off === '0x04' ? `0x${(Number(v) & 0xffff).toString(16).padStart(8, '0')}` : v;
  }
  return out;
}

export function bridgeState(machine: Machine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const w = (x: { base: number; limit: number }): OvmfWindow | null => (x.base > x.limit ? null : { base: `0x${x.base.toString(16)}`, limit: `0x${x.limit.toString(16)}` });
  for (const fn of machine.pci.functions()) {
    if (!(fn instanceof PciBridge)) continue;
    out[fn.bdf] = { secondary: fn.secondaryBus(), subordinate: fn.subordinateBus(), io: w(fn.ioWindow()), mem: w(fn.memWindow()), prefmem: w(fn.prefWindow()) };
  }
  return out;
}

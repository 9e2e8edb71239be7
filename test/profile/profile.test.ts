import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { cpuidOf, profileReport, resolveProfile } from '../../vmm/core/profile/index.js';

function spec(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.spec;
}

describe('machine profile', () => {
  it('defaults to QEMU 10.0, qemu64 (AMD, 40 bits) and the SeaBIOS Debian ships with that QEMU', () => {
    const p = resolveProfile(spec('machine: { type: q35 }'));
    expect(profileReport(p)).toEqual({
      qemu: '10.0', machine: 'pc-q35-10.0', cpu: { model: 'qemu64', vendor: 'amd', 'phys-bits': 40 }, firmware: { type: 'seabios', version: '1.16.3' },
    });
  });

  it('gives QEMU 7.2 the SeaBIOS of Debian 12', () => {
    const p = resolveProfile(spec('machine: { type: q35, qemu: "7.2" }'));
    expect(profileReport(p)).toEqual({
      qemu: '7.2', machine: 'pc-q35-7.2', cpu: { model: 'qemu64', vendor: 'amd', 'phys-bits': 40 }, firmware: { type: 'seabios', version: '1.16.2' },
    });
  });

  it('picks the firmware release by QEMU version unless the config names one', () => {
    expect(resolveProfile(spec('machine: { type: pc, qemu: "10.0" }')).firmware.version).toBe('1.16.3');
    expect(resolveProfile(spec('machine: { type: pc, qemu: 10.0 }\nfirmware: { version: 1.16.2 }')).firmware.version).toBe('1.16.2');
  });

  it('reads versioned machine type names as QEMU spells them', () => {
    const p = resolveProfile(spec('machine: { type: pc-i440fx-9.0, qemu: "10.0" }'));
    expect(p.machine).toEqual({ type: 'pc', version: '9.0' });
    expect(profileReport(p).machine).toBe('pc-i440fx-9.0');
  });

  it('lets overrides replace the QEMU version and the firmware', () => {
    const p = resolveProfile(spec('machine: { type: q35 }'), { qemu: '7.2' });
    expect([p.qemu, p.firmware.type, p.firmware.version]).toEqual(['7.2', 'seabios', '1.16.2']);
  });

  it('refuses an unknown firmware version with the known ones', () => {
    const r = parseConfig('machine: { type: q35 }\nfirmware: { version: "1.15.0" }\n', 'f.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual(["2:22: unknown seabios version '1.15.0' (known: 1.16.2, 1.16.3)"]);
  });
});

describe('CPUID as firmware reads it', () => {
  const text = (regs: readonly number[]): string => Buffer.from(new Uint32Array(regs).buffer).toString('latin1');
  it('spells the vendor in EBX, EDX, ECX of leaf 0', () => {
    const [, b, c, d] = cpuidOf({ model: 'qemu64', vendor: 'amd', physBits: 40 }, 0);
    expect(text([b, d, c])).toBe('AuthenticAMD');
    const [, b2, c2, d2] = cpuidOf({ model: 'host', vendor: 'intel', physBits: 39 }, 0);
    expect(text([b2, d2, c2])).toBe('GenuineIntel');
  });
  it('reports physical address bits in leaf 0x80000008 EAX[7:0]', () => {
    expect(cpuidOf({ model: 'host', vendor: 'intel', physBits: 39 }, 0x8000_0008)[0] & 0xff).toBe(39);
    expect(cpuidOf({ model: 'host', vendor: 'intel', physBits: 39 }, 0x8000_0000)[0]).toBe(0x8000_0008);
  });
  it('reports PAE and long mode, which SeaBIOS 1.16.3 requires before it reads the address width', () => {
    const cpu = { model: 'qemu64', vendor: 'amd', physBits: 40 } as const;
    expect(cpuidOf(cpu, 1)[3] & (1 << 6)).not.toBe(0);
    expect(cpuidOf(cpu, 0x8000_0001)[3] & (1 << 29)).not.toBe(0);
  });
  it("answers the hypervisor leaf with TCG's signature, as the recordings' QEMU does", () => {
    const [eax, b, c, d] = cpuidOf({ model: 'qemu64', vendor: 'amd', physBits: 40 }, 0x4000_0000);
    expect([eax, text([b, c, d])]).toEqual([0x4000_0001, 'TCGTCGTCGTCG']);
  });
});

describe('e820 by vCPU vendor', () => {
  it('reserves the HyperTransport hole below 1 TiB only for an AMD vCPU (QEMU pc_memory_init)', () => {
    const amd = bootSpec(spec('machine: { type: q35, memory: 1G }')).report.e820;
    const intel = bootSpec(spec('machine: { type: q35, memory: 1G, cpu: { vendor: intel, phys-bits: 39 } }')).report.e820;
    expect(amd.at(-1)).toEqual({ start: '0xfd00000000', end: '0x10000000000', type: 'reserved' });
    expect(intel.some((e) => e.start === '0xfd00000000')).toBe(false);
    expect(intel.length).toBe(amd.length - 1);
  });
  it('states the resolved profile in the report', () => {
    const r = bootSpec(spec('machine: { type: pc, cpu: { vendor: intel, phys-bits: 39 } }')).report;
    expect(r.profile).toEqual({ qemu: '10.0', machine: 'pc-i440fx-10.0', cpu: { model: 'qemu64', vendor: 'intel', 'phys-bits': 39 }, firmware: { type: 'seabios', version: '1.16.3' } });
  });
});

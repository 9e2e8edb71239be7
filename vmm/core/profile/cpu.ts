/**
 * The guest's vCPU as firmware sees it through CPUID. QEMU's default CPU model `qemu64` is AuthenticAMD with
 * 40 physical address bits (target/i386/cpu.c builtin_x86_defs "qemu64"; TCG default phys-bits 40); `-cpu host`
 * on an Intel host reports the host's vendor and (with host-phys-bits) its width, commonly 39 or 46.
 */
export type CpuVendor = 'amd' | 'intel';

export interface CpuProfile {
  /** QEMU's -cpu model name the profile stands for. */
  readonly model: string;
  readonly vendor: CpuVendor;
  /** CPUID 0x80000008 EAX[7:0]. */
  readonly physBits: number;
}

export const DEFAULT_CPU: CpuProfile = { model: 'qemu64', vendor: 'amd', physBits: 40 };

/** CPUID vendor strings as EBX, EDX, ECX of leaf 0 spell them. */
const VENDOR_REGS: Readonly<Record<CpuVendor, readonly [number, number, number]>> = {
  amd: [0x6874_7541, 0x6974_6e65, 0x444d_4163], // "Auth" "enti" "cAMD"
  intel: [0x756e_6547, 0x4965_6e69, 0x6c65_746e], // "Genu" "ineI" "ntel"
};

/** CPUID.1:EDX.PAE[6] and CPUID.80000001h:EDX.LM[29]: every x86-64 model QEMU offers sets both. */
const CPUID_1_EDX_PAE = 1 << 6;
const CPUID_80000001_EDX_LM = 1 << 29;
/** "TCGTCGTCGTCG" as EBX, ECX, EDX of leaf 0x40000000. */
const TCG_SIGNATURE: readonly [number, number, number] = [0x5447_4354, 0x4354_4743, 0x4743_5447];

/**
 * CPUID for firmware: leaf 0 (max leaf, vendor), 1 (PAE), 0x40000000 (the hypervisor signature QEMU's TCG
 * exposes: target/i386/cpu.c cpu_x86_cpuid, expose-tcg on by default — the recordings are TCG), 0x80000000
 * (max extended leaf), 0x80000001 (long mode, 1 GiB pages) and 0x80000008 (address sizes); every other leaf reads
 * as zeros, which firmware treats as "not reported".
 */
export function cpuidOf(cpu: CpuProfile, leaf: number): readonly [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0: {
      const [b, d, c] = VENDOR_REGS[cpu.vendor];
      return [0xd, b, c, d];
    }
    case 1:
      return [0, 0, 0, CPUID_1_EDX_PAE];
    case 0x4000_0000: {
      const [b, c, d] = TCG_SIGNATURE;
      return [0x4000_0001, b, c, d];
    }
    case 0x8000_0000:
      return [0x8000_0008, 0, 0, 0];
    case 0x8000_0001:
      // EDX bit 26 pdpe1gb (1 GiB pages): `-cpu host` passes the host's through (every 2026 host has it); qemu64
      // lacks it (target/i386/cpu.c). OVMF's PlatformAddressWidthFromCpuid caps phys-bits at 40 without it.
      return [0, 0, 0, CPUID_80000001_EDX_LM | (cpu.model === 'qemu64' ? 0 : 1 << 26)];
    case 0x8000_0008:
      return [(cpu.physBits & 0xff) | (48 << 8), 0, 0, 0];
    default:
      return [0, 0, 0, 0];
  }
}

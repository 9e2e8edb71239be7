import { describe, expect, it } from 'vitest';
import { specOf } from './helpers.js';
import { bootOvmf, bridgeState } from './ovmf-helpers.js';

/** A q35 machine with one hot-plug root port holding a 64-bit prefetchable BAR device, under OVMF `version`. */
function machine(version: string, cpu: string, memory = '4G'): string {
  return `machine: { type: q35, memory: ${memory}, qemu: "${version === '2022.11' ? '7.2' : '10.0'}", cpu: ${cpu} }
firmware: { type: ovmf, version: "${version}" }
devices:
  - model: pcie-root-port
    id: rp
    addr: "04.0"
    props: { chassis: 1, slot: 1 }
  - model: virtio-rng-pci
    addr: "05.0"
`;
}

const apertures = (yaml: string): unknown => bootOvmf(specOf(yaml)).fw.ovmf.apertures;

describe('OVMF PlatformInitLib: the 64-bit aperture from the vCPU', () => {
  it('AMD qemu64 (40 bits, trusted): the top eighth of 1 TiB, 0xe000000000 on 2022.11', () => {
    expect(apertures(machine('2022.11', '{ model: qemu64, vendor: amd, phys-bits: 40 }'))).toEqual({ io: [0x6000, 0xffff], mem32: [0xc000_0000, 0xfbff_ffff], mem64: [0xe0_0000_0000, 0xff_ffff_ffff] });
  });

  it('2025.02 moves it below the reserved HyperTransport hole QEMU declares for an AMD vCPU', () => {
    expect(apertures(machine('2025.02', '{ model: qemu64, vendor: amd, phys-bits: 40 }'))).toEqual({ io: [0x6000, 0xffff], mem32: [0x8000_0000, 0xdfff_ffff], mem64: [0xc0_0000_0000, 0xdf_ffff_ffff] });
  });

  it('an Intel vCPU at 40 bits is not trusted: the classic 32 GiB aperture at 32 GiB, and no prefetchable bridge padding', () => {
    const yaml = machine('2025.02', '{ model: qemu64, vendor: intel, phys-bits: 40 }');
    expect((apertures(yaml) as { mem64: unknown }).mem64).toEqual([0x8_0000_0000, 0xf_ffff_ffff]);
    const br = bridgeState(bootOvmf(specOf(yaml)).machine)['00:04.0'] as { prefmem: unknown; mem: unknown; io: unknown };
    expect(br).toMatchObject({ io: null, mem: { base: '0x80000000', limit: '0x801fffff' }, prefmem: null });
  });

  it('an Intel host CPU at 39 bits is trusted: 64 GiB at the top of 512 GiB, bridges get 256 MiB prefetchable', () => {
    const yaml = machine('2025.02', '{ model: host, vendor: intel, phys-bits: 39 }');
    expect((apertures(yaml) as { mem64: unknown }).mem64).toEqual([0x70_0000_0000, 0x7f_ffff_ffff]);
    expect(bridgeState(bootOvmf(specOf(yaml)).machine)['00:04.0']).toMatchObject({ prefmem: { base: '0x7000000000', limit: '0x700fffffff' } });
  });

  it('a 46-bit host CPU with 1 GiB pages: 8 TiB at the top of 64 TiB', () => {
    expect((apertures(machine('2025.02', '{ model: host, vendor: intel, phys-bits: 46 }')) as { mem64: unknown }).mem64).toEqual([0x3800_0000_0000, 0x3fff_ffff_ffff]);
  });

  it('pc: the 32-bit aperture starts at Uc32Base, the power-of-two truncation of [low RAM, 4 GiB)', () => {
    const pc = (mem: string): unknown => (bootOvmf(specOf(`machine: { type: pc, memory: ${mem}, qemu: "7.2" }\nfirmware: { type: ovmf }\ndevices: []\n`)).fw.ovmf.apertures as { mem32: unknown }).mem32;
    expect([pc('512M'), pc('2G'), pc('3G')]).toEqual([[0x8000_0000, 0xfbff_ffff], [0x8000_0000, 0xfbff_ffff], [0xc000_0000, 0xfbff_ffff]]);
  });
});

describe('OVMF aperture overflow', () => {
  // 9 × 256 MiB VGA BAR0 + 10 × 4 KiB + the 64 KiB ROM window = 0x9001a000, rounded to the root node's 1 MiB.
  it('says so when the 32-bit resources do not fit (allocation retry is not modelled)', () => {
    const devs = Array.from({ length: 9 }, (_, i) => `  - model: VGA\n    addr: "${(i + 3).toString(16).padStart(2, '0')}.0"\n    props: { vgamem_mb: 256 }\n`).join('');
    const { fw } = bootOvmf(specOf(`machine: { type: q35, memory: 1G, qemu: "7.2" }\nfirmware: { type: ovmf }\ndevices:\n${devs}`));
    expect(fw.ovmf.notes).toEqual(["PCI: the 32-bit MMIO resources (0x90100000 bytes) overflow OVMF's aperture [0xc0000000, 0xfc000000): real OVMF would drop devices"]);
  });
});

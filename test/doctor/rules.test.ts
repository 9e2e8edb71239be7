import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DoctorContext, DoctorFacts } from '../../vmm/frontends/doctor/types.js';
import { gen11Firmware, iommuWidth, placement } from '../../vmm/frontends/doctor/rules.js';
import { finding, findings, igdMachine, spec } from './helpers.js';

describe('doctor: will QEMU start', () => {
  it('x-igd-lpc=on on q35: QEMU refuses, with its message, and the fix names the machine type', () => {
    expect(finding(igdMachine('q35', 'skl', ', x-igd-lpc: on'), 'qemu-refuses')).toEqual({
      id: 'qemu-refuses', severity: 'fail',
      title: 'QEMU refuses to start: vfio 0000:00:02.0: Cannot create LPC bridge due to existing device at 1f.0',
      cause: "vfio-pci's realize fails with this error outside automatic legacy mode, so QEMU 10.0 exits before the guest runs",
      fix: 'x-igd-lpc=on needs an i440fx machine (machine.type: pc): on q35 00:1f.0 is the ICH9 LPC. Use pc, or drop x-igd-lpc',
    });
  });

  it('x-igd-legacy-mode=on on q35: QEMU refuses; the fix offers pc or UPT mode', () => {
    const f = finding(igdMachine('q35', 'skl', ', x-igd-legacy-mode: "on"'), 'qemu-refuses');
    expect(f?.title).toBe("QEMU refuses to start: vfio 0000:00:02.0: Machine is not i440fx, assigned BDF is not 00:02.0, or device 1912 (gen 9) doesn't support legacy mode");
    expect(f?.fix).toBe('x-igd-legacy-mode=on needs pc (i440fx), the IGD at 00:02.0 and a gen 6..9 IGD: switch to machine pc, or use x-igd-legacy-mode=off (UPT) on q35');
  });

  it('automatic legacy mode without a ROM only skips IGD setup: QEMU starts', () => {
    const fs = findings(igdMachine('pc', 'skl', ', rombar: 0, romfile: ""'));
    expect(fs.find((f) => f.id === 'qemu-refuses')).toBeUndefined();
    expect(fs.find((f) => f.id === 'igd-mode')?.cause).toMatch(/^not legacy mode: automatic legacy mode failed \(Device has no ROM\): QEMU skips the rest of the IGD setup;/);
  });

  it('a firmware panic is a failure with the firmware message (recorded io-panic-pc)', () => {
    // the recording states its QEMU (7.2) and SeaBIOS (1.16.2) itself
    const yaml = readFileSync(fileURLToPath(new URL('../firmware/recorded/io-panic-pc.yaml', import.meta.url)), 'utf8');
    // SeaBIOS's own last words in the recording (its panic message ends the debug log)
    const log = readFileSync(fileURLToPath(new URL('../firmware/recorded/io-panic-pc.seabios.log', import.meta.url)), 'utf8').trimEnd().split('\n');
    const f = finding(yaml, 'firmware-panic');
    expect(f?.severity).toBe('fail');
    expect(f?.title).toBe(`the firmware stops: ${log[log.length - 1]}`);
  });
});

describe('doctor: the IGD', () => {
  it('legacy mode and why, with the fw_cfg files and their sizes', () => {
    expect(finding(igdMachine('pc', 'skl'), 'igd-mode')).toEqual({
      id: 'igd-mode', severity: 'info', title: 'IGD legacy mode — skl, gen 9, QEMU behaviour 10.0',
      cause: 'legacy mode: auto: gen 9 VGA-class IGD at 00:02.0 on i440fx; fw_cfg: etc/igd-bdsm-size (8 bytes), etc/igd-opregion (8192 bytes)',
      fix: null,
    });
  });

  it('q35: not legacy mode because 00:1f.0 is the ICH9 LPC', () => {
    expect(finding(igdMachine('q35', 'skl'), 'igd-mode')?.cause).toMatch(/^not legacy mode: on q35 00:1f\.0 holds the ICH9 LPC/);
  });

  it('what the guest reads at 0x50/0x5C/0xC0/0xFC, the BAR0 mirrors, and where DSM and OpRegion sit in the e820 map', () => {
    expect(finding(igdMachine('pc', 'skl'), 'igd-placement')).toEqual({
      id: 'igd-placement', severity: 'info',
      title: 'DSM: 0xbaf00000 +0x4000000 (reserved); OpRegion: 0xbfffe000 +0x2000 (reserved)',
      cause: 'the guest reads GGC 0x2c0 at 0x50, BDSM 0xbaf00000 at 0x5C, 0x0 at 0xC0, ASLS 0xbfffe000 at 0xFC; BAR0 mirrors GGC 0x2c0 (+0x108040), BDSM 0xbaf00000 (+0x1080C0); host BDSM 0x8b800000',
      fix: null,
    });
  });

  it('q35 hazard: the host PCH IDs are missing at 00:1f.0, with the fix', () => {
    expect(finding(igdMachine('q35', 'skl'), 'igd-lpc-ids-missing')).toEqual({
      id: 'igd-lpc-ids-missing', severity: 'warn', title: "00:1f.0 does not carry the host PCH's IDs",
      cause: '00:1f.0 holds ICH9-LPC (8086:2918), not the host PCH (8086:a146): the vBIOS, GOP and Windows driver check these IDs',
      fix: 'use machine pc with x-igd-lpc=on (or legacy mode) so QEMU copies the host PCH IDs to 00:1f.0',
    });
  });

  it('no OpRegion: the hazard and the predicted guest message', () => {
    // q35: no legacy mode, so x-igd-opregion=off really leaves the guest without one (legacy mode forces it on).
    // QEMU 10.0 then does not emulate ASLS: the guest reads the host's OpRegion address, which is not guest memory.
    const fs = findings(igdMachine('q35', 'skl').replace('x-igd-opregion: on', 'x-igd-opregion: off'));
    expect(fs.find((f) => f.id === 'igd-host-asls-visible')?.fix).toBe('add x-igd-opregion=on to the vfio-pci device (QEMU < 10.1 defaults it off): QEMU then emulates ASLS and points it at its copy');
    expect(fs.find((f) => f.id === 'guest-no-vbt')).toEqual({
      id: 'guest-no-vbt', severity: 'warn', title: 'i915 runs without the VBT (no OpRegion)',
      cause: "ASLS reads the host's OpRegion address 0x8a3fe018, not a copy in guest memory, so the driver finds no OpRegion mailbox with the VBT: outputs and panel timings are guessed",
      fix: 'add x-igd-opregion=on to the vfio-pci device (QEMU < 10.1 defaults it off)',
    });
  });

  it('gen 12 on SeaBIOS: no boot display (use OVMF + GOP) and i915\'s stolen-reserved message', () => {
    const fs = findings(igdMachine('q35', 'tgl'));
    expect(fs.find((f) => f.id === 'gen11-needs-ovmf')).toEqual({
      id: 'gen11-needs-ovmf', severity: 'warn', title: 'no boot display: gen 12 has no legacy video BIOS',
      cause: 'Intel ships no legacy VBIOS for gen 11+; pre-OS display comes only from the UEFI GOP, which SeaBIOS cannot run',
      fix: 'use OVMF (firmware.type: ovmf, Proxmox bios: ovmf) with romfile= an image holding IntelGopDriver + IgdAssignmentDxe (VfioIgdPkg)',
    });
    expect(fs.find((f) => f.id === 'guest-stolen-reserved')?.title).toBe('i915: "Stolen reserved area [...] outside stolen memory, disabling use of stolen memory"');
    expect(fs.some((f) => f.id === 'igd-gen11-stolen-reserved')).toBe(false); // reported once, as the guest message
  });

  it('stolen memory in a fake BAR: i915 "conflict detected with stolen region" and the BAR-move hazard', () => {
    // QEMU 10.0 boots SeaBIOS 1.16.3: with RAM above 4 GiB the IGD's 64-bit BARs go high, so the fake LPC BAR is alone in the 32-bit window
    const fs = findings(igdMachine('q35', 'skl'), { strategy: 'lpc-bars' });
    expect(fs.find((f) => f.id === 'guest-stolen-conflict')).toEqual({
      id: 'guest-stolen-conflict', severity: 'warn', title: 'i915: "conflict detected with stolen region"',
      cause: 'the DSM at 0xf8000000 lies in bar (00:1f.0 BAR0), a range the kernel already assigned, so i915 cannot claim it and disables stolen memory',
      fix: 'place stolen memory in reserved RAM (e820-reserved / uefi-reserved)',
    });
    expect(fs.find((f) => f.id === 'igd-fake-bar-moves')?.title).toBe('stolen memory sits in a BAR the guest may move');
  });

  it('OVMF without a romfile: IgdAssignmentDxe never runs (rule over the facts)', () => {
    const s = spec(igdMachine('q35', 'tgl'));
    const facts = { firmware: 'ovmf 2025.02', igd: { generation: 12 } } as unknown as DoctorFacts;
    expect(gen11Firmware({ spec: s, facts } as DoctorContext)).toEqual([{
      id: 'ovmf-no-igd-rom', severity: 'warn', title: 'OVMF will not set up the IGD: no romfile',
      cause: "IgdAssignmentDxe runs only from the device's option ROM, so nothing reserves stolen memory or writes BDSM/ASLS",
      fix: 'add romfile= a ROM built from VfioIgdPkg (IgdAssignmentDxe, plus IntelGopDriver for a boot display)',
    }]);
  });

  it('stolen memory inside guest RAM is a failure (rule over the facts)', () => {
    const igd = { dsm: { base: '0x8b800000', size: '0x4000000', memoryMap: 'ram' }, opregion: null, guestReads: { '0x50': '0x2c0', '0x5c': '0x8b800000', '0xc0': '0x0', '0xfc': '0x0' }, mirrors: { ggc: '0x2c0', bdsm: '0x8b800000' }, hostBdsm: '0x8b800000' };
    const out = placement({ facts: { igd } } as unknown as DoctorContext);
    expect(out[1]).toEqual({
      id: 'dsm-in-ram', severity: 'fail', title: 'stolen memory overlaps guest RAM',
      cause: 'BDSM points into memory the e820 map gives the guest OS as RAM: the OS allocates it while the GPU scans it out',
      fix: 'let the firmware reserve stolen memory (strategy e820-reserved with SeaBIOS, uefi-reserved with OVMF)',
    });
  });
});

describe('doctor: DMA and the IOMMU', () => {
  it('DMAR faults: the first DMAR line, the range, and the fix', () => {
    const f = finding(igdMachine('q35', 'skl'), 'iommu-faults', { strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(f).toEqual({
      id: 'iommu-faults', severity: 'fail',
      title: '768 DMAR fault(s): DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set',
      cause: '00:02.0 reads 0x8b800000..0x8baff000, which the VFIO domain does not map (guest RAM and VMM memory only): its GTT holds addresses that are not the guest\'s stolen memory',
      fix: 'make BDSM point at guest stolen memory before the vBIOS programs the GTT (a strategy that reserves it: e820-reserved / uefi-reserved), and do not use a vBIOS image that caches the host BDSM',
    });
  });

  it('silent corruption when the host BDSM is guest RAM (pc, 3 GiB below 4G)', () => {
    expect(finding(igdMachine('pc', 'skl'), 'dma-corruption', { strategy: 'none', vbios: 'cached-host-bdsm' })?.title).toBe(
      'silent DMA into guest RAM the device was never given: 00:02.0 read 0x8b800000..0x8bb00000',
    );
  });

  it('64-bit BARs above the host IOMMU width: VFIO_MAP_DMA -22 and host-phys-bits-limit as the fix', () => {
    const f = finding(`machine: { type: q35, qemu: "7.2", memory: 4G, cpu: { vendor: intel, phys-bits: 39 } }
host: { iommu-width: 33 }
devices:
  - { model: pci-testdev, props: { membar: 8G } }
`, 'bar-above-iommu-width');
    expect(f).toEqual({
      id: 'bar-above-iommu-width', severity: 'fail',
      title: "VFIO_MAP_DMA fails (-22): guest mappings reach 0x400000000, above the host IOMMU's 33-bit limit",
      cause: 'the firmware placed memory up to 0x400000000 for a vCPU with 39 physical address bits; the host IOMMU translates only below 0x200000000',
      fix: "-cpu host,host-phys-bits-limit=33 (machine.cpu.phys-bits: 33; libvirt <maxphysaddr mode='passthrough' limit='33'/>; Proxmox cpu: host,phys-bits=33)",
    });
  });

  it('a machine with nothing wrong has no failure', () => {
    expect(findings(igdMachine('pc', 'skl')).filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('unknown host IOMMU width with mappings above 2^39: asks for host.iommu-width (rule over the facts)', () => {
    const facts = { topOfMappings: '0x8000100000', hostIommuWidth: null, igd: {}, cpu: { vendor: 'intel', physBits: 46 } } as unknown as DoctorFacts;
    expect(iommuWidth({ facts } as DoctorContext)).toEqual([{
      id: 'iommu-width-unknown', severity: 'info', title: 'guest mappings reach 0x8000100000; the host IOMMU width is not known',
      cause: 'many client IOMMUs are 39 bits wide: anything above 2^39 cannot be mapped (VFIO_MAP_DMA -22)',
      fix: 'add host.iommu-width (vfio-sim host import --dmar "$(dmesg | grep DMAR)")',
    }]);
  });
});

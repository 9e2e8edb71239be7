import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { specOf } from './helpers.js';

const DRIVERS = 'IgdAssignmentDxe,PlatformGopPolicy,IntelGopDriver';

function tgl(firmware: string, props = `{ romfile-drivers: "${DRIVERS}" }`): string {
  return `machine: { type: q35, memory: 4G, qemu: "10.1" }
host: { igd: { generation: tgl } }
devices:
  - model: vfio-igd
    props: ${props}
firmware: ${firmware}
`;
}

// Config space through the ECAM the firmware programmed: OVMF 2025.02 (QEMU 10.x) at 0xE0000000, SeaBIOS at 0xB0000000.
const cfg = (r: ReturnType<typeof bootSpec>, bdf: number, off: number, ecam = 0xe000_0000): number => r.machine.cpu.readMem(ecam + bdf * 4096 + off, 4) >>> 0;

describe('OVMF + VfioIgdPkg IgdAssignmentDxe (uefi-reserved)', () => {
  it('allocates the OpRegion in ACPI NVS and the DSM in reserved memory top-down below the free top, DSM 1 MiB aligned', () => {
    const r = bootSpec(specOf(tgl('{ type: ovmf, igd-strategy: uefi-reserved }')));
    // QEMU 10.1 (etc/igd-opregion by default, 0xC0 emulated) with its OVMF 2025.02, q35 4G: top of low RAM 0x80000000,
    // DXE free memory ends 0x16c1000 below it (0x7e93f000): OpRegion 2 pages below that, the DSM (+ 255 pages of
    // alignment slack) below the OpRegion, aligned up to 1 MiB.
    const asls = cfg(r, 0x10, 0xfc);
    expect(asls).toBe(0x7e93_d000);
    expect([cfg(r, 0x10, 0xc0), cfg(r, 0x10, 0xc4)]).toEqual([0x7ad0_0000, 0]);
    expect(r.report.e820).toContainEqual({ start: '0x7e93d000', end: '0x7e93f000', type: 'nvs' });
    expect(r.report.e820).toContainEqual({ start: '0x7ad00000', end: '0x7e900000', type: 'reserved' });
  });

  it('prints its log lines (OpRegion, then stolen memory with the 64-bit register)', () => {
    const r = bootSpec(specOf(tgl('{ type: ovmf, igd-strategy: uefi-reserved }')));
    expect(r.firmware.log).toBe(
      'SetupOpRegion: 0000:00:02.0: OpRegion @ 0x7e93d000 size 0x2000 version 2.0.0\n' +
        'SetupStolenMemory: 0000:00:02.0: stolen memory @ 0x7ad00000, size 60 MB\n' +
        // then, at BDS, the romfile's GOP (IntelGopDriver) on the stolen memory IgdAssignmentDxe set up
        'IntelGopDriver: mode 0x400x0x300 at GTT 0, stolen base 0x7ad00000\n',
    );
  });

  it('does nothing without IgdAssignmentDxe in the romfile, and says so', () => {
    const r = bootSpec(specOf(tgl('{ type: ovmf, igd-strategy: uefi-reserved }', '{}')));
    expect([cfg(r, 0x10, 0xfc), cfg(r, 0x10, 0xc0)]).toEqual([0, 0]);
    expect(r.report.events).toContainEqual({ source: 'firmware', kind: 'ovmf', message: 'no IgdAssignmentDxe in romfile: nothing allocates stolen memory' });
  });

  it('is a config error with SeaBIOS, saying why', () => {
    const res = parseConfig(tgl('{ type: seabios, igd-strategy: uefi-reserved }'), 'x.yaml');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.map((e) => e.message)).toEqual([
      "firmware.igd-strategy: uefi-reserved is VfioIgdPkg's IgdAssignmentDxe, a UEFI driver OVMF loads from the IGD's romfile: it needs firmware.type ovmf (SeaBIOS only runs intel_igd_setup: e820-reserved)",
    ]);
  });

  it('chosen on the command line under SeaBIOS it runs nothing and reports an error event', () => {
    const r = bootSpec(specOf(tgl('{ type: seabios }')), { strategy: 'uefi-reserved' });
    expect(cfg(r, 0x10, 0xc0, 0xb000_0000)).toBe(0);
    expect(r.report.events.filter((e) => e.kind === 'error').map((e) => e.message)).toEqual([
      "igd-strategy uefi-reserved needs firmware.type ovmf: it is VfioIgdPkg's IgdAssignmentDxe, a UEFI driver OVMF loads from the IGD's romfile; SeaBIOS only runs intel_igd_setup",
    ]);
  });
});

describe("IgdAssignmentDxe's device table (VfioIgdPkg IgdPrivate.c)", () => {
  const machine = (host: string): string => `machine: { type: q35, memory: 4G, qemu: "10.1" }
host: { igd: ${host} }
devices:
  - model: vfio-igd
    props: { romfile-drivers: "${DRIVERS}" }
firmware: { type: ovmf, igd-strategy: uefi-reserved }
`;

  it('sets up only the OpRegion on Meteor Lake (NullPrivate: its DSM lives in LMEMBAR)', () => {
    const r = bootSpec(specOf(machine('{ generation: mtl }')));
    expect(r.firmware.log).toMatch(/SetupOpRegion: 0000:00:02\.0: OpRegion @ 0x[0-9a-f]+ size 0x2000/);
    expect(r.firmware.log).not.toContain('SetupStolenMemory');
    expect([cfg(r, 0x10, 0xc0), cfg(r, 0x10, 0xc4)]).toEqual([0, 0]);
    expect(r.report.e820.filter((e) => e.type === 'reserved' && Number(e.end) - Number(e.start) >= 32 * 2 ** 20 && Number(e.end) <= 2 ** 32 && Number(e.start) < 0x8000_0000)).toEqual([]);
  });

  it('sizes a Broadwell DSM as Gen8StolenSize does and writes it 32-bit at 0x5C', () => {
    const r = bootSpec(specOf(machine('{ generation: bdw }')));
    const m = /SetupStolenMemory: 0000:00:02\.0: stolen memory @ 0x([0-9a-f]+), size (\d+) MB/.exec(r.firmware.log);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBe(64);
    expect(cfg(r, 0x10, 0x5c)).toBe(parseInt(m![1]!, 16));
  });
});

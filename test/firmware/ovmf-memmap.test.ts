import { describe, expect, it } from 'vitest';

import { bootOvmf, loadMemmap, loadOvmfCase, ovmfCases, type MemmapFixture } from './ovmf-helpers.js';

const RAM_TYPES = new Set(['Available', 'LoaderCode', 'LoaderData', 'BootServiceCode', 'BootServiceData']);
const E820_OF: Record<string, string> = { ACPIReclaimMemory: 'acpi', ACPIMemoryNVS: 'nvs' };

/** Linux's setup_e820 applied to the recorded UEFI map (the recorder's README states the same rules). */
function recordedE820(m: MemmapFixture): { start: string; end: string; type: string }[] {
  const out: { start: number; end: number; type: string }[] = [];
  const entries = m.memmap.map((e) => ({ start: Number(e.start), end: Number(e.end) + 1, type: RAM_TYPES.has(e.type) ? 'ram' : E820_OF[e.type] ?? 'reserved' }));
  for (const e of entries.sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last !== undefined && last.type === e.type && last.end === e.start) last.end = e.end;
    else out.push({ ...e });
  }
  return out.map((e) => ({ start: `0x${e.start.toString(16)}`, end: `0x${e.end.toString(16)}`, type: e.type }));
}

/** The firmware-owned descriptors (everything but RAM-class types), as the Shell names them. */
function recordedFirmwareRanges(m: MemmapFixture): string[] {
  return m.memmap.filter((e) => !RAM_TYPES.has(e.type)).map((e) => `${e.type} ${e.start}-${e.end}`).sort();
}

for (const version of ['2022.11', '2025.02']) {
  const withMap = ovmfCases(version).filter((n) => loadMemmap(version, n) !== undefined);
  describe(`OVMF ${version}: the memory map the guest gets`, () => {
    it('has the 6 recorded memory maps', () => expect(withMap).toEqual(['case-5011', 'case-5012', 'case-5017', 'case-5020', 'case-5023', 'case-5029']));
    for (const name of withMap) {
      const { spec } = loadOvmfCase(version, name);
      const m = loadMemmap(version, name)!;
      it(`${name}: the Linux-derived e820 equals the one from the recorded UEFI map`, () => {
        const { fw } = bootOvmf(spec);
        expect(fw.e820.map((e) => ({ start: `0x${e.start.toString(16)}`, end: `0x${e.end.toString(16)}`, type: e.type }))).toEqual(recordedE820(m));
      });
      it(`${name}: runtime, ACPI, reserved and MMIO descriptors are exactly the recorded ones`, () => {
        const { fw } = bootOvmf(spec);
        const names: Record<string, string> = { Conventional: 'Available' };
        const mine = fw.ovmf.uefiMap.filter((r) => r.type !== 'Conventional').map((r) => `${names[r.type] ?? r.type} 0x${r.start.toString(16)}-0x${r.end.toString(16)}`);
        expect(mine.sort()).toEqual(recordedFirmwareRanges(m));
      });
    }
  });
}

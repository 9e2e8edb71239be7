import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../vmm/frontends/doctor/index.js';
import { hostYaml, importHost } from '../../vmm/frontends/import/host.js';
import { importText } from '../../vmm/frontends/import/index.js';
import { loadImported } from '../import/helpers.js';

const fx = (n: string): string => readFileSync(fileURLToPath(new URL(`../import/fixtures/${n}`, import.meta.url)), 'utf8');
const skl = hostYaml(importHost({ config: fx('host/skl-hd530.lspci'), dmar: 39 }), 'skl-hd530.lspci');

describe('doctor on imported VMs (import → host import → doctor)', () => {
  it('the Proxmox legacy-igd VM on a Skylake host boots in legacy mode with DSM and OpRegion reserved', () => {
    // QEMU 10.0 (runs the VM's pc-i440fx-9.0): the vBIOS reads the guest BDSM and programs the GTT itself
    const spec = loadImported(importText(fx('pve-legacy-igd.conf'), { qemu: '10.0' }), skl);
    const d = runDoctor(spec).doctor;
    expect(d.verdict).toBe('ok');
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['igd-mode', 'info'], ['igd-placement', 'info']]);
    expect(d.facts.igd?.modeReason).toBe('legacy mode: auto: gen 9 VGA-class IGD at 00:02.0 on i440fx');
    expect(d.facts.hostIommuWidth).toBe(39);
    expect(d.facts.igd?.dsm.memoryMap).toBe('reserved');
    // QEMU ≤ 9.x still has the BAR4 GTT quirk: it relocates the vBIOS's already-guest PTEs a second time (DMAR faults)
    const old = runDoctor(loadImported(importText(fx('pve-legacy-igd.conf'), { qemu: '7.2' }), skl)).doctor;
    expect(old.verdict).toBe('fails');
    expect(old.findings[0]?.id).toBe('iommu-faults');
  });

  it('the UPT q35 command line with x-igd-gms=1: the guest announces 32 MiB, the host BIOS set 64 MiB', () => {
    // the command line's QEMU (10.0): x-igd-gms sets the guest GMS (QEMU ≤ 9.1 in UPT mode would leave GMCH alone)
    const spec = loadImported(importText(fx('igd-q35-upt.sh'), { qemu: '10.0' }), skl);
    const f = runDoctor(spec).doctor.findings.find((x) => x.id === 'igd-stolen-size-mismatch');
    expect(f).toEqual({
      id: 'igd-stolen-size-mismatch', severity: 'warn', title: "the guest's stolen size differs from the host BIOS's",
      cause: "the guest's 32 MiB of stolen memory differs from the host BIOS's 64 MiB: the Windows driver crashes when they differ",
      fix: 'keep the guest GMS equal to the host BIOS value: drop x-igd-gms, or set the BIOS "DVMT pre-allocated" to the size you need',
    });
  });
});

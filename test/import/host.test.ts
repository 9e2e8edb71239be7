import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildOpRegion, resolveHostIgd } from '../../devices/igd/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { decodeStolenReserved, hostYaml, importHost, lspciBytes, opregionFacts } from '../../vmm/frontends/import/host.js';
import { ImportError } from '../../vmm/frontends/import/index.js';
import { runCli } from '../cli/run-cli.js';

const path = (n: string): string => fileURLToPath(new URL(`fixtures/host/${n}`, import.meta.url));
const text = (n: string): string => readFileSync(path(n), 'utf8');

describe('host import', () => {
  it('Skylake HD 530 from lspci -xxxx, /proc/iomem and dmesg: GGC, GMS, GGMS, BDSM (lock bit dropped), ASLS, DMAR width', () => {
    const h = importHost({ config: text('skl-hd530.lspci'), iomem: text('skl-hd530.iomem'), dmar: text('skl-hd530.dmesg') });
    expect(h).toEqual({
      deviceId: 0x1912, revision: 6, classCode: 0x0300, platform: 'Skylake', gen: 9, name: 'skl',
      gmch: 0x02c0, gms: 2, ggms: 3, dsmSize: 64 * 2 ** 20, gsmSize: 8 * 2 ** 20, bdsm: 0x8b80_0000, asls: 0x8a6b_4018,
      iommuWidth: 39, findings: [],
    });
  });

  it('Tiger Lake reads the 64-bit BDSM at 0xC0 and decodes STOLEN_RESERVED as i915 does', () => {
    const h = importHost({ config: text('tgl-irisxe.lspci'), iomem: text('tgl-irisxe.iomem'), dmar: 39, stolenReservedReg: 0x5020_0087n });
    expect([h.name, h.gen, h.gms, h.dsmSize, h.bdsm, h.stolenReserved, h.findings]).toEqual([
      'tgl', 12, 0xfe, 60 * 2 ** 20, 0x4c80_0000, { base: 0x5020_0000, size: 2 * 2 ** 20 }, [],
    ]);
  });

  it('the sysfs config file (binary) gives the same fields as lspci text', () => {
    const h = importHost({ config: new Uint8Array(readFileSync(path('snb-hd2000.config'))) });
    expect([h.platform, h.gen, h.gmch, h.gms, h.ggms, h.dsmSize, h.gsmSize, h.bdsm]).toEqual(['Sandy Bridge', 6, 0x0211, 2, 2, 64 * 2 ** 20, 2 * 2 ** 20, 0xab80_0000]);
  });

  it('the written section is a valid config host section', () => {
    const h = importHost({ config: text('tgl-irisxe.lspci'), dmar: 39, stolenReservedReg: 0x5020_0087n });
    const yaml = hostYaml(h, 'tgl.lspci');
    expect(yaml.split('\n').slice(1, 8)).toEqual([
      'host:',
      '  igd:',
      '    generation: tgl             # Tiger Lake, gen 12',
      '    device-id: 0x9a49',
      '    gmch: 0xfec0                # GGC at 0x50: GMS 0xfe = 60 MiB of DSM, GGMS 3 = 8 MiB of GTT',
      '    bdsm: 0x4c800000            # BDSM at 0xc0 (64-bit); host OpRegion (ASLS 0xfc) at 0x4a4b5018',
      '    stolen-reserved: { base: 0x50200000, size: 2M }   # STOLEN_RESERVED (BAR0 0x1082c0)',
    ]);
    const r = parseConfig(`machine: { type: q35, qemu: "10.0" }\n${yaml}devices:\n  - model: vfio-igd\n`, 'x.yaml');
    expect(r.ok && r.spec.host).toEqual({
      igd: { generation: 12, generationName: 'tgl', deviceId: 0x9a49, gms: 0xfe, gmch: 0xfec0, ggms: 3, bdsm: 0x4c80_0000, stolenReserved: { base: 0x5020_0000, size: 0x20_0000 } },
      iommuWidth: 39,
    });
  });

  it('warns when /proc/iomem disagrees with BDSM and GMS, or the host has no OpRegion', () => {
    const cfg = lspciBytes(text('skl-hd530.lspci')).bytes;
    cfg.set([0, 0, 0, 0], 0xfc);
    const h = importHost({ config: cfg, iomem: '  8b000000-8effffff : Graphics Stolen Memory\n' });
    expect(h.findings).toEqual([
      'ASLS is 0: the host has no OpRegion; QEMU 10.1 then skips every IGD quirk and guest drivers find no VBT',
      '/proc/iomem puts Graphics Stolen Memory at 0x8b000000, BDSM says 0x8b800000',
    ]);
  });

  it('OpRegion bytes: version and the VBT size (mailbox 4 header, or RVDS for an extended VBT)', () => {
    expect(opregionFacts(buildOpRegion(resolveHostIgd({ generation: 9, generationName: 'skl' })))).toEqual({ version: '2.0', size: 0x2000, vbtSize: 0x200 });
    expect(opregionFacts(buildOpRegion(resolveHostIgd({ generation: 12, generationName: 'tgl', opregion: { version: '2.1' } })))).toEqual({ version: '2.1', size: 0x2000, vbtSize: 0x2400 });
  });

  it('STOLEN_RESERVED size codes 0..3 are 1, 2, 4, 8 MiB', () => {
    expect([0x07n, 0x87n, 0x107n, 0x187n].map((r) => decodeStolenReserved(r | 0x5000_0000n).size / 2 ** 20)).toEqual([1, 2, 4, 8]);
  });

  it.each([
    ['snb-hd2000-user.lspci', 'only 64 bytes of config space: lspci shows bytes past 0x40 to root only (sudo lspci -nn -xxxx -s 00:02.0)'],
  ])('refuses %s: %s', (f, message) => {
    expect(() => importHost({ config: text(f) })).toThrow(new ImportError(message));
  });

  it('refuses a Meteor Lake IGD, saying why', () => {
    const cfg = lspciBytes(text('skl-hd530.lspci')).bytes;
    cfg.set([0x55, 0x7d], 2);
    expect(() => importHost({ config: cfg })).toThrow('Meteor/Arrow Lake (0x7d55): graphics IP 12.70+ keeps stolen memory inside LMEMBAR (BAR2 + 8 MiB) and has no BDSM register; vfio-sim models gen 6..12');
  });

  it('CLI: host import prints the section; a non-root dump is FILE:1:1 and exit 2', async () => {
    const ok = await runCli('host', 'import', path('skl-hd530.lspci'), '--dmar', '[    0.012345] DMAR: Host address width 39');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('  iommu-width: 39               # DMAR: Host address width\n');
    const bad = await runCli('host', 'import', path('snb-hd2000-user.lspci'));
    expect([bad.code, bad.stderr]).toEqual([2, `${path('snb-hd2000-user.lspci')}:1:1: only 64 bytes of config space: lspci shows bytes past 0x40 to root only (sudo lspci -nn -xxxx -s 00:02.0)\n`]);
  });

  it('warns about a 0380-class IGD, GGC.IVD and GMS 0, the host settings that break passthrough', () => {
    const cfg = lspciBytes(text('skl-hd530.lspci')).bytes;
    cfg[0x0a] = 0x80; // class 0380
    cfg.set([0x02, 0x00], 0x50); // GGC: IVD set, GMS 0, GGMS 0
    expect(importHost({ config: cfg }).findings).toEqual([
      'the IGD is class 0x0380 (not VGA): QEMU legacy mode needs a VGA class, and Linux early quirks reserve stolen memory only for class 0x0300',
      "GGC.IVD is set: the host BIOS disabled the IGD's VGA decode; QEMU 10.1 refuses legacy mode for it",
      'GMS is 0: the host BIOS gives the IGD no stolen memory (raise "DVMT pre-allocated" in the BIOS setup)',
    ]);
  });
});

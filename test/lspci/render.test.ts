import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { lspciSize, renderLspci } from '../../vmm/frontends/lspci/render.js';
import { fixtureNames, loadFixture } from '../firmware/helpers.js';

const config = (yaml: string) => {
  const r = parseConfig(yaml, 'x.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};

/** The lspci -nnv blocks of a boot, keyed by bdf. */
function blocks(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const b of text.trim().split('\n\n')) {
    const lines = b.split('\n');
    out.set(lines[0]!.slice(0, 7), lines);
  }
  return out;
}

describe('lspci -nnv view', () => {
  it('sizes as pciutils show_size prints them', () => {
    expect([lspciSize(32), lspciSize(0x1000), lspciSize(0x4000000), lspciSize(0x4_0000_0000), lspciSize(0x1800)]).toEqual([
      '[size=32]', '[size=4K]', '[size=64M]', '[size=16G]', '[size=6K]',
    ]);
  });

  it('a virtio-net behind a root port: IDs, subsystem, revision, 64-bit prefetchable BAR, ROM, PCIe/MSI-X/VirtIO capabilities', () => {
    const spec = config(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "02.0", props: { chassis: 1 } }
  - { model: virtio-net-pci, bus: rp1 }
`);
    const b = blocks(renderLspci(bootSpec(spec).machine.pci.functions()));
    expect(b.get('00:02.0')).toEqual([
      '00:02.0 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c] (prog-if 00 [Normal decode])',
      '\tFlags: fast devsel, IRQ 11',
      '\tMemory at fe800000 (32-bit, non-prefetchable) [size=4K]',
      '\tBus: primary=00, secondary=01, subordinate=01, sec-latency=0',
      '\tI/O behind bridge: [disabled] [16-bit]',
      '\tMemory behind bridge: fe600000-fe7fffff [size=2M] [32-bit]',
      '\tPrefetchable memory behind bridge: 00000000fea00000-00000000febfffff [size=2M] [64-bit]',
      '\tCapabilities: [54] Express Root Port (Slot+), MSI 00',
      '\tCapabilities: [48] MSI-X: Enable- Count=1 Masked-',
      '\tCapabilities: [40] Subsystem: Red Hat, Inc. Device [1b36:0000]',
    ]);
    expect(b.get('01:00.0')).toEqual([
      '01:00.0 Ethernet controller [0200]: Red Hat, Inc. Virtio 1.0 network device [1af4:1041] (rev 01)',
      '\tSubsystem: Red Hat, Inc. QEMU Virtual Machine [1af4:1100]',
      '\tFlags: fast devsel, IRQ 11',
      '\tMemory at fe640000 (32-bit, non-prefetchable) [size=4K]',
      '\tMemory at fea00000 (64-bit, prefetchable) [size=16K]',
      '\tExpansion ROM at fe600000 [disabled] [size=256K]',
      '\tCapabilities: [a4] Express Endpoint, MSI 00',
      '\tCapabilities: [98] MSI-X: Enable- Count=3 Masked-',
      '\tCapabilities: [84] Vendor Specific Information: VirtIO: <unknown>',
      '\tCapabilities: [70] Vendor Specific Information: VirtIO: Notify',
      '\tCapabilities: [60] Vendor Specific Information: VirtIO: DeviceCfg',
      '\tCapabilities: [50] Vendor Specific Information: VirtIO: ISR',
      '\tCapabilities: [40] Vendor Specific Information: VirtIO: CommonCfg',
    ]);
  });

  it('the assigned IGD: class, host IDs, 64-bit BARs, I/O BAR and its ROM', () => {
    const spec = config(`machine: { type: pc, qemu: "7.2" }
host: { igd: { generation: skl } }
devices:
  - model: vfio-igd
`);
    const b = blocks(renderLspci(bootSpec(spec).machine.pci.functions()));
    expect(b.get('00:02.0')!.slice(0, 2)).toEqual([
      '00:02.0 VGA compatible controller [0300]: Intel Corporation HD Graphics 530 [8086:1912] (rev 06) (prog-if 00 [VGA controller])',
      '\tSubsystem: Intel Corporation Device [8086:2212]',
    ]);
    expect(b.get('00:02.0')!.filter((l) => /at /.test(l)).map((l) => l.replace(/at [0-9a-f]+/, 'at X'))).toEqual([
      '\tMemory at X (64-bit, non-prefetchable) [size=16M]',
      '\tMemory at X (64-bit, prefetchable) [size=256M]',
      '\tI/O ports at X [size=64]',
      '\tExpansion ROM at X [disabled] [size=64K]',
    ]);
  });

  // Every BAR address and bridge window the view prints must be the one QEMU 7.2 + SeaBIOS 1.16.2 gave the
  // recorded topologies (test/fixtures/seabios, the recordings the firmware tests check the report against).
  it.each(fixtureNames().slice(0, 12))('recorded %s: every BAR address and bridge window as the recording', (name) => {
    const { spec, fx } = loadFixture(name);
    const b = blocks(renderLspci(bootSpec(spec, { profile: { qemu: '7.2' } }).machine.pci.functions()));
    for (const bar of fx.expected.bars) {
      const lines = b.get(bar.bdf)!;
      const addr = parseInt(bar.address, 16);
      // q35's SMBus BAR4: SeaBIOS places it, then its ICH9 SMBus setup rewrites the register to 0x700 (SeaBIOS
      // src/fw/pciinit.c ich9_smbus_setup); lspci reads the register.
      if (bar.bdf === '00:1f.3' && bar.bar === 4 && spec.machine.type === 'q35') {
        expect(lines).toContain('\tI/O ports at 0700 [size=64]');
        continue;
      }
      const want = bar.bar === 6 ? `Expansion ROM at ${addr.toString(16).padStart(8, '0')}` : bar.type === 'io' ? `I/O ports at ${addr.toString(16).padStart(4, '0')}` : `Memory at ${addr.toString(16).padStart(8, '0')}`;
      expect(lines.some((l) => l.startsWith(`\t${want}`)), `${bar.bdf} BAR${bar.bar}: ${want}`).toBe(true);
    }
    for (const d of fx.expected.devices) {
      if (d.bridge === undefined) continue;
      const lines = b.get(d.bdf)!;
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\tBus: primary=[0-9a-f]{2}, secondary=${d.bridge.secondary.toString(16).padStart(2, '0')}, subordinate=${d.bridge.subordinate.toString(16).padStart(2, '0')},`)));
      const mem = d.bridge.mem;
      if (mem !== null) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\tMemory behind bridge: ${parseInt(mem.base, 16).toString(16).padStart(8, '0')}-${parseInt(mem.limit, 16).toString(16).padStart(8, '0')} `)));
      const io = d.bridge.io;
      if (io !== null) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\tI/O behind bridge: ${parseInt(io.base, 16).toString(16).padStart(4, '0')}-${parseInt(io.limit, 16).toString(16).padStart(4, '0')} `)));
      const pref = d.bridge.prefmem;
      if (pref !== null) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\tPrefetchable memory behind bridge: 0*${parseInt(pref.base, 16).toString(16)}-0*${parseInt(pref.limit, 16).toString(16)} `)));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { MODELS } from '../../devices/index.js';
import { bars, build, caps, check, KiB, MiB, type BarRow } from './catalogue-helpers.js';

/** docs/firmware-seabios.md §13.3 (QEMU 7.2 query-pci) and docs/firmware-seabios.md §9 (ROM sizes), at default props on the q35 root bus. */
const TABLE: [model: string, id: string, cls: number, rows: BarRow[]][] = [
  ['VGA', '1234:1111', 0x0300, [[0, 16 * MiB, 'pref'], [2, 4 * KiB, 'mem'], [6, 64 * KiB, 'mem']]],
  ['bochs-display', '1234:1111', 0x0380, [[0, 16 * MiB, 'pref'], [2, 4 * KiB, 'mem'], [6, 32 * KiB, 'mem']]],
  ['virtio-net-pci', '1af4:1000', 0x0200, [[0, 32, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64'], [6, 256 * KiB, 'mem']]],
  ['virtio-rng-pci', '1af4:1005', 0x00ff, [[0, 32, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]],
  ['virtio-balloon-pci', '1af4:1002', 0x00ff, [[0, 64, 'io'], [4, 16 * KiB, 'pref64']]],
  ['virtio-serial-pci', '1af4:1003', 0x0780, [[0, 64, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]],
  ['virtio-scsi-pci', '1af4:1004', 0x0100, [[0, 64, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]],
  ['e1000', '8086:100e', 0x0200, [[0, 128 * KiB, 'mem'], [1, 64, 'io'], [6, 256 * KiB, 'mem']]],
  ['e1000e', '8086:10d3', 0x0200, [[0, 128 * KiB, 'mem'], [1, 128 * KiB, 'mem'], [2, 32, 'io'], [3, 16 * KiB, 'mem'], [6, 256 * KiB, 'mem']]],
  ['rtl8139', '10ec:8139', 0x0200, [[0, 256, 'io'], [1, 256, 'mem'], [6, 256 * KiB, 'mem']]],
  ['edu', '1234:11e8', 0x00ff, [[0, 1 * MiB, 'mem']]],
  ['pci-testdev', '1b36:0005', 0x00ff, [[0, 4 * KiB, 'mem'], [1, 256, 'io']]],
  ['ich9-intel-hda', '8086:293e', 0x0403, [[0, 16 * KiB, 'mem']]],
  ['qemu-xhci', '1b36:000d', 0x0c03, [[0, 16 * KiB, 'mem64']]],
  ['usb-ehci', '8086:24cd', 0x0c03, [[0, 4 * KiB, 'mem']]],
  ['lsi53c895a', '1000:0012', 0x0100, [[0, 256, 'io'], [1, 1 * KiB, 'mem'], [2, 8 * KiB, 'mem']]],
  ['megasas', '1000:0060', 0x0104, [[0, 16 * KiB, 'mem64'], [2, 256, 'io'], [3, 256 * KiB, 'mem64']]],
  ['pci-bridge', '1b36:0001', 0x0604, [[0, 256, 'mem64']]],
  ['pcie-root-port', '1b36:000c', 0x0604, [[0, 4 * KiB, 'mem']]],
  ['pcie-pci-bridge', '1b36:000e', 0x0604, [[0, 256, 'mem64']]],
  // Newer models: query-pci of QEMU 7.2.22 and 10.0.13 (identical), and test/fixtures/seabios-models.
  ['virtio-blk-pci', '1af4:1001', 0x0100, [[0, 128, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]],
  ['virtio-gpu-pci', '1af4:1050', 0x0380, [[1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]],
  ['virtio-vga', '1af4:1050', 0x0300, [[0, 8 * MiB, 'pref'], [2, 16 * KiB, 'pref64'], [4, 4 * KiB, 'mem'], [6, 64 * KiB, 'mem']]],
  ['nvme', '1b36:0010', 0x0108, [[0, 16 * KiB, 'mem64']]],
  ['vmxnet3', '15ad:07b0', 0x0200, [[0, 4 * KiB, 'mem'], [1, 4 * KiB, 'mem'], [2, 8 * KiB, 'mem'], [6, 256 * KiB, 'mem']]],
  ['cirrus-vga', '1013:00b8', 0x0300, [[0, 32 * MiB, 'pref'], [1, 4 * KiB, 'mem'], [6, 64 * KiB, 'mem']]],
  ['i82801b11-bridge', '8086:244e', 0x0604, []],
  ['ioh3420', '8086:3420', 0x0604, []],
  ['x3130-upstream', '104c:8232', 0x0604, []],
  ['xio3130-downstream', '104c:8233', 0x0604, []],
];

const idOf = (fn: ReturnType<typeof build>): string =>
  `${fn.configRead(0, 2).toString(16).padStart(4, '0')}:${fn.configRead(2, 2).toString(16).padStart(4, '0')}`;

describe('catalogue: QEMU 7.2 IDs, classes and BAR layouts', () => {
  it('registers every model the issue lists, and only those', () => {
    expect(MODELS.names().filter((n) => !['qxl', 'qxl-vga', 'vfio-igd', 'vfio-pci'].includes(n))).toEqual(TABLE.map((r) => r[0]).sort());
  });

  it('gives virtio-balloon-pci an MSI-X BAR1 only on machine types >= 10.0 (hw_compat_9_2 vectors=0)', () => {
    expect(bars(build('virtio-balloon-pci', {}, { machineVersion: '10.0' }))).toEqual([[0, 64, 'io'], [1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64']]);
    expect(bars(build('virtio-balloon-pci', {}, { machineVersion: '9.2' }))).toEqual([[0, 64, 'io'], [4, 16 * KiB, 'pref64']]);
    expect(bars(build('virtio-balloon-pci', { vectors: 0 }, { machineVersion: '10.0' }))).toEqual([[0, 64, 'io'], [4, 16 * KiB, 'pref64']]);
  });

  for (const [model, id, cls, rows] of TABLE) {
    it(`${model} is ${id} class ${cls.toString(16).padStart(4, '0')} with ${rows.length} BARs as in §12.3`, () => {
      const props: Record<string, string | number> = model === 'pci-bridge' ? { chassis_nr: 1 } : model === 'nvme' ? { serial: 'x' } : {};
      const fn = build(model, props);
      expect(idOf(fn)).toBe(id);
      expect(fn.configRead(0x0a, 2)).toBe(cls);
      expect(bars(fn)).toEqual(rows);
    });
  }

  it('reports revision, prog-if, interrupt pin and subsystem as the QEMU sources set them', () => {
    const row = (m: string): number[] => {
      const f = build(m);
      return [f.configRead(8, 1), f.configRead(9, 1), f.configRead(0x3d, 1), f.configRead(0x2c, 2), f.configRead(0x2e, 2)];
    };
    expect(row('VGA')).toEqual([2, 0, 0, 0x1af4, 0x1100]);
    expect(row('e1000')).toEqual([3, 0, 1, 0x1af4, 0x1100]);
    expect(row('e1000e')).toEqual([0, 0, 1, 0x8086, 0]);
    expect(row('rtl8139')).toEqual([0x20, 0, 1, 0x1af4, 0x1100]);
    expect(row('edu')).toEqual([0x10, 0, 1, 0x1af4, 0x1100]);
    expect(row('pci-testdev')).toEqual([0, 0, 0, 0x1af4, 0x1100]);
    expect(row('qemu-xhci')).toEqual([1, 0x30, 1, 0x1af4, 0x1100]);
    expect(row('usb-ehci')).toEqual([0x10, 0x20, 4, 0x1af4, 0x1100]);
    expect(row('lsi53c895a')).toEqual([0, 0, 1, 0, 0x1000]);
    expect(row('megasas')).toEqual([0, 0, 1, 0x1000, 0x1013]);
    expect(row('virtio-net-pci')).toEqual([0, 0, 1, 0x1af4, 1]);
    expect(row('virtio-scsi-pci')).toEqual([0, 0, 1, 0x1af4, 8]);
  });

  it('makes virtio modern-only behind a PCIe root port: 0x1040+type, revision 1, no IO BAR', () => {
    const fn = build('virtio-net-pci', {}, { pcieBus: true, rootBus: false });
    expect(idOf(fn)).toBe('1af4:1041');
    expect(fn.configRead(8, 1)).toBe(1);
    expect([fn.configRead(0x2c, 2), fn.configRead(0x2e, 2)]).toEqual([0x1af4, 0x1100]);
    expect(bars(fn)).toEqual([[1, 4 * KiB, 'mem'], [4, 16 * KiB, 'pref64'], [6, 256 * KiB, 'mem']]);
    expect(caps(fn)).toContain(0x10);
    expect(idOf(build('virtio-serial-pci', {}, { pcieBus: true, rootBus: false }))).toBe('1af4:1043');
    expect(idOf(build('virtio-balloon-pci', {}, { pcieBus: true, rootBus: false }))).toBe('1af4:1045');
  });

  it('follows disable-modern, disable-legacy and vectors', () => {
    expect(bars(build('virtio-net-pci', { 'disable-modern': true }))).toEqual([[0, 32, 'io'], [1, 4 * KiB, 'mem'], [6, 256 * KiB, 'mem']]);
    expect(bars(build('virtio-net-pci', { vectors: 0 }))).toEqual([[0, 32, 'io'], [4, 16 * KiB, 'pref64'], [6, 256 * KiB, 'mem']]);
    expect(idOf(build('virtio-rng-pci', { 'disable-legacy': 'on' }))).toBe('1af4:1044');
    expect(bars(build('virtio-serial-pci', { 'disable-legacy': 'off' }, { pcieBus: true, rootBus: false }))[0]).toEqual([0, 64, 'io']);
    // Without MSI-X the legacy header shrinks from 24 to 20 bytes: 20 + 12 fits 32.
    expect(bars(build('virtio-serial-pci', { vectors: 0 }))[0]).toEqual([0, 32, 'io']);
    expect(bars(build('virtio-net-pci', { 'page-per-vq': true }))[2]).toEqual([4, 8 * MiB, 'pref64']);
    expect(check('virtio-net-pci', { 'disable-modern': true }, { pcieBus: true })).toHaveLength(1);
    expect(check('virtio-net-pci', { 'disable-modern': true, 'disable-legacy': 'off' }, { pcieBus: true })).toEqual([]);
  });

  it('removes the ROM BAR for rombar=0 or romfile="", and sizes a given romfile', () => {
    expect(build('e1000', { rombar: 0 }).romSize).toBe(0);
    expect(build('VGA', { romfile: '' }).romSize).toBe(0);
    expect(build('edu', { romfile: 'efi-e1000.rom' }).romSize).toBe(256 * KiB);
    expect(check('edu', { romfile: 'nope.rom' })[0]?.prop).toBe('romfile');
  });

  it('sizes display memory as QEMU clamps and rounds it', () => {
    expect(bars(build('VGA', { vgamem_mb: 3 }))[0]).toEqual([0, 4 * MiB, 'pref']);
    expect(bars(build('VGA', { vgamem_mb: 1024 }))[0]).toEqual([0, 512 * MiB, 'pref']);
    const noMmio = build('VGA', { mmio: false });
    expect(bars(noMmio).map((b) => b[0])).toEqual([0, 6]);
    expect(noMmio.configRead(8, 1)).toBe(0);
    expect(bars(build('bochs-display', { vgamem: 24 * MiB }))[0]).toEqual([0, 32 * MiB, 'pref']);
    expect(check('bochs-display', { vgamem: 2 * MiB })[0]?.message).toContain('too small');
  });

  it('gives pci-testdev a 64-bit prefetchable membar BAR2 that must be a power of two', () => {
    expect(bars(build('pci-testdev', { membar: 256 * MiB }))[2]).toEqual([2, 256 * MiB, 'pref64']);
    expect(bars(build('pci-testdev', { membar: 8 * 1024 * MiB }))[2]).toEqual([2, 8 * 1024 * MiB, 'pref64']);
    expect(check('pci-testdev', { membar: 3 * MiB })).toHaveLength(1);
  });

  it('uses the e1000e subsys props and a 4 KiB PCIe config space', () => {
    const fn = build('e1000e', { subsys_ven: 0x1234, subsys: 0x5678 });
    expect([fn.configRead(0x2c, 2), fn.configRead(0x2e, 2)]).toEqual([0x1234, 0x5678]);
    expect(fn.cfg.length).toBe(4096);
    expect(build('e1000').cfg.length).toBe(256);
  });

  it('sizes a 64-bit BAR through config space as firmware does', () => {
    const fn = build('megasas');
    fn.configWrite(0x1c, 4, 0xffffffff);
    fn.configWrite(0x20, 4, 0xffffffff);
    expect([fn.configRead(0x1c, 4), fn.configRead(0x20, 4)]).toEqual([0xfffc0004, 0xffffffff]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../vmm/frontends/config/index.js';
import { PROBLEMS, renderProblem, type ProblemBody, type ProblemCode, type ProblemParams } from '../../vmm/frontends/config/problems.js';
import { FIXTURES, fixtureText } from './helpers.js';

const DIR = 'bad-configs/';
const cases = readdirSync(FIXTURES + DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('config problems carry codes', () => {
  // Each bad config's codes, one a line in the same order as its .expected lines: callers can match on them.
  for (const file of cases) {
    const codesFile = file.replace(/\.yaml$/, '.codes');
    it(`reports ${file} with the codes ${codesFile} lists`, () => {
      const want = readFileSync(FIXTURES + DIR + codesFile, 'utf8').trimEnd().split('\n');
      const r = parseConfig(fixtureText(DIR + file), file);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors.map((e) => e.code)).toEqual(want);
      // Every listed code is in the catalogue (a typo in a .codes file would otherwise only show as a mismatch).
      for (const c of want) expect(Object.keys(PROBLEMS)).toContain(c);
    });
  }

  it('gives an unreadable config file its code too', () => {
    const r = loadConfigFile(FIXTURES + DIR + 'does-not-exist.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.code)).toEqual(['no-such-file']);
  });

  it('keeps the code out of the serialized error (JSON and deep equality stay as before)', () => {
    const r = parseConfig(fixtureText(DIR + 'unknown-model.yaml'), 'u.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.code).toBe('unknown-model');
    expect(Object.keys(r.errors[0]!)).toEqual(['file', 'line', 'col', 'message']);
  });
});

/**
 * One example per code: its params and the exact English. The mapped type makes a code without an example a
 * compile error; the first test makes it a test failure too (vitest does not type-check).
 */
const TEXTS: { readonly [C in ProblemCode]: { readonly params: ProblemParams<C>; readonly text: string } } = {
  'config-not-text': {
    params: { got: 'null' },
    text: "expected the config's text (a string), got null",
  },
  'no-file-name': {
    params: {},
    text: 'no file name given',
  },
  'no-such-file': {
    params: {},
    text: 'no such file',
  },
  'parent-not-directory': {
    params: {},
    text: 'no such file (a parent is not a directory)',
  },
  'is-directory': {
    params: {},
    text: 'is a directory',
  },
  'not-regular-file': {
    params: {},
    text: 'is not a regular file (a device, FIFO or socket cannot be an input)',
  },
  'file-too-large': {
    params: { bytes: 2_000_000, limit: 1_048_576 },
    text: 'is 2000000 bytes; the limit is 1048576',
  },
  'cannot-read': {
    params: { reason: 'EACCES' },
    text: 'cannot read (EACCES)',
  },
  'yaml-syntax': {
    params: { detail: 'Implicit map keys need to be followed by map values' },
    text: 'YAML syntax error: Implicit map keys need to be followed by map values',
  },
  'duplicate-yaml-key': {
    params: { key: 'machine' },
    text: 'YAML syntax error: Map keys must be unique',
  },
  'yaml-too-large': {
    params: { bytes: 2_000_000, limit: 1_048_576 },
    text: 'the file is 2000000 bytes; the limit is 1048576',
  },
  'yaml-too-deep': {
    params: { limit: 64 },
    text: 'nesting is deeper than 64 levels',
  },
  'yaml-too-many-nodes': {
    params: { limit: 100000 },
    text: 'more than 100000 YAML nodes',
  },
  'yaml-too-many-aliases': {
    params: { limit: 100 },
    text: 'more than 100 aliases (*name)',
  },
  'yaml-too-many-keys': {
    params: { keys: 20000, limit: 10000 },
    text: 'a mapping with 20000 keys; the limit is 10000',
  },
  'yaml-complex-key': {
    params: {},
    text: 'a key must be a plain scalar, not a mapping, list, alias or binary',
  },
  'yaml-expand-failed': {
    params: { reason: 'Excessive alias count indicates a resource exhaustion attack' },
    text: 'cannot expand the document: Excessive alias count indicates a resource exhaustion attack',
  },
  'config-empty': {
    params: {},
    text: "empty config: expected a mapping with 'machine' and 'devices'",
  },
  'no-machine': {
    params: {},
    text: 'the config has no valid machine section',
  },
  'more-problems': {
    params: { count: 3 },
    text: '3 more problems not shown',
  },
  'unknown-key': {
    params: { at: ['machine'], key: 'memroy', allowed: ['type', 'memory', 'smp'] },
    text: "unknown key 'memroy' in machine (did you mean 'memory'?)",
  },
  'missing-key': {
    params: { at: ['devices', 0], key: 'model' },
    text: "devices[0]: missing required key 'model'",
  },
  'not-one-of': {
    params: { at: ['firmware', 'type'], allowed: ['seabios', 'ovmf'], value: 'ovfm' },
    text: "firmware.type: expected one of seabios, ovmf, got 'ovfm' (did you mean 'ovmf'?)",
  },
  'wrong-type': {
    params: { at: ['devices'], type: 'array', value: { a: 1 } },
    text: 'devices: expected a list, got a mapping',
  },
  'out-of-bounds': {
    params: { at: ['machine', 'smp'], comparison: '>=', limit: '1', value: 0 },
    text: 'machine.smp: must be >= 1, got 0',
  },
  'empty-string': {
    params: { at: ['devices', 1, 'id'] },
    text: 'devices[1].id: must not be empty',
  },
  'item-count': {
    params: { at: ['traps', 0, 'offset'], limit: '2' },
    text: 'traps[0].offset: expected 2 items',
  },
  'bad-size': {
    params: { at: ['machine', 'memory'], value: '4X' },
    text: "machine.memory: bad size '4X' (use bytes, or a number with a K, M, G or T suffix: 4G, 512M, 1024K)",
  },
  'schema-mismatch': {
    params: { at: ['host', 'igd', 'gms'], description: 'a hex integer', value: true, rule: 'must match' },
    text: 'host.igd.gms: expected a hex integer, got true',
  },
  'unknown-machine-type': {
    params: { type: 'q36' },
    text: "machine.type: expected q35, pc or a versioned name (pc-q35-10.0, pc-i440fx-7.2), got 'q36'",
  },
  'size-not-whole': {
    params: { key: 'maxmem', value: 1.5 },
    text: 'machine.maxmem: 1.5 is not a whole number of bytes below 2^53',
  },
  'memory-too-small': {
    params: { bytes: 4096, bare: true },
    text: "machine.memory: 4096 bytes is too small (at least 1M) — a bare number is bytes here (QEMU's -m reads MiB): did you mean 4096M?",
  },
  'memory-past-phys-bits': {
    params: { value: '1T', physBits: 39, limit: 2 ** 39, end: 0x100_8000_0000 },
    text: `machine.memory: 1T puts guest RAM past the vCPU's 39 address bits (QEMU: "Address space limit 0x7fffffffff < 0x1007fffffff phys-bits too low (39)")`,
  },
  'maxmem-past-phys-bits': {
    params: { value: '1T', physBits: 39 },
    text: "machine.maxmem: 1T puts the memory hotplug region past the vCPU's 39 address bits",
  },
  'slots-need-maxmem': {
    params: {},
    text: 'machine.slots needs machine.maxmem (QEMU: -m slots= without maxmem=)',
  },
  'maxmem-below-memory': {
    params: { maxmem: '1G', memory: '2G' },
    text: 'machine.maxmem (1G) is below machine.memory (2G)',
  },
  'maxmem-equals-memory': {
    params: {},
    text: 'machine.maxmem equals machine.memory, so the memory slots could hold nothing (QEMU refuses this)',
  },
  'max-ram-below-4g-too-big': {
    params: { value: '5G' },
    text: "machine.max-ram-below-4g: QEMU: Machine option 'max-ram-below-4g=5G' must not exceed 4G",
  },
  'igd-strategy-needs-ovmf': {
    params: {},
    text: "firmware.igd-strategy: uefi-reserved is VfioIgdPkg's IgdAssignmentDxe, a UEFI driver OVMF loads from the IGD's romfile: it needs firmware.type ovmf (SeaBIOS only runs intel_igd_setup: e820-reserved)",
  },
  'unknown-firmware-version': {
    params: { firmware: 'seabios', version: '1.17', known: ['1.16.3', '1.17.0'] },
    text: "unknown seabios version '1.17' (known: 1.16.3, 1.17.0)",
  },
  'unknown-model': {
    params: { model: 'e1000x', known: ['e1000', 'virtio-net-pci'] },
    text: "unknown model 'e1000x' (did you mean 'e1000'?)",
  },
  'model-not-on-machine': {
    params: { model: 'pcie-root-port', machineType: 'pc', machines: ['q35'] },
    text: 'pcie-root-port is not available on machine type pc (only on q35)',
  },
  'duplicate-id': {
    params: { id: 'rp1', first: { index: 0, line: 4 } },
    text: "duplicate id 'rp1' (already used by devices[0] at line 4)",
  },
  'root-bus-name': {
    params: { machineType: 'q35', want: 'pcie.0', got: 'pci.0' },
    text: "the q35 root bus is called 'pcie.0', not 'pci.0'",
  },
  'bus-defined-later': {
    params: { bus: 'rp1', defined: { index: 2, line: 9 } },
    text: "bus 'rp1' is defined later (devices[2], line 9); QEMU creates devices in order, so a bridge must come before the devices on its bus",
  },
  'bus-own-id': {
    params: { bus: 'rp1' },
    text: "bus 'rp1' is this device's own id",
  },
  'unknown-bus': {
    params: { bus: 'rp2', ids: ['rp1'] },
    text: "bus 'rp2' names no device (did you mean 'rp1'?)",
  },
  'bus-not-bridge': {
    params: { bus: 'nic', model: 'e1000', device: { index: 0, line: 4 } },
    text: "bus 'nic' names e1000 (devices[0], line 4), which is not a bridge",
  },
  'device-key-as-prop': {
    params: { key: 'addr' },
    text: "'addr' is a device key, not a prop: write it next to 'model'",
  },
  'unknown-prop': {
    params: { model: 'e1000', prop: 'macc', suggestion: 'mac' },
    text: "e1000: unknown property 'macc' (did you mean 'mac'?)",
  },
  'prop-not-in-qemu': {
    params: { qemu: '7.2', model: 'vfio-igd', prop: 'x-igd-legacy-mode', since: '10.0' },
    text: "QEMU 7.2: Property 'vfio-igd.x-igd-legacy-mode' not found (new in QEMU 10.0)",
  },
  'bad-prop-size': {
    params: { model: 'pcie-root-port', prop: 'mem-reserve', value: '2X' },
    text: "pcie-root-port: bad size for mem-reserve: '2X' (use bytes, or a number with a K, M, G or T suffix: 4G, 512M, 1024K)",
  },
  'bad-prop-value': {
    params: { model: 'pcie-root-port', prop: 'chassis', def: { type: 'integer', min: 0, max: 255 }, value: 300 },
    text: 'pcie-root-port: bad value for chassis: expected an integer 0..255, got 300',
  },
  'model-check': {
    params: { model: 'pci-bridge', text: 'membar must be a power of two' },
    text: 'pci-bridge: membar must be a power of two',
  },
  'slot-out-of-range': {
    params: { addr: '20.0', slot: 0x20 },
    text: "addr '20.0': slot 0x20 is out of range (00..1f)",
  },
  'function-out-of-range': {
    params: { addr: '03.8', fn: 8 },
    text: "addr '03.8': function 8 is out of range (0..7)",
  },
  'igd-second': {
    params: { first: { index: 0, line: 4 } },
    text: 'a second vfio-igd (the first is devices[0], line 4): a host has one IGD',
  },
  'igd-not-root-bus': {
    params: {},
    text: 'vfio-igd must be at 00:02.0 on the root bus (guest drivers and QEMU legacy mode expect it there)',
  },
  'igd-addr': {
    params: { devfn: 0x18 },
    text: 'vfio-igd must be at 00:02.0, not 00:03.0 (guest drivers and QEMU legacy mode expect it there)',
  },
  'no-free-slot': {
    params: { bus: 'br0', model: 'e1000' },
    text: "no free slot on bus 'br0' for e1000 (all 32 device numbers are in use)",
  },
  'slot-taken': {
    params: { devfn: 0x10, by: { kind: 'device', model: 'e1000', index: 1, line: 6 }, forced: true },
    text: 'addr 02.0 on the root bus is already used by e1000 (devices[1], line 6); give that device another addr',
  },
  'chipset-slot': {
    params: { devfn: 0xf8, machineType: 'q35', chipset: [{ devfn: 0xf8, model: 'ich9-lpc' }, { devfn: 0xfa, model: 'ich9-ahci' }] },
    text: 'addr 1f.0: slot 1f belongs to the q35 chipset (00:1f.0 ich9-lpc, 00:1f.2 ich9-ahci)',
  },
  'port-slot-0-only': {
    params: { model: 'e1000e', port: 'pcie-root-port', bus: 'rp1', devfn: 0x09 },
    text: `e1000e on pcie-root-port 'rp1' must be at slot 0 (addr "00.1"): QEMU: PCI: slot 1 is not valid for e1000e, parent device only allows plugging into slot 0`,
  },
  'function0-not-multifunction': {
    params: { devfn: 0x01, f0: { kind: 'chipset', machineType: 'pc', model: 'i440FX', devfn: 0x00 } },
    text: "addr 00.1: function 0 of slot 00 is the pc chipset's i440FX (00:00.0), which is not multifunction (set props.multifunction: on there)",
  },
  'single-function-shared': {
    params: { devfn: 0x20, other: 0x21, by: { kind: 'device', model: 'e1000', index: 0, line: 4 } },
    text: 'addr 04.0 is single-function but 04.1 is already e1000 (devices[0], line 4) (set props.multifunction: on)',
  },
  'too-many-bridges': {
    params: { max: 255 },
    text: 'more than 255 bridges: PCI bus numbers are 8 bits, so bus 256 cannot exist',
  },
  'chassis-slot-taken': {
    params: { chassis: '1', slot: '0', first: { index: 0, line: 4 } },
    text: 'pcie-root-port chassis 1 slot 0 is already used by devices[0] (line 4); each root port needs its own chassis/slot pair',
  },
  'hardware-missing': {
    params: {},
    text: 'vfio-pci: declare the host device under hardware: (vendor, device, class, bars, rom): vfio-sim has no host to read it from',
  },
  'hardware-not-vfio-pci': {
    params: { model: 'e1000' },
    text: 'hardware: describes a host device for vfio-pci, not e1000',
  },
  'bar-size-not-pow2': {
    params: { index: 1 },
    text: 'hardware.bars[1]: a BAR size is a power of two',
  },
  'bar64-slot': {
    params: { index: 0 },
    text: 'hardware.bars[0]: a 64-bit BAR is a memory BAR that takes two slots (bar 0..4)',
  },
  'bar-overlap': {
    params: { index: 2, bar: 1 },
    text: 'hardware.bars[2]: BAR 1 overlaps another BAR',
  },
  'rom-size-not-pow2': {
    params: {},
    text: 'hardware.rom: the ROM BAR size is a power of two',
  },
  'second-balloon': {
    params: { first: { index: 1, line: 5 } },
    text: 'QEMU: Only one balloon device is supported (the first is devices[1], line 5)',
  },
  'qxl-vga-not-first': {
    params: {},
    text: 'QEMU: primary qxl-vga device must be console 0 (first display device on the command line): list qxl-vga before the other display devices',
  },
  'duplicate-genrom': {
    params: { file: 'efi-e1000.rom', first: { index: 0, line: 4 } },
    text: 'QEMU: duplicate fw_cfg file name: genroms/efi-e1000.rom (devices[0], line 4 also loads it with rombar=0)',
  },
  'trap-range-too-wide': {
    params: { key: 'offset', from: '0x0', to: '0x20000000000000000' },
    text: 'traps: offset [0x0, 0x20000000000000000] does not fit in 64 bits',
  },
  'trap-range-past-2-53': {
    params: { key: 'from', from: '0x0', to: '0x40000000000000' },
    text: 'traps: from [0x0, 0x40000000000000] is past 2^53, which this emulator cannot address exactly',
  },
  'trap-range-empty': {
    params: { key: 'offset', from: '0x10', to: '0x10' },
    text: 'traps: offset [0x10, 0x10] is empty or reversed (the end is exclusive and must be above the start)',
  },
  'trap-to-past-2-53': {
    params: { to: '0x40000000000000' },
    text: 'traps: to 0x40000000000000 is past 2^53',
  },
  'bdf-syntax': {
    params: { bdf: '00:20.0' },
    text: "traps: bdf '00:20.0' is not bus:device.function (device 00..1f)",
  },
  'bdf-no-bus': {
    params: { bdf: '02:00.0', bus: 2, bridges: 1 },
    text: 'traps: bdf 02:00.0 is on bus 2, but this machine has 1 bridge (buses 0..1)',
  },
  'bdf-no-function': {
    params: { bdf: '00:05.0' },
    text: 'traps: no function at 00:05.0 on the root bus (give the device a fixed addr, or trap an existing one)',
  },
  'trap-bar-missing': {
    params: { bdf: '00:03.0', model: 'e1000', bar: 'rom' },
    text: 'traps: 00:03.0 (e1000) has no ROM BAR',
  },
  'igd-lmembar-gms': {
    params: { gms: 0x05, platform: 'mtl' },
    text: 'host.igd.gms: 0x5 is not a valid MTL GMS (valid: 0x00..0x04 or 0xf0..0xfe)',
  },
  'igd-lmembar-ggms': {
    params: { platform: 'mtl' },
    text: 'host.igd.ggms: MTL requires GGMS 3 (8 MiB)',
  },
  'igd-out-of-range': {
    params: { key: 'device-id', value: 0x10000, max: 0xffff },
    text: 'host.igd.device-id: 0x10000 is out of range (max 0xffff)',
  },
  'igd-gms-gmch-mismatch': {
    params: { gms: 0x02, gmch: 0x0050, field: 0x01, generation: 9 },
    text: 'host.igd.gms 0x2 disagrees with gmch 0x50 (its GMS field is 0x1 on gen 9)',
  },
  'igd-ggms-gmch-mismatch': {
    params: { ggms: 1, gmch: 0x0050, field: 2, generation: 9 },
    text: 'host.igd.ggms 1 disagrees with gmch 0x50 (its GGMS field is 2 on gen 9)',
  },
  'igd-gms-unencodable': {
    params: { key: 'gms', gms: 0x41, generation: 9 },
    text: 'host.igd.gms: GMS 0x41 cannot be encoded on gen 9 (valid: 0x00..0x40 or 0xf0..0xfe)',
  },
  'igd-ggms-reserved': {
    params: { ggms: 3, generation: 6 },
    text: 'host.igd.ggms: GGMS 3 is reserved on gen 6 (valid: 0..2)',
  },
  'igd-bdsm-align': {
    params: { bdsm: 0x7b812345 },
    text: 'host.igd.bdsm: 0x7b812345 is not 1 MiB aligned',
  },
  'igd-stolen-reserved-gen': {
    params: { generation: 7 },
    text: 'host.igd.stolen-reserved exists only on gen 8+ (this is gen 7)',
  },
  'igd-vbt-too-large': {
    params: { size: 0x10000 },
    text: 'host.igd.opregion.vbt-size: 0x10000 is larger than a VBT can be (its size field is 16-bit)',
  },
  'rom-ref-missing': {
    params: { at: ['firmware', 'vbios'], ref: 'reads-bdms', bundled: ['reads-bdsm', 'fill-gtt'], file: '/cfg/reads-bdms', suggestion: 'reads-bdsm' },
    text: "firmware.vbios: 'reads-bdms' is neither a bundled ROM program (reads-bdsm, fill-gtt) nor a file (/cfg/reads-bdms) (did you mean 'reads-bdsm'?)",
  },
  'rom-ref-invalid': {
    params: { at: ['devices', 0, 'rom'], ref: 'x.yaml', error: { file: '/cfg/x.yaml', line: 3, col: 15, message: "set a: expression ends too early in '1 +'" }, more: 2 },
    text: "devices[0].rom: ROM program 'x.yaml' is invalid: /cfg/x.yaml:3:15: set a: expression ends too early in '1 +' (and 2 more)",
  },
};

describe('each problem code reads as it always has', () => {
  it('has a text example for every code in the catalogue, and none for codes it lacks', () => {
    expect(Object.keys(TEXTS).sort()).toEqual(Object.keys(PROBLEMS).sort());
  });

  it('file-too-large without a size: the file grew past the limit while it was read', () => {
    expect(renderProblem({ code: 'file-too-large', params: { limit: 1_048_576 } })).toBe('is more than 1048576 bytes');
  });

  for (const [code, c] of Object.entries(TEXTS)) {
    it(code, () => {
      // Object.entries loses the pairing of code and params; TEXTS's type guarantees it.
      expect(renderProblem({ code, params: c.params } as ProblemBody)).toBe(c.text);
    });
  }
});

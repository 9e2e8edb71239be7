import { describe, expect, it } from 'vitest';
import {
  QXL_RAM_MAGIC, QXL_RAM_RANGE_INDEX, RAM_CMD_RING, RAM_CURSOR_RING, RAM_INT_MASK, RAM_INT_PENDING, RAM_MAGIC,
  RAM_MONITORS_CONFIG, RAM_RELEASE_RING, RAM_UPDATE_SURFACE, RING_ITEMS,
} from '../../devices/qxl/constants.js';
import type { QxlDevice } from '../../devices/qxl/device.js';
import { QXL_RAM_HEADER_SIZE } from '../../devices/qxl/rom.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { driverFor, setup } from './qxl-helpers.js';

/** The header's non-zero u32 words by offset in the header, as init_qxl_ram and spice's display start leave it. */
function nonZeroWords(dev: QxlDevice): Record<number, number> {
  const bytes = dev.dump(QXL_RAM_RANGE_INDEX, dev.ramHeaderOffset, QXL_RAM_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  const out: Record<number, number> = {};
  for (let off = 0; off + 4 <= bytes.length; off += 4) {
    const v = view.getUint32(off, true);
    if (v !== 0) out[off] = v;
  }
  return out;
}

/** init_qxl_ram + SPICE_RING_INIT of the three rings (num_items, notify_on_prod = 1), int_pending as given. */
function expectedHeader(intPending: number): Record<number, number> {
  const out: Record<number, number> = { [RAM_MAGIC]: QXL_RAM_MAGIC };
  if (intPending !== 0) out[RAM_INT_PENDING] = intPending;
  for (const [ring, items] of [[RAM_CMD_RING, 32], [RAM_CURSOR_RING, 32], [RAM_RELEASE_RING, 8]] as const) {
    out[ring] = items;
    out[ring + 8] = 1;
  }
  return out;
}

describe('QXL RAM header (BAR0) written on first use', () => {
  it('a SeaBIOS boot never touches BAR0, so the header stays unbuilt; the guest then reads what realize and VM start wrote', () => {
    const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: qxl-vga, id: v }
  - { model: qxl, id: q, props: { x-console-id: 1, revision: 3 } }
`, 'q.yaml');
    if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
    const { machine } = bootSpec(r.spec);
    const v = machine.byId.get('v') as QxlDevice;
    const q = machine.byId.get('q') as QxlDevice;
    expect(v.ramHeaderMaterialized).toBe(false);
    expect(q.ramHeaderMaterialized).toBe(false);
    const base = v.barAddress(QXL_RAM_RANGE_INDEX) + v.ramHeaderOffset;
    expect(machine.cpu.readMem(base + RAM_MAGIC, 4)).toBe(0x41525851); // "QXRA"
    expect(machine.cpu.readMem(base + RAM_INT_PENDING, 4)).toBe(0x10); // CLIENT: revision 5 reports client caps
    expect(v.ramHeaderMaterialized).toBe(true);
    expect(q.ramHeaderMaterialized).toBe(false);
    expect(nonZeroWords(v)).toEqual(expectedHeader(0x10));
    expect(nonZeroWords(q)).toEqual(expectedHeader(0)); // revision 3: no CLIENT event
    // Nor did the boot make either device's memslot table or spice-server model (BAR moves checked no slots).
    for (const d of [v, q]) {
      expect(d.memslotsIfBuilt).toBe(undefined);
      expect(d.serverIfBuilt).toBe(undefined);
      expect(d.vramMaterialized).toBe(false);
    }
    // VRAM made on first use reads as zeros, and the guest's writes land in it.
    const vramAt = q.barAddress(1) + 0x1000;
    expect(machine.cpu.readMem(vramAt, 4)).toBe(0);
    machine.cpu.writeMem(vramAt, 4, 0xdeadbeef);
    expect(q.vramMaterialized).toBe(true);
    expect(q.vram.read(0x1000, 4)).toBe(0xdeadbeef);
    expect(q.vram.residentPages).toBe(1);
    expect(v.ram.residentPages).toBe(2);
    expect(q.ram.residentPages).toBe(2);
    // The report's event came from the unbuilt header's int_pending (0 before, mask 0).
    expect(v.events).toEqual([{ kind: 'irq', message: 'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)' }]);
    expect(q.events).toEqual([]);
  });

  it('a reset of an unbuilt header keeps it unbuilt and in the same state as a reset of a built one', () => {
    const lazy = setup();
    const built = setup();
    void built.dev.ram; // built before the resets
    expect(built.dev.ramHeaderMaterialized).toBe(true);
    for (const q of [lazy, built]) {
      q.dev.machineReset();
      q.dev.machineReset();
    }
    expect(lazy.dev.ramHeaderMaterialized).toBe(false);
    expect(lazy.dev.events).toEqual(built.dev.events);
    expect(lazy.dev.events.map((e) => e.message)).toEqual([
      'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)',
      'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)',
      'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)',
    ]);
    expect(nonZeroWords(lazy.dev)).toEqual(expectedHeader(0x10));
    expect(nonZeroWords(built.dev)).toEqual(expectedHeader(0x10));
  });

  it('with a write hook set, a reset of an unbuilt header reports the same device writes as one of a built header', () => {
    const seen = (built: boolean): string[] => {
      const q = setup();
      if (built) void q.dev.ramMem;
      const writes: string[] = [];
      q.dev.onVramWrite = (gpa, len, who) => writes.push(`${gpa.toString(16)}+${len} ${who}`);
      q.dev.machineReset();
      return writes;
    };
    const lazy = seen(false);
    const h = 0x8000_0000 + setup().dev.ramHeaderOffset;
    const at = (off: number, len = 4): string => `${(h + off).toString(16)}+${len} device`;
    const ring = (base: number): string[] => [0, 4, 8, 12, 16].map((f) => at(base + f));
    expect(lazy).toEqual([
      at(RAM_MAGIC), at(RAM_INT_PENDING), at(RAM_INT_MASK), at(RAM_UPDATE_SURFACE), at(RAM_MONITORS_CONFIG, 8),
      ...ring(RAM_CMD_RING), ...ring(RAM_CURSOR_RING), ...ring(RAM_RELEASE_RING),
      at(RAM_RELEASE_RING + RING_ITEMS, 8), // the release ring's item at prod (0)
      at(4), // int_pending |= CLIENT (display start)
    ]);
    expect(lazy).toEqual(seen(true));
  });
});

describe('QXL memslot table and spice-server model made on first use', () => {
  it('resets before first use make neither; a driver adding its memslots makes the table, a reset then drops its slots', () => {
    const q = setup();
    q.dev.machineReset();
    expect(q.dev.memslotsIfBuilt).toBe(undefined);
    expect(q.dev.serverIfBuilt).toBe(undefined);
    driverFor(q);
    expect(q.dev.memslotsIfBuilt?.slots.filter((s) => s.active).length).toBe(2);
    q.dev.machineReset();
    expect(q.dev.memslotsIfBuilt?.slots.filter((s) => s.active).length).toBe(0);
    expect(q.dev.events.filter((e) => e.kind === 'reset').map((e) => e.message)).toEqual([
      'qxl-0: hard reset dropped 0 host objects, 0 surfaces, 2 memslots',
    ]);
  });
});

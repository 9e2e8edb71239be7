import { MODELS } from '../../../devices/index.js';
import { hasShpc, propMissingIn } from '../../../devices/catalogue/index.js';
import { DEFAULT_QEMU, type QemuVersion } from '../../../devices/qemu-version.js';
import { hostDeviceOf } from './host-device.js';
import { qemuRefusals } from './refusals.js';
import { PC_BUILTINS, Q35_BUILTINS, type BuiltinFunction } from '../../../devices/chipset/index.js';
import { PCI_HEADER_TYPE, PCI_HEADER_TYPE_MULTI_FUNCTION } from '../../../devices/pci/regs.js';
import { type ModelDef } from '../../../devices/registry.js';
import { nearest } from './errors.js';
import { IGD_DEVFN, IGD_MODEL } from '../../../devices/igd/tables.js';
import { IGD_PROP_POINTERS } from './igd.js';
import { normalizeProp } from './prop-values.js';
import { problem, type Occupant, type Problem, type ProblemCode, type ProblemParams } from './problems.js';
import type { DeviceSpec, MachineType, PropValue } from '../../../devices/spec.js';
import type { PathSeg } from './yaml-doc.js';
import { own } from '../../../devices/own.js';

/**
 * The device list checked the way QEMU realizes -device options, in order: model and props, bus
 * (an earlier bridge), address (slot range, collisions with built-ins and earlier devices, slot 0
 * below a PCIe port, multifunction rules), and the automatic slot QEMU would pick.
 */
/**
 * What sits at a devfn while checking. An earlier device's line is looked up only for a message: finding it
 * needs the document's positions, which a config without problems never computes (docs/performance.md §10).
 */
type Placed = Extract<Occupant, { kind: 'chipset' }> | { readonly kind: 'device'; readonly model: string; readonly index: number };

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

interface Slot {
  readonly by: Placed;
  readonly multifunction: boolean;
}

interface Bus {
  readonly name: string;
  /** The bridge model that owns the bus (undefined for the root bus). */
  readonly model?: string;
  readonly pciePort: boolean;
  /** Below a root or downstream port: only slot 0 (a switch's upstream port takes any slot). */
  readonly slot0Only: boolean;
  /** Run by an SHPC controller: slot 0 is refused. */
  readonly shpc: boolean;
  readonly root: boolean;
  readonly slots: Map<number, Slot>;
}

/**
 * QEMU's addr forms (hw/core/qdev-properties-system.c set_pci_devfn: sscanf "%x.%x", else "%x"): hex slot and
 * function, each optionally 0x-prefixed as %x allows.
 */
const ADDR_RE = /^(?:0x)?([0-9a-f]{1,2})(?:\.(?:0x)?([0-9a-f]))?$/i;
/** Bridges one machine may have: one per bus number 1..255. */
const MAX_BRIDGES = 255;
/** QEMU's names for the root bus (pc: pci.0, q35: pcie.0). */
const ROOT_BUS_NAMES = new Set(['pci.0', 'pcie.0']);

export interface TopologyInput {
  readonly devices: readonly unknown[];
  readonly machineType: MachineType | undefined;
  /** The QEMU binary the config names (properties it lacks are refused); undefined = the default. */
  readonly qemu?: QemuVersion;
  /** Line of devices[i], for messages naming an earlier device. */
  readonly lineOf: (index: number) => number;
}

/**
 * A chipset function's slot. Building the function (config space and all) only to read its header type would cost
 * every config load more than the rest of this check, and a chipset slot refuses devices before its multifunction
 * bit is asked: so the bit is read only when asked. A class, not an object literal with a getter: V8 makes such a
 * literal through its runtime, a closure and an accessor pair each time (docs/performance.md §24).
 */
class ChipsetSlot implements Slot {
  readonly by: Placed;

  constructor(machineType: MachineType, private readonly builtin: BuiltinFunction) {
    this.by = { kind: 'chipset', machineType, model: builtin.model, devfn: builtin.devfn };
  }

  get multifunction(): boolean {
    return (this.builtin.make().cfg[PCI_HEADER_TYPE]! & PCI_HEADER_TYPE_MULTI_FUNCTION) !== 0;
  }
}

function rootBus(machineType: MachineType | undefined): { bus: Bus; chipsetSlots: Map<number, { devfn: number; model: string }[]> } {
  const slots = new Map<number, Slot>();
  const chipsetSlots = new Map<number, { devfn: number; model: string }[]>();
  if (machineType !== undefined) {
    const builtins = machineType === 'q35' ? Q35_BUILTINS : PC_BUILTINS;
    for (const b of builtins) {
      slots.set(b.devfn, new ChipsetSlot(machineType, b));
      // One list per chipset slot, its functions in table order (a slot's list was rebuilt for each of its functions).
      let list = chipsetSlots.get(b.devfn >> 3);
      if (list === undefined) chipsetSlots.set(b.devfn >> 3, (list = []));
      list.push({ devfn: b.devfn, model: b.model });
    }
  }
  return { bus: { name: 'the root bus', pciePort: false, slot0Only: false, shpc: false, root: true, slots }, chipsetSlots };
}

export function checkDevices(input: TopologyInput): { devices: DeviceSpec[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const devices: DeviceSpec[] = [];
  const { bus: root, chipsetSlots } = rootBus(input.machineType);
  const buses = new Map<string, Bus>();
  const ids = new Map<string, { index: number; def: ModelDef | undefined; model: string }>();
  const firstIdIndex = new Map<string, number>();
  input.devices.forEach((d, i) => {
    const id = (d as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && !firstIdIndex.has(id)) firstIdIndex.set(id, i);
  });
  const chassisSlots = new Map<string, number>();
  const indices: number[] = [];
  let bridges = 0;
  let firstIgd: number | undefined;

  input.devices.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null) return;
    const d = raw as Record<string, unknown>;
    const at = (...p: PathSeg[]): PathSeg[] => ['devices', i, ...p];
    const add = <C extends ProblemCode>(path: PathSeg[], code: C, params: ProblemParams<C>, prefer: 'key' | 'value' = 'value'): void => {
      problems.push(problem(code, path, params, prefer));
    };
    const earlier = (index: number): { index: number; line: number } => ({ index, line: input.lineOf(index) });
    const occupant = (by: Placed): Occupant => (by.kind === 'device' ? { kind: 'device', model: by.model, ...earlier(by.index) } : by);
    const model = typeof d['model'] === 'string' ? d['model'] : undefined;
    const def = model !== undefined ? MODELS.lookup(model) : undefined;
    if (model !== undefined && def === undefined) {
      add(at('model'), 'unknown-model', { model, known: MODELS.names() });
    }
    if (def?.machines !== undefined && input.machineType !== undefined && !def.machines.includes(input.machineType)) {
      add(at('model'), 'model-not-on-machine', { model: def.name, machineType: input.machineType, machines: def.machines });
    }
    const id = typeof d['id'] === 'string' ? d['id'] : undefined;
    if (id !== undefined) {
      const prev = ids.get(id);
      if (prev !== undefined) add(at('id'), 'duplicate-id', { id, first: earlier(prev.index) });
      else ids.set(id, { index: i, def, model: model ?? '?' });
    }

    // ---- bus ----
    let bus: Bus | undefined = root;
    let busName = typeof d['bus'] === 'string' ? d['bus'] : undefined;
    if (busName !== undefined && ROOT_BUS_NAMES.has(busName)) {
      // QEMU's own name for the root bus: the same as no bus at all.
      const want = input.machineType === 'pc' ? 'pci.0' : 'pcie.0';
      if (input.machineType !== undefined && busName !== want) add(at('bus'), 'root-bus-name', { machineType: input.machineType, want, got: busName });
      busName = undefined;
    }
    if (busName !== undefined) {
      const target = ids.get(busName);
      const first = firstIdIndex.get(busName);
      if (target === undefined || target.index === i) {
        bus = undefined;
        if (first !== undefined && first > i) {
          add(at('bus'), 'bus-defined-later', { bus: busName, defined: earlier(first) });
        } else if (first === i) {
          add(at('bus'), 'bus-own-id', { bus: busName });
        } else {
          add(at('bus'), 'unknown-bus', { bus: busName, ids: [...firstIdIndex.keys()] });
        }
      } else if (target.def === undefined) {
        bus = undefined; // its model is unknown: already reported
      } else if (target.def.kind !== 'bridge') {
        bus = undefined;
        add(at('bus'), 'bus-not-bridge', { bus: busName, model: target.model, device: earlier(target.index) });
      } else bus = buses.get(busName);
    }

    // ---- props ----
    const props: Record<string, PropValue> = {};
    let propsOk = true;
    const rawProps = typeof d['props'] === 'object' && d['props'] !== null ? (d['props'] as Record<string, unknown>) : {};
    for (const k of Object.keys(rawProps)) {
      const v = rawProps[k];
      if (k === 'addr' || k === 'bus' || k === 'id') {
        propsOk = false;
        add(at('props', k), 'device-key-as-prop', { key: k }, 'key');
        continue;
      }
      if (def === undefined) continue;
      const pd = own(def.props, k);
      if (pd === undefined) {
        propsOk = false;
        // An IGD pointer (rendered in its place) replaces "did you mean".
        const pointer = model === IGD_MODEL ? IGD_PROP_POINTERS[k] : undefined;
        const suggestion = pointer === undefined ? nearest(k, Object.keys(def.props)) : undefined;
        add(at('props', k), 'unknown-prop', { model: def.name, prop: k, ...(suggestion !== undefined ? { suggestion } : {}) }, 'key');
        continue;
      }
      const since = propMissingIn(def.name, k, input.qemu ?? DEFAULT_QEMU);
      if (since !== undefined) {
        propsOk = false;
        add(at('props', k), 'prop-not-in-qemu', { qemu: input.qemu ?? DEFAULT_QEMU, model: def.name, prop: k, since }, 'key');
        continue;
      }
      const nv = normalizeProp(pd, v);
      if (nv === undefined) {
        propsOk = false;
        if (pd.type === 'size') add(at('props', k), 'bad-prop-size', { model: def.name, prop: k, value: v });
        else add(at('props', k), 'bad-prop-value', { model: def.name, prop: k, def: pd, value: v });
      } else props[k] = nv;
    }
    const ctx = { machineType: input.machineType ?? 'q35', pcieBus: bus?.pciePort ?? false, rootBus: bus?.root ?? true };
    if (def?.check !== undefined && propsOk) {
      for (const pr of def.check(props, ctx)) {
        add(pr.prop !== undefined && pr.prop in rawProps ? at('props', pr.prop) : at('model'), 'model-check', { model: def.name, text: pr.message });
      }
    }

    // ---- address ----
    let devfn: number | undefined;
    let addrOk = true;
    const addrText = d['addr'];
    if (typeof addrText === 'string') {
      const m = ADDR_RE.exec(addrText);
      if (m !== null) {
        const slot = parseInt(m[1]!, 16);
        const fn = m[2] === undefined ? 0 : parseInt(m[2], 16);
        if (slot > 0x1f) add(at('addr'), 'slot-out-of-range', { addr: addrText, slot });
        else if (fn > 7) add(at('addr'), 'function-out-of-range', { addr: addrText, fn });
        else devfn = (slot << 3) | fn;
      }
      addrOk = devfn !== undefined;
    } else if (d['addr'] !== undefined) addrOk = false;
    const addrGiven = d['addr'] !== undefined;
    let forced = false;
    if (model === IGD_MODEL && def !== undefined) {
      if (firstIgd !== undefined) {
        add(at('model'), 'igd-second', { first: earlier(firstIgd) });
        addrOk = false; // not placed: its address problems would repeat the one above
      } else firstIgd = i;
      if (busName !== undefined) add(at('bus'), 'igd-not-root-bus', {});
      else if (devfn !== undefined && devfn !== IGD_DEVFN) {
        add(at('addr'), 'igd-addr', { devfn });
      } else if (!addrGiven) {
        devfn = IGD_DEVFN;
        forced = true;
      }
    }

    // ---- placement on the bus, as QEMU's do_pci_register_device checks it ----
    const mf = props['multifunction'] === true;
    if (bus !== undefined && def !== undefined && addrOk) {
      // Messages name a bridge's bus by its id; the root bus has none.
      const onBus = bus.root ? {} : { bus: bus.name };
      const addrPath = forced || !addrGiven ? at('model') : at('addr');
      let place = devfn;
      if (place === undefined) {
        for (let f = 0; f < 256 && place === undefined; f += 8) if (!bus.slots.has(f)) place = f;
        if (place === undefined) add(at('model'), 'no-free-slot', { ...onBus, model: def.name });
      }
      if (place !== undefined) {
        const occ = bus.slots.get(place);
        // Only set when the machine type is known (rootBus), so input.machineType is defined below.
        const chipset = bus.root ? chipsetSlots.get(place >> 3) : undefined;
        let ok = true;
        if (occ !== undefined) {
          ok = false;
          add(addrPath, 'slot-taken', { devfn: place, ...onBus, by: occupant(occ.by), forced });
        } else if (chipset !== undefined) {
          ok = false;
          add(addrPath, 'chipset-slot', { devfn: place, machineType: input.machineType!, chipset });
        } else if (bus.slot0Only && place >> 3 !== 0) {
          ok = false;
          add(addrGiven ? at('addr') : at('bus'), 'port-slot-0-only', { model: def.name, ...(bus.model !== undefined ? { port: bus.model } : {}), bus: bus.name, devfn: place });
        }
        if (ok && (place & 7) !== 0) {
          const f0 = bus.slots.get(place & ~7);
          if (f0 !== undefined && !f0.multifunction) {
            ok = false;
            add(addrPath, 'function0-not-multifunction', { devfn: place, f0: occupant(f0.by) });
          }
        } else if (ok && !mf) {
          for (let f = 1; f < 8 && ok; f++) {
            const other = bus.slots.get(place + f);
            if (other !== undefined) {
              ok = false;
              add(addrPath, 'single-function-shared', { devfn: place, other: place + f, by: occupant(other.by) });
            }
          }
        }
        if (ok) bus.slots.set(place, { by: { kind: 'device', model: def.name, index: i }, multifunction: mf });
      }
    }
    // PCI bus numbers are 8 bits (PCI-to-PCI Bridge spec 1.2 §3.2.5.3): SeaBIOS's
    // pci_bios_init_bus_rec numbers secondaries 1..255 and, past that, wraps onto buses it already
    // numbered and recurses without end. QEMU starts such a machine; no firmware can enumerate it.
    if (def?.kind === 'bridge' && ++bridges === MAX_BRIDGES + 1) {
      add(at('model'), 'too-many-bridges', { max: MAX_BRIDGES });
    }
    if (def?.kind === 'bridge' && id !== undefined && ids.get(id)?.index === i) {
      const pciePort = def.pciePort === true;
      buses.set(id, { name: id, model: def.name, pciePort, slot0Only: pciePort && def.switchUpstream !== true, shpc: hasShpc(def.name, props), root: false, slots: new Map() });
    }
    if (def?.name === 'pcie-root-port') {
      const key = `${String(props['chassis'] ?? 0)}/${String(props['slot'] ?? 0)}`;
      const prev = chassisSlots.get(key);
      if (prev !== undefined) {
        const p = 'chassis' in rawProps ? at('props', 'chassis') : at('model');
        add(p, 'chassis-slot-taken', { chassis: String(props['chassis'] ?? 0), slot: String(props['slot'] ?? 0), first: earlier(prev) });
      } else chassisSlots.set(key, i);
    }
    const hardware = hostDeviceOf(d['hardware'], model, at, add);
    if (model !== undefined) {
      indices.push(i);
      // Keys in the same order as always (model, id, bus, devfn, props, rom, hardware), set one by one: an object
      // literal of conditional spreads cost more than the rest of a device's check (docs/performance.md §24).
      const spec: Mutable<DeviceSpec> = { model, id: id ?? '' };
      if (busName !== undefined) spec.bus = busName;
      if (devfn !== undefined) spec.devfn = devfn;
      spec.props = props;
      if (typeof d['rom'] === 'string') spec.rom = d['rom'];
      if (hardware !== undefined) spec.hardware = hardware;
      devices.push(spec as DeviceSpec);
    }
  });
  const indexed = devices.map((spec, k) => ({ spec, index: indices[k]! }));
  for (const r of qemuRefusals(indexed, input.lineOf)) problems.push({ ...r, prefer: 'value' });
  return { devices, problems };
}

import {
  PCI_CLASS_BRIDGE_PCI, PCI_CLASS_DEVICE, PCI_HEADER_TYPE, PCI_PRIMARY_BUS, PCI_REVISION_ID, PCI_SECONDARY_BUS,
  PCI_SUBORDINATE_BUS, PCI_VENDOR_ID,
} from '../../devices/pci/regs.js';
import { pciFirst, pciNext } from './pci-config.js';
import { busReserveOf, findReserveCap } from './reserve-cap.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_PCI_BIOS_INIT_BUS = seabiosFormat('PCI: pci_bios_init_bus_rec bus = 0x%x\n');
const F_PCI_PCI_BIOS_INIT_BUS_2 = seabiosFormat('PCI: pci_bios_init_bus_rec bdf = 0x%x\n');
const F_PCI_PRIMARY_BUS_0X_0X = seabiosFormat('PCI: primary bus = 0x%x -> 0x%x\n');
const F_PCI_PRIMARY_BUS_0X = seabiosFormat('PCI: primary bus = 0x%x\n');
const F_PCI_SECONDARY_BUS_0X_0X = seabiosFormat('PCI: secondary bus = 0x%x -> 0x%x\n');
const F_PCI_SECONDARY_BUS_0X = seabiosFormat('PCI: secondary bus = 0x%x\n');
const F_PCI_BUS_RESERVE_VALUE_IS = seabiosFormat('PCI: bus_reserve value %d is invalid\n');
const F_PCI_QEMU_RESOURCE_RESERVE_CAP = seabiosFormat('PCI: QEMU resource reserve cap: bus = %u\n');
const F_PCI_SUBORDINATE_BUS_0X_0X = seabiosFormat('PCI: subordinate bus = 0x%x -> 0x%x\n');
const F_PCI_SUBORDINATE_BUS_0X = seabiosFormat('PCI: subordinate bus = 0x%x\n');
const F_FOUND_PCI_DEVICES_MAX_PCI = seabiosFormat('Found %d PCI devices (max PCI bus is %02x)\n');

const HEADER_BRIDGE = 1; // PCI_HEADER_TYPE_BRIDGE
const HEADER_CARDBUS = 2; // PCI_HEADER_TYPE_CARDBUS

/**
 * pci_bios_init_bus_rec (docs/firmware-seabios.md §3): depth-first bus numbering in slot/function order,
 * including the QEMU bus-reserve capability and its 1.16.2 rewind bug (docs/firmware-seabios.md §3.1).
 */
function initBusRec(s: PostState, bus: number, counter: { n: number }): void {
  const { cfg, debug } = s;
  debug.printf(F_PCI_PCI_BIOS_INIT_BUS, bus);
  // Close every bridge on this bus first, so config cycles cannot reach stale numbers.
  for (let bdf = pciFirst(cfg, bus); bdf >= 0; bdf = pciNext(cfg, bdf, bus)) {
    if (cfg.read16(bdf, PCI_CLASS_DEVICE) === PCI_CLASS_BRIDGE_PCI) {
      cfg.write8(bdf, PCI_SECONDARY_BUS, 255);
      cfg.write8(bdf, PCI_SUBORDINATE_BUS, 0);
    }
  }
  for (let bdf = pciFirst(cfg, bus); bdf >= 0; bdf = pciNext(cfg, bdf, bus)) {
    if (cfg.read16(bdf, PCI_CLASS_DEVICE) !== PCI_CLASS_BRIDGE_PCI) continue;
    debug.printf(F_PCI_PCI_BIOS_INIT_BUS_2, bdf);
    const pribus = cfg.read8(bdf, PCI_PRIMARY_BUS);
    if (pribus !== bus) {
      debug.printf(F_PCI_PRIMARY_BUS_0X_0X, pribus, bus);
      cfg.write8(bdf, PCI_PRIMARY_BUS, bus);
    } else {
      debug.printf(F_PCI_PRIMARY_BUS_0X, pribus);
    }
    let secbus = cfg.read8(bdf, PCI_SECONDARY_BUS);
    counter.n = (counter.n + 1) & 0xff;
    if (counter.n !== secbus) {
      debug.printf(F_PCI_SECONDARY_BUS_0X_0X, secbus, counter.n);
      secbus = counter.n;
      cfg.write8(bdf, PCI_SECONDARY_BUS, secbus);
    } else {
      debug.printf(F_PCI_SECONDARY_BUS_0X, secbus);
    }
    // Open the whole range below while the recursion numbers it.
    let subbus = cfg.read8(bdf, PCI_SUBORDINATE_BUS);
    cfg.write8(bdf, PCI_SUBORDINATE_BUS, 255);
    initBusRec(s, secbus, counter);
    if (subbus !== counter.n) {
      let res = counter.n;
      const cap = findReserveCap(s, bdf);
      if (cap !== 0) {
        const raw = busReserveOf(s, bdf, cap);
        if (raw !== 0xffff_ffff) {
          res = raw & 0xff;
          const wrapped = (res + secbus) & 0xff;
          if (wrapped < secbus || wrapped < res) {
            debug.printf(F_PCI_BUS_RESERVE_VALUE_IS, res);
            res = 0;
          }
          // Only a reserve that reaches past what the recursion used is added; otherwise the raw
          // value stays as the subordinate number (the 1.16.2 bug of docs/firmware-seabios.md §3.1).
          if (secbus + res > counter.n) {
            debug.printf(F_PCI_QEMU_RESOURCE_RESERVE_CAP, res);
            res = secbus + res;
          }
        }
      }
      debug.printf(F_PCI_SUBORDINATE_BUS_0X_0X, subbus, res);
      subbus = res;
      counter.n = res & 0xff;
    } else {
      debug.printf(F_PCI_SUBORDINATE_BUS_0X, subbus);
    }
    cfg.write8(bdf, PCI_SUBORDINATE_BUS, subbus);
  }
}

/** pci_bios_init_bus: bus 0, then every further number as a root when etc/extra-pci-roots is set. */
export function initBuses(s: PostState): void {
  const extraRoots = s.fwcfg.loadInt('etc/extra-pci-roots', 0) & 0xff;
  const counter = { n: 0 };
  initBusRec(s, 0, counter);
  if (extraRoots !== 0) {
    while (counter.n < 0xff) {
      counter.n++;
      initBusRec(s, counter.n, counter);
    }
  }
}

/**
 * pci_probe_devices (docs/firmware-seabios.md §4): buses 0..MaxPCIBus in order, each device's parent the
 * first bridge found with that secondary number; MaxPCIBus grows with every secondary number seen.
 */
export function probeDevices(s: PostState): void {
  const { cfg } = s;
  const extraRoots = s.fwcfg.loadInt('etc/extra-pci-roots', 0);
  const busdevs: (FwPciDevice | undefined)[] = new Array<FwPciDevice | undefined>(256);
  const devices: FwPciDevice[] = [];
  let maxBus = 0;
  let bus = -1;
  let lastbus = 0;
  let rootbuses = 0;
  while (bus < 0xff && (bus < maxBus || rootbuses < extraRoots)) {
    bus++;
    for (let bdf = pciFirst(cfg, bus); bdf >= 0; bdf = pciNext(cfg, bdf, bus)) {
      const parent = busdevs[bus];
      let rootbus: number;
      if (parent === undefined) {
        if (bus !== lastbus) rootbuses++;
        lastbus = bus;
        rootbus = rootbuses;
        if (bus > maxBus) maxBus = bus;
      } else {
        rootbus = parent.rootbus;
      }
      const vendev = cfg.read32(bdf, PCI_VENDOR_ID);
      // Class code and revision share the dword at 0x08.
      const classrev = cfg.read32(bdf, PCI_REVISION_ID);
      const headerType = cfg.read8(bdf, PCI_HEADER_TYPE);
      const kind = headerType & 0x7f;
      const isBridge = kind === HEADER_BRIDGE || kind === HEADER_CARDBUS;
      const secondaryBus = isBridge ? cfg.read8(bdf, PCI_SECONDARY_BUS) : 0;
      const dev: FwPciDevice = {
        bdf,
        vendor: vendev & 0xffff,
        device: vendev >>> 16,
        classCode: classrev >>> 16,
        progIf: (classrev >>> 8) & 0xff,
        revision: classrev & 0xff,
        headerType,
        secondaryBus,
        parent: parent ?? null,
        rootbus,
      };
      if (isBridge) {
        if (secondaryBus > bus && busdevs[secondaryBus] === undefined) busdevs[secondaryBus] = dev;
        if (secondaryBus > maxBus) maxBus = secondaryBus;
      }
      devices.push(dev);
    }
  }
  s.devices = devices;
  s.maxBus = maxBus;
  s.debug.printf(F_FOUND_PCI_DEVICES_MAX_PCI, devices.length, maxBus);
}

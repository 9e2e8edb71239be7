/**
 * PciBusDxe's resource allocation (MdeModulePkg/Bus/Pci/PciBusDxe/PciResourceSupport.c and PciLib.c
 * PciHostBridgeResourceAllocator), as trees of resource nodes per aperture type:
 *  - InsertResourceNode keeps a bridge's children in descending alignment; at equal alignment a new node goes in
 *    front (later-inserted first) unless its length leaves a non-zero remainder smaller than the one it meets;
 *  - CreateResourceMap walks devices in enumeration order, bridges recursively, then applies hot-plug padding,
 *    DegradeResource (what a bridge cannot decode merges into what it can) and CalculateResourceAperture;
 *  - ProgramResource writes bottom-up from each aperture's base, a bridge's children before its window.
 */
import type { PciConfig } from '../seabios/pci-config.js';
import type { BarKind, OvmfDevice } from './enumerate.js';

export type ResType = BarKind;

export interface ResNode {
  readonly dev: OvmfDevice | null;
  /** BAR index, or the window a bridge node stands for, or 'rom' for the root bridge's option-ROM window. */
  readonly bar: number | 'window' | 'rom';
  /** The window register set a bridge node programs (PPB_IO_RANGE …): its type before any degrade retyped it. */
  readonly window: ResType;
  resType: ResType;
  length: number;
  alignment: number;
  readonly padding: boolean;
  readonly children: ResNode[];
  offset: number;
}

function node(dev: OvmfDevice | null, bar: ResNode['bar'], resType: ResType, length: number, alignment: number, padding = false): ResNode {
  return { dev, bar, window: resType, resType, length, alignment, padding, children: [], offset: 0 };
}

/** ALIGN_VALUE / the `Length & Alignment` of InsertResourceNode, for alignments of the form 2^k − 1 beyond 32 bits. */
const alignValue = (v: number, a: number): number => Math.ceil(v / a) * a;
const rest = (len: number, align: number): number => len % (align + 1);

/** InsertResourceNode (PciResourceSupport.c). */
export function insertNode(parent: ResNode, n: ResNode): void {
  const list = parent.children;
  const nRest = rest(n.length, n.alignment);
  let i = 0;
  for (; i < list.length; i++) {
    const t = list[i]!;
    if (n.alignment > t.alignment) break;
    if (n.alignment === t.alignment && (nRest === 0 || nRest >= rest(t.length, t.alignment))) break;
  }
  list.splice(i, 0, n);
}

/** MergeResourceTree: moves every child of `res` into `dst` (head first), optionally retyping it. */
function merge(dst: ResNode, res: ResNode, retype: boolean): void {
  while (res.children.length > 0) {
    const t = res.children.shift()!;
    if (retype) t.resType = dst.resType;
    insertNode(dst, t);
  }
}

export interface Nodes {
  io: ResNode;
  mem32: ResNode;
  pmem32: ResNode;
  mem64: ResNode;
  pmem64: ResNode;
}

export function bridgeNodes(dev: OvmfDevice | null): Nodes {
  return {
    io: node(dev, 'window', 'io', 0, 0xfff),
    mem32: node(dev, 'window', 'mem32', 0, 0xf_ffff),
    pmem32: node(dev, 'window', 'pmem32', 0, 0xf_ffff),
    mem64: node(dev, 'window', 'mem64', 0, 0xf_ffff),
    pmem64: node(dev, 'window', 'pmem64', 0, 0xf_ffff),
  };
}

/** GetResourceFromDevice: every sized BAR into the node of its type. */
function resourcesOf(dev: OvmfDevice, n: Nodes): void {
  for (const b of dev.bars) insertNode(n[b.kind], node(dev, b.index, b.kind, b.length, b.alignment));
}

/** CalculateResourceAperture (memory) / CalculateApertureIo16. */
function aperture(b: ResNode): void {
  if (b.resType === 'io') {
    let ap = 0;
    let pad = 0;
    for (const c of b.children) {
      if (c.padding) {
        pad = c.length;
        continue;
      }
      ap = alignValue(ap, c.alignment + 1);
      c.offset = ap;
      ap += c.length;
    }
    ap = alignValue(ap, b.alignment + 1);
    const first = b.children[0];
    if (first !== undefined && first.alignment > b.alignment) b.alignment = first.alignment;
    b.length = Math.max(ap, pad);
    return;
  }
  const ap = [0, 0];
  for (const c of b.children) {
    const u = c.padding ? 1 : 0;
    c.offset = alignValue(ap[u]!, c.alignment + 1);
    ap[u] = c.offset + c.length;
  }
  b.length = Math.max(alignValue(ap[0]!, b.alignment + 1), alignValue(ap[1]!, b.alignment + 1));
  const first = b.children[0];
  if (first !== undefined && first.alignment > b.alignment) b.alignment = first.alignment;
}

export interface Decodes {
  /** Root bridge: EFI_PCI_HOST_BRIDGE_COMBINE_MEM_PMEM (OvmfPkg PciHostBridgeUtilityLib). */
  readonly combine: boolean;
  readonly mem64: boolean;
  readonly pmem64: boolean;
  readonly pmem32: boolean;
}

/** DegradeResource (the option-ROM degrade does not apply: IncompatiblePciDeviceSupportDxe fixes 64-bit BARs). */
function degrade(isRoot: boolean, d: Decodes, n: Nodes): void {
  if (!d.mem64) merge(n.mem32, n.mem64, true);
  if (!d.pmem64) merge(n.pmem32, n.pmem64, true);
  if (n.pmem64.children.length > 0 && !isRoot) merge(n.mem32, n.pmem32, true);
  if (!d.pmem32) merge(n.mem32, n.pmem32, true);
  if (d.combine) {
    merge(n.mem32, n.pmem32, false);
    merge(n.mem64, n.pmem64, false);
  }
}

function applyPadding(dev: OvmfDevice, n: Nodes): void {
  for (const p of dev.padding ?? []) insertNode(n[p.kind], node(dev, 'window', p.kind, p.length, p.length - 1, true));
}

/** CreateResourceMap for the devices below `bridge` (null = the root bridge). */
export function createResourceMap(children: readonly OvmfDevice[], bridge: OvmfDevice | null, decodes: Decodes, n: Nodes): void {
  for (const dev of children) {
    resourcesOf(dev, n);
    if (!dev.isBridge) continue;
    const b = bridgeNodes(dev);
    createResourceMap(dev.children, dev, { combine: false, mem64: false, pmem64: dev.pmem64Decode, pmem32: dev.pmem64Decode }, b);
    for (const k of ['io', 'mem32', 'pmem32', 'mem64', 'pmem64'] as const) if (b[k].children.length > 0) insertNode(n[k], b[k]);
  }
  if (bridge !== null) applyPadding(bridge, n);
  degrade(bridge === null, decodes, n);
  aperture(n.mem32);
  aperture(n.pmem32);
  aperture(n.mem64);
  aperture(n.pmem64);
  aperture(n.io);
}

/** One BAR or window as programmed: for the report and the map. */
export interface Programmed {
  readonly dev: OvmfDevice;
  readonly bar: number | ResType;
  readonly address: number;
  readonly length: number;
}

/** ProgramResource / ProgramBar / ProgramPpbApperture. */
export function programResource(cfg: PciConfig, base: number, b: ResNode, out: Programmed[], rom: { base: number }): void {
  for (const n of b.children) {
    if (n.padding) continue;
    const addr = base + n.offset;
    if (n.bar === 'rom') {
      rom.base = addr;
      continue;
    }
    const dev = n.dev!;
    if (n.bar === 'window') {
      programResource(cfg, addr, n, out, rom);
      programWindow(cfg, dev, n.window, addr, n.length);
      out.push({ dev, bar: n.window, address: addr, length: n.length });
      continue;
    }
    const off = 0x10 + n.bar * 4;
    const kind = dev.bars.find((x) => x.index === n.bar)!.kind;
    if (kind === 'mem64' || kind === 'pmem64') {
      cfg.write32(dev.bdf, off, addr % 0x1_0000_0000);
      cfg.write32(dev.bdf, off + 4, Math.floor(addr / 0x1_0000_0000));
    } else {
      cfg.write32(dev.bdf, off, addr);
    }
    out.push({ dev, bar: n.bar, address: addr, length: n.length });
  }
}

function programWindow(cfg: PciConfig, dev: OvmfDevice, t: ResType, addr: number, length: number): void {
  if (length === 0) return;
  const last = addr + length - 1;
  const bdf = dev.bdf;
  if (t === 'io') {
    cfg.write8(bdf, 0x1c, (addr >>> 8) & 0xff);
    cfg.write16(bdf, 0x30, addr >>> 16);
    cfg.write8(bdf, 0x1d, (last >>> 8) & 0xff);
    cfg.write16(bdf, 0x32, last >>> 16);
  } else if (t === 'mem32' || t === 'mem64') {
    cfg.write16(bdf, 0x20, ((addr % 0x1_0000_0000) >>> 16) & 0xffff);
    cfg.write16(bdf, 0x22, ((last % 0x1_0000_0000) >>> 16) & 0xffff);
  } else {
    cfg.write16(bdf, 0x24, ((addr % 0x1_0000_0000) >>> 16) & 0xffff);
    cfg.write16(bdf, 0x26, ((last % 0x1_0000_0000) >>> 16) & 0xffff);
    cfg.write32(bdf, 0x28, Math.floor(addr / 0x1_0000_0000));
    cfg.write32(bdf, 0x2c, Math.floor(last / 0x1_0000_0000));
  }
}

import type { FirmwareIo } from '../io.js';
import type { DebugOutput } from './debug.js';
import {
  FWCFG_BOUNCE_ADDR, FWCFG_BOUNCE_SIZE, FWCFG_DMA_DESC_ADDR, PORT_QEMU_CFG_CTL, PORT_QEMU_CFG_DATA,
  PORT_QEMU_CFG_DMA_ADDR_LOW, QEMU_CFG_DMA_CTL_ERROR, QEMU_CFG_DMA_CTL_READ, QEMU_CFG_DMA_CTL_SELECT,
  QEMU_CFG_FILE_DIR, QEMU_CFG_FILE_ENTRY_SIZE, QEMU_CFG_FILE_NAME_LEN, QEMU_CFG_FILE_NAME_OFFSET, QEMU_CFG_ID,
  QEMU_CFG_SIGNATURE, QEMU_CFG_VERSION_DMA,
} from './constants.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_FOUND_QEMU_FW_CFG = seabiosFormat('Found QEMU fw_cfg\n');
const F_QEMU_FW_CFG_DMA_INTERFACE = seabiosFormat('QEMU fw_cfg DMA interface supported\n');

const SIGNATURE = [0x51, 0x45, 0x4d, 0x55]; // "QEMU"

/** The directory before it is read, or when there is none (never written to: its length is 0). */
const NO_DIR = new Uint8Array(0);

/** "pci%04x,%04x.rom": 3 + 4 + 1 + 4 + 4 characters. */
const PCI_ROM_NAME_LEN = 16;

/** A lowercase hex digit's value (what %04x prints), or −1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Four lowercase hex digits at b[at...] as a number, or −1. */
function hex4At(b: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const d = hexDigit(b[at + i]!);
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/**
 * vendor << 16 | device of a 16-byte name at b[at...] spelled exactly as init_pcirom's "pci%04x,%04x.rom"
 * spells one (src/optionroms.c), or −1: only such a name can equal the name it asks for.
 */
function pciRomId(b: Uint8Array, at: number): number {
  if (b[at] !== 0x70 || b[at + 1] !== 0x63 || b[at + 2] !== 0x69 || b[at + 7] !== 0x2c) return -1; // "pci" ","
  if (b[at + 12] !== 0x2e || b[at + 13] !== 0x72 || b[at + 14] !== 0x6f || b[at + 15] !== 0x6d) return -1; // ".rom"
  const vendor = hex4At(b, at + 3);
  const device = hex4At(b, at + 8);
  return vendor < 0 || device < 0 ? -1 : ((vendor << 16) | device) >>> 0;
}

function putBe32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/**
 * SeaBIOS's fw_cfg client (src/fw/paravirt.c qemu_cfg_init and romfile_*): detects the device by its
 * "QEMU" signature on ports 0x510/0x511, switches to the DMA interface when FW_CFG_ID says so, and
 * keeps the file directory. Every read goes through the ports or a DMA descriptor in guest RAM.
 */
export class FwCfgClient {
  readonly present: boolean;
  private dma = false;
  /**
   * The file directory as FW_CFG_FILE_DIR returned it (count × 64 bytes: be32 size, be16 select, be16 reserved,
   * name), looked up in place: no string, object or Map entry per file (a boot reads ~20 entries and asks for
   * ~7 names; making every name a string and hashing it into a Map cost more than comparing the few bytes of
   * the entries whose name length matches). Empty when fw_cfg is absent or its directory is.
   */
  private dir: Uint8Array = NO_DIR;
  /** Per entry, its name's length (up to the NUL, at most QEMU_CFG_FILE_NAME_LEN). */
  private readonly nameLengths: number[] = [];
  /** vendor << 16 | device of each entry named exactly `pci%04x,%04x.rom` (init_pcirom's lookup); usually none. */
  private readonly pciRoms: number[] = [];
  /** The FWCfgDmaAccess written for each transfer (big-endian fields, set byte by byte: no DataView per boot). */
  private readonly desc = new Uint8Array(16);

  constructor(private readonly io: FirmwareIo, debug: DebugOutput) {
    io.outw(PORT_QEMU_CFG_CTL, QEMU_CFG_SIGNATURE);
    let ok = true;
    for (let i = 0; i < 4; i++) if (io.inb(PORT_QEMU_CFG_DATA) !== SIGNATURE[i]) ok = false;
    this.present = ok;
    if (!ok) return;
    debug.printf(F_FOUND_QEMU_FW_CFG);
    const id = this.readItemPorts(QEMU_CFG_ID, 4);
    if ((id & QEMU_CFG_VERSION_DMA) !== 0) {
      debug.printf(F_QEMU_FW_CFG_DMA_INTERFACE);
      this.dma = true;
    }
    this.loadDirectory();
  }

  /** Little-endian integer item read byte by byte through the data port (before DMA is known). */
  private readItemPorts(key: number, len: number): number {
    this.io.outw(PORT_QEMU_CFG_CTL, key);
    let v = 0;
    for (let i = 0; i < len; i++) v += this.io.inb(PORT_QEMU_CFG_DATA) * 2 ** (8 * i);
    return v;
  }

  private loadDirectory(): void {
    const head = new Uint8Array(4);
    this.readEntry(QEMU_CFG_FILE_DIR, head, true);
    const count = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
    if (count === 0 || count > 0x1000) return;
    const dir = new Uint8Array(count * QEMU_CFG_FILE_ENTRY_SIZE);
    this.readEntry(-1, dir, false);
    this.dir = dir;
    for (let e = 0; e < count; e++) {
      const from = e * QEMU_CFG_FILE_ENTRY_SIZE + QEMU_CFG_FILE_NAME_OFFSET;
      let end = from;
      while (end < from + QEMU_CFG_FILE_NAME_LEN && dir[end] !== 0) end++;
      this.nameLengths.push(end - from);
      if (end - from === PCI_ROM_NAME_LEN) {
        const id = pciRomId(dir, from);
        if (id >= 0) this.pciRoms.push(id);
      }
    }
  }

  /**
   * The directory entry named `name` (its name's bytes, one per character, equal name's char codes: the name
   * SeaBIOS's romfile_find compares), or −1. The last such entry, as a Map keyed by name kept the last one.
   */
  private find(name: string): number {
    const dir = this.dir;
    const lengths = this.nameLengths;
    const n = name.length;
    for (let e = lengths.length - 1; e >= 0; e--) {
      if (lengths[e] !== n) continue;
      const from = e * QEMU_CFG_FILE_ENTRY_SIZE + QEMU_CFG_FILE_NAME_OFFSET;
      let i = 0;
      while (i < n && dir[from + i] === name.charCodeAt(i)) i++;
      if (i === n) return e;
    }
    return -1;
  }

  private sizeOf(e: number): number {
    const d = this.dir;
    const o = e * QEMU_CFG_FILE_ENTRY_SIZE;
    return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
  }

  private selectOf(e: number): number {
    const o = e * QEMU_CFG_FILE_ENTRY_SIZE;
    return (this.dir[o + 4]! << 8) | this.dir[o + 5]!;
  }

  /** Reads into `out` from item `key` (or, with key −1 / select false, from the current position). */
  private readEntry(key: number, out: Uint8Array, select: boolean): void {
    if (!this.dma) {
      if (select) this.io.outw(PORT_QEMU_CFG_CTL, key);
      for (let i = 0; i < out.length; i++) out[i] = this.io.inb(PORT_QEMU_CFG_DATA);
      return;
    }
    let done = 0;
    let first = true;
    while (done < out.length || first) {
      const n = Math.min(FWCFG_BOUNCE_SIZE, out.length - done);
      this.dmaTransfer(select && first ? key : -1, FWCFG_BOUNCE_ADDR, n);
      // One bounce buffer's worth (every item SeaBIOS reads) lands in `out` itself, without a view of it.
      this.io.readBytes(FWCFG_BOUNCE_ADDR, n === out.length ? out : out.subarray(done, done + n));
      done += n;
      first = false;
    }
  }

  /** One FWCfgDmaAccess (big-endian control, length, address) handed to the device through port 0x518. */
  private dmaTransfer(key: number, addr: number, length: number): boolean {
    const control = (key >= 0 ? ((key << 16) | QEMU_CFG_DMA_CTL_SELECT) >>> 0 : 0) | QEMU_CFG_DMA_CTL_READ;
    const d = this.desc;
    putBe32(d, 0, control);
    putBe32(d, 4, length);
    putBe32(d, 8, Math.floor(addr / 0x1_0000_0000));
    putBe32(d, 12, addr);
    this.io.writeBytes(FWCFG_DMA_DESC_ADDR, this.desc);
    this.io.outl(PORT_QEMU_CFG_DMA_ADDR_LOW, bswap32(FWCFG_DMA_DESC_ADDR));
    const status = bswap32(this.io.readMem(FWCFG_DMA_DESC_ADDR, 4));
    return (status & QEMU_CFG_DMA_CTL_ERROR) === 0;
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  /**
   * Whether fw_cfg has `pciVVVV,DDDD.rom` for this vendor and device (init_pcirom's snprintf "pci%04x,%04x.rom"):
   * answered from the entries recognised when the directory was read, without making the name per device.
   */
  hasPciRom(vendor: number, device: number): boolean {
    const roms = this.pciRoms;
    if (roms.length === 0) return false;
    const id = ((vendor & 0xffff) << 16 | (device & 0xffff)) >>> 0;
    return vendor >= 0 && vendor <= 0xffff && device >= 0 && device <= 0xffff && roms.includes(id);
  }

  size(name: string): number | undefined {
    const e = this.find(name);
    return e < 0 ? undefined : this.sizeOf(e);
  }

  /** romfile_loadfile: the whole file, or undefined when fw_cfg has no such file. */
  file(name: string): Uint8Array | undefined {
    const e = this.find(name);
    return e < 0 ? undefined : this.entryData(e);
  }

  private entryData(e: number): Uint8Array {
    const out = new Uint8Array(this.sizeOf(e));
    this.readEntry(this.selectOf(e), out, true);
    return out;
  }

  /** The file DMA'd straight into guest memory at `addr` (romfile copy); bytes copied, or −1. */
  readInto(name: string, addr: number): number {
    const e = this.find(name);
    if (e < 0) return -1;
    if (!this.dma) {
      const data = this.entryData(e);
      this.io.writeBytes(addr, data);
      return data.length;
    }
    const size = this.sizeOf(e);
    return this.dmaTransfer(this.selectOf(e), addr, size) ? size : -1;
  }

  /** romfile_loadint: a 1/2/4/8-byte little-endian file, else `def`. */
  loadInt(name: string, def: number): number {
    const e = this.find(name);
    if (e < 0) return def;
    const size = this.sizeOf(e);
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return def;
    const b = this.entryData(e);
    let v = 0;
    for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i]!;
    return v;
  }

  /** A numbered legacy item, little-endian (qemu_cfg_read_entry), `len` ≤ 6 bytes. */
  readItem(key: number, len: number): number {
    if (!this.present) return 0;
    const b = new Uint8Array(len);
    this.readEntry(key, b, true);
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + b[i]!;
    return v;
  }
}

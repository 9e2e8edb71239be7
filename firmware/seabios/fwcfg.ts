import type { FirmwareIo } from '../io.js';
import type { DebugOutput } from './debug.js';
import {
  FWCFG_BOUNCE_ADDR, FWCFG_BOUNCE_SIZE, FWCFG_DMA_DESC_ADDR, PORT_QEMU_CFG_CTL, PORT_QEMU_CFG_DATA,
  PORT_QEMU_CFG_DMA_ADDR_LOW, QEMU_CFG_DMA_CTL_ERROR, QEMU_CFG_DMA_CTL_READ, QEMU_CFG_DMA_CTL_SELECT,
  QEMU_CFG_FILE_DIR, QEMU_CFG_FILE_ENTRY_SIZE, QEMU_CFG_FILE_NAME_LEN, QEMU_CFG_FILE_NAME_OFFSET, QEMU_CFG_ID,
  QEMU_CFG_SIGNATURE, QEMU_CFG_VERSION_DMA,
} from './constants.js';

interface RomFile {
  readonly select: number;
  readonly size: number;
}

const SIGNATURE = [0x51, 0x45, 0x4d, 0x55]; // "QEMU"

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
  private readonly files = new Map<string, RomFile>();
  /** The FWCfgDmaAccess written for each transfer (big-endian fields, set byte by byte: no DataView per boot). */
  private readonly desc = new Uint8Array(16);

  constructor(private readonly io: FirmwareIo, debug: DebugOutput) {
    io.outw(PORT_QEMU_CFG_CTL, QEMU_CFG_SIGNATURE);
    let ok = true;
    for (let i = 0; i < 4; i++) if (io.inb(PORT_QEMU_CFG_DATA) !== SIGNATURE[i]) ok = false;
    this.present = ok;
    if (!ok) return;
    debug.printf('Found QEMU fw_cfg\n');
    const id = this.readItemPorts(QEMU_CFG_ID, 4);
    if ((id & QEMU_CFG_VERSION_DMA) !== 0) {
      debug.printf('QEMU fw_cfg DMA interface supported\n');
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
    for (let e = 0; e < count; e++) {
      const o = e * QEMU_CFG_FILE_ENTRY_SIZE;
      const size = ((dir[o]! << 24) | (dir[o + 1]! << 16) | (dir[o + 2]! << 8) | dir[o + 3]!) >>> 0;
      const select = (dir[o + 4]! << 8) | dir[o + 5]!;
      // The name up to its NUL, one byte per character, made in one step (a string per character before).
      const from = o + QEMU_CFG_FILE_NAME_OFFSET;
      let end = from;
      while (end < from + QEMU_CFG_FILE_NAME_LEN && dir[end] !== 0) end++;
      const name = String.fromCharCode.apply(null, dir.subarray(from, end) as unknown as number[]);
      this.files.set(name, { select, size });
    }
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
    return this.files.has(name);
  }

  size(name: string): number | undefined {
    return this.files.get(name)?.size;
  }

  /** romfile_loadfile: the whole file, or undefined when fw_cfg has no such file. */
  file(name: string): Uint8Array | undefined {
    const f = this.files.get(name);
    if (f === undefined) return undefined;
    const out = new Uint8Array(f.size);
    this.readEntry(f.select, out, true);
    return out;
  }

  /** The file DMA'd straight into guest memory at `addr` (romfile copy); bytes copied, or −1. */
  readInto(name: string, addr: number): number {
    const f = this.files.get(name);
    if (f === undefined) return -1;
    if (!this.dma) {
      const data = this.file(name)!;
      this.io.writeBytes(addr, data);
      return data.length;
    }
    return this.dmaTransfer(f.select, addr, f.size) ? f.size : -1;
  }

  /** romfile_loadint: a 1/2/4/8-byte little-endian file, else `def`. */
  loadInt(name: string, def: number): number {
    const f = this.files.get(name);
    if (f === undefined || (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8)) return def;
    const b = this.file(name)!;
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

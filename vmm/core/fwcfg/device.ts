import type { IoHandler } from '../bus/address-space.js';

/** QEMU fw_cfg IO interface (docs/specs/fw_cfg.rst): selector, data, and the DMA address register. */
export const FW_CFG_PORT_SEL = 0x510;
export const FW_CFG_PORT_DATA = 0x511;
export const FW_CFG_PORT_DMA = 0x514;
export const FW_CFG_SIGNATURE = 0x00;
export const FW_CFG_ID = 0x01;
export const FW_CFG_RAM_SIZE = 0x03;
export const FW_CFG_NB_CPUS = 0x05;
export const FW_CFG_MAX_CPUS = 0x0f;
export const FW_CFG_FILE_DIR = 0x19;
export const FW_CFG_FILE_FIRST = 0x20;
/** FW_CFG_ID feature bits: traditional interface, DMA interface. */
export const FW_CFG_VERSION = 0x01;
export const FW_CFG_VERSION_DMA = 0x02;
/** FWCfgDmaAccess control bits. */
export const FW_CFG_DMA_CTL_ERROR = 0x01;
export const FW_CFG_DMA_CTL_READ = 0x02;
export const FW_CFG_DMA_CTL_SKIP = 0x04;
export const FW_CFG_DMA_CTL_SELECT = 0x08;
export const FW_CFG_DMA_CTL_WRITE = 0x10;
/** "QEMU CFG" read big-endian from the DMA register when the interface exists. */
export const FW_CFG_DMA_SIGNATURE = 'QEMU CFG';
/** Directory entries: be32 size, be16 select, be16 reserved, 56-byte name. */
export const FW_CFG_FILE_NAME_LEN = 56;

/** What fw_cfg DMA touches: guest memory, as the platform device sees it (no IOMMU on this path). */
export interface FwCfgMemory {
  readBytes(addr: number, out: Uint8Array): void;
  writeBytes(addr: number, data: Uint8Array): void;
  /**
   * Whether one DMA of `bytes` may run (the boot's budget of bytes copied). QEMU itself bounds nothing here
   * (hw/nvram/fw_cfg.c fw_cfg_dma_transfer copies `length` bytes, zero-filling past the item), but
   * a 4 GiB descriptor would cost gigabytes and seconds here: refused ones end with the error bit.
   */
  copyAllowed?(bytes: number): boolean;
}

/**
 * The fw_cfg device: numbered items and named files, read through the traditional byte-wide data
 * port or the DMA interface. Files are kept sorted by name and numbered from 0x20, as QEMU does.
 */
export class FwCfg {
  private readonly items = new Map<number, Uint8Array>();
  private readonly files = new Map<string, Uint8Array>();
  private dirBuilt = false;
  private selected: Uint8Array = NO_ITEM;
  private pos = 0;
  private dmaHigh = 0;

  constructor(private readonly mem: FwCfgMemory) {
    this.items.set(FW_CFG_SIGNATURE, SIGNATURE_ITEM);
    this.items.set(FW_CFG_ID, ID_ITEM);
  }

  setItem(key: number, data: Uint8Array): void {
    this.items.set(key, data);
  }

  addFile(name: string, data: Uint8Array): void {
    this.files.set(name, data);
    this.dirBuilt = false;
  }

  file(name: string): Uint8Array | undefined {
    return this.files.get(name);
  }

  fileNames(): string[] {
    return [...this.files.keys()].sort();
  }

  /**
   * FW_CFG_FILE_DIR and the file items, made on the first selector write after a file was added (once per boot:
   * SeaBIOS reads the directory first). Entries are written byte by byte into the one directory buffer: no
   * encoded copy of each name, no DataView (docs/performance.md §24).
   */
  private buildDirectory(): void {
    if (this.dirBuilt) return;
    const names = this.fileNames();
    const dir = new Uint8Array(4 + names.length * 64);
    putBe32(dir, 0, names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const data = this.files.get(name)!;
      const key = FW_CFG_FILE_FIRST + i;
      const e = 4 + i * 64;
      putBe32(dir, e, data.length);
      dir[e + 4] = key >>> 8;
      dir[e + 5] = key & 0xff;
      putName(dir, e + 8, name);
      this.items.set(key, data);
    }
    this.items.set(FW_CFG_FILE_DIR, dir);
    this.dirBuilt = true;
  }

  private select(key: number): void {
    this.buildDirectory();
    this.selected = this.items.get(key) ?? NO_ITEM;
    this.pos = 0;
  }

  /** Ports 0x510..0x51b: selector (16-bit), data (8-bit), DMA address (two big-endian dwords). */
  readonly ports: IoHandler = {
    read: (offset, width) => {
      if (offset === 1) {
        let v = 0;
        for (let i = 0; i < width; i++) v |= (this.pos < this.selected.length ? this.selected[this.pos++]! : 0) << (8 * i);
        return v >>> 0;
      }
      if (offset >= 4 && offset < 12 && width === 4) {
        // Reading the DMA register returns the signature, big-endian, high dword first.
        const sig = utf8(FW_CFG_DMA_SIGNATURE);
        const o = offset - 4;
        return ((sig[o]! << 24) | (sig[o + 1]! << 16) | (sig[o + 2]! << 8) | sig[o + 3]!) >>> 0;
      }
      return 0;
    },
    write: (offset, width, value) => {
      if (offset === 0 && width >= 2) this.select(value & 0xffff);
      else if (offset === 4 && width === 4) this.dmaHigh = bswap32(value);
      else if (offset === 8 && width === 4) this.dma(this.dmaHigh * 0x1_0000_0000 + bswap32(value));
    },
  };

  // Reused for every DMA: firmware issues dozens per boot, and boots are counted in microseconds. Read byte by
  // byte, not through a DataView: a view asks for the array's `buffer`, which moves V8's small on-heap array
  // to a backing store of its own, per machine.
  private readonly dmaHeader = new Uint8Array(16);
  private readonly dmaStatus = new Uint8Array(4);
  /**
   * Zeros for reads past an item's end (never written to: writeBytes copies out of it), made on the first such
   * read: SeaBIOS never reads past an item, and 64 KiB of zeroed memory per machine was the largest allocation
   * of a boot (docs/performance.md §12).
   */
  private zeroChunk: Uint8Array | undefined;

  /** Executes one FWCfgDmaAccess at `addr` (control, length, address; all big-endian). */
  private dma(addr: number): void {
    const h = this.dmaHeader;
    this.mem.readBytes(addr, h);
    const control = be32(h, 0);
    const length = be32(h, 4);
    const target = be32(h, 8) * 0x1_0000_0000 + be32(h, 12);
    if ((control & FW_CFG_DMA_CTL_SELECT) !== 0) this.select(control >>> 16);
    let status = 0;
    if ((control & FW_CFG_DMA_CTL_READ) !== 0 && this.mem.copyAllowed?.(length) === false) {
      status = FW_CFG_DMA_CTL_ERROR;
    } else if ((control & FW_CFG_DMA_CTL_READ) !== 0) {
      const avail = Math.max(0, Math.min(length, this.selected.length - this.pos));
      // A whole item (what SeaBIOS reads) goes out as it is, without a view of it.
      const sel = this.selected;
      if (avail > 0) this.mem.writeBytes(target, this.pos === 0 && avail === sel.length ? sel : sel.subarray(this.pos, this.pos + avail));
      // Reads past the item's end return zeros (QEMU fw_cfg_dma_transfer).
      // Zeros go out in bounded chunks: one allocation per descriptor of `length` bytes is what a hostile ROM exploits.
      if (avail < length) {
        const zeros = (this.zeroChunk ??= new Uint8Array(ZERO_CHUNK_SIZE));
        for (let done = avail; done < length; done += ZERO_CHUNK_SIZE) {
          const n = Math.min(ZERO_CHUNK_SIZE, length - done);
          this.mem.writeBytes(target + done, n === ZERO_CHUNK_SIZE ? zeros : zeros.subarray(0, n));
        }
      }
      this.pos += avail;
    } else if ((control & FW_CFG_DMA_CTL_SKIP) !== 0) {
      this.pos += length;
    } else if ((control & FW_CFG_DMA_CTL_WRITE) !== 0) {
      status = FW_CFG_DMA_CTL_ERROR; // QEMU 7.2 has no writable items on these machines.
    }
    const st = this.dmaStatus;
    st[0] = status >>> 24;
    st[1] = status >>> 16;
    st[2] = status >>> 8;
    st[3] = status;
    this.mem.writeBytes(addr, st);
  }
}

/**
 * UTF-8 bytes of `s`, as TextEncoder gives them. Every machine encodes its signature and file names: ASCII text
 * is copied byte by byte, without constructing an encoder each time; anything else goes through TextEncoder.
 */
function utf8(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return new TextEncoder().encode(s);
    out[i] = c;
  }
  return out;
}

/**
 * FW_CFG_SIGNATURE ("QEMU") and FW_CFG_ID (traditional and DMA interfaces, little-endian) as QEMU's fw_cfg_init1
 * adds them: the same bytes for every machine, so one constant each (the device never writes an item), not two
 * arrays per machine.
 */
const SIGNATURE_ITEM = Uint8Array.of(0x51, 0x45, 0x4d, 0x55);
const ID_ITEM = Uint8Array.of(FW_CFG_VERSION | FW_CFG_VERSION_DMA, 0, 0, 0);

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** What an unknown selector reads: nothing (never written to; shared, as its length is 0). */
const NO_ITEM = new Uint8Array(0);

function putBe32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/**
 * A directory entry's name: its UTF-8 bytes, at most FW_CFG_FILE_NAME_LEN − 1 of them (the rest stays 0, QEMU's
 * fw_cfg_add_file_callback pstrcpy). ASCII names (all QEMU's) are copied a code unit at a time.
 */
function putName(b: Uint8Array, at: number, name: string): void {
  const max = FW_CFG_FILE_NAME_LEN - 1;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) >= 0x80) {
      b.set(utf8(name).subarray(0, max), at);
      return;
    }
  }
  const n = Math.min(name.length, max);
  for (let i = 0; i < n; i++) b[at + i] = name.charCodeAt(i);
}

/** The largest zero-filled piece one DMA descriptor's tail is written in. */
const ZERO_CHUNK_SIZE = 64 * 1024;

function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

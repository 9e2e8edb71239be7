import { PciFunction, type BarHandler } from '../pci/function.js';
import { igdFeatures, type IgdFeatures, type IgdProps, type LegacyFacts } from './behaviour.js';
import { Gtt } from './gtt.js';
import { HOST_SUBSYSTEM, type HostIgd } from './host.js';
import {
  BAR4_DATA, BAR4_GTT_SELECT, BAR4_INDEX, bar0Size, BDSM_MASK, bdsmRegister, gttOffset, platformGmch,
  IGD_APERTURE_SIZE, IGD_ASLS, IGD_BAR_APERTURE, IGD_BAR_IO, IGD_BAR_MMIO, IGD_BDSM, IGD_BDSM_GEN11, IGD_BGSM, IGD_GMCH,
  IGD_IO_BAR_SIZE, IGD_ROM_SIZE, MMIO_BDSM, MMIO_BGSM, MMIO_GGC, MMIO_STOLEN_RESERVED,
} from './tables.js';

/** GMCH byte crosvm clears on reads ("set stolen memory size to 0", docs/igd.md §7). */
const GMCH_HIGH_BYTE = IGD_GMCH + 1;
const TWO32 = 0x1_0000_0000;

/** Memory behind a BAR the VMM adds to a device (fake-BAR strategies): reads and writes of `width` bytes. */
export interface BarBacking {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): void;
}

/**
 * An Intel IGD assigned with vfio-pci at 00:02.0, as QEMU virtualizes it (docs/igd.md §1, §3.3): GMCH
 * read-only with the guest's GMS, BDSM a scratch register that reads 0 until written (64-bit at 0xC0
 * from gen 11), ASLS scratch, the BAR0 MMIO mirrors, the GTT in BAR0's second half, and BAR4's
 * index/data window onto BAR0. Which of these QEMU emulates depends on its version (x-igd-behaviour)
 * and on legacy mode; `configure` re-decides once the machine around the device is known.
 */
export class IgdFunction extends PciFunction {
  readonly gtt: Gtt;
  features: IgdFeatures;
  /** crosvm's zero-GMS quirk: byte 0x51 of config space reads 0 (the zero-gms strategy). */
  zeroGmsQuirk = false;
  /** BAR5 added by the igd-bar5 strategy. */
  bar5: BarBacking | undefined;
  private index = 0;
  private readonly mmio = new Map<number, number>();
  private readonly gttOff: number;
  private readonly bar0Bytes: number;

  constructor(readonly host: HostIgd, readonly props: IgdProps, facts: LegacyFacts) {
    super({
      vendor: 0x8086, device: host.deviceId, classCode: host.classCode, revision: host.revision,
      subsystemVendor: HOST_SUBSYSTEM.vendor, subsystem: HOST_SUBSYSTEM.id, interruptPin: 1,
    });
    this.bar0Bytes = bar0Size(host.gen);
    this.gttOff = gttOffset(host.gen);
    this.gtt = new Gtt(host.gen, host.gsmSize);
    this.defineBar(IGD_BAR_MMIO, { size: this.bar0Bytes, space: 'mem', is64: true, prefetch: false });
    this.defineBar(IGD_BAR_APERTURE, { size: IGD_APERTURE_SIZE, space: 'mem', is64: true, prefetch: true });
    this.defineBar(IGD_BAR_IO, { size: IGD_IO_BAR_SIZE, space: 'io', is64: false, prefetch: false });
    if (props.romBar) this.defineRom(IGD_ROM_SIZE);
    this.features = igdFeatures(host, props, facts);
    this.applyFeatures();
  }

  get gen(): number {
    return this.host.gen;
  }

  /** Re-decides QEMU's behaviour with the machine's facts (the VMM calls this before firmware runs). */
  configure(facts: LegacyFacts): IgdFeatures {
    this.features = igdFeatures(this.host, this.props, facts);
    this.applyFeatures();
    return this.features;
  }

  private setReg(off: number, bytes: number, value: number, writable: boolean): void {
    let v = value;
    for (let i = 0; i < bytes; i++) {
      this.cfg[off + i] = v % 256;
      this.wmask[off + i] = writable ? 0xff : 0;
      v = Math.floor(v / 256);
    }
  }

  private applyFeatures(): void {
    const f = this.features;
    const h = this.host;
    this.setReg(IGD_GMCH, 2, f.guestGmch, false);
    // The hardware register holds the host's base (locked); QEMU's emulated copy starts at 0, writable.
    const hw = bdsmRegister(h.gen);
    this.setReg(IGD_BDSM, 4, 0, false);
    this.setReg(IGD_BDSM_GEN11, 8, 0, false);
    // MTL and later have no BDSM register (the DSM is found through LMEMBAR).
    if (!h.dsmInLmembar) this.setReg(hw.offset, hw.width, h.bdsm, false);
    if (f.bdsmEmulatedAt !== null) this.setReg(f.bdsmEmulatedAt, f.bdsmEmulatedAt === IGD_BDSM_GEN11 ? 8 : 4, 0, true);
    this.set16(0x0a, f.classCode); // x-pci-class-code
    this.setReg(IGD_ASLS, 4, f.emulateAsls ? 0 : h.asls, f.emulateAsls);
    if (h.gen >= 11) this.setReg(IGD_BGSM, 8, h.bgsm, false);
  }

  /** Where guest drivers read BDSM for this generation (0x5C, or 0xC0/0xC4 from gen 11). */
  get bdsmOffset(): number {
    return bdsmRegister(this.host.gen).offset;
  }

  /** The BDSM register as the guest reads it (raw, 64-bit on gen 11+). */
  guestBdsm(): number {
    const r = bdsmRegister(this.host.gen);
    return r.width === 8 ? this.get32(r.offset + 4) * TWO32 + this.get32(r.offset) : this.get32(r.offset);
  }

  /** The DSM base the guest sees: BDSM with the low 20 bits masked off (INTEL_BSM_MASK). */
  guestBdsmBase(): number {
    const v = this.guestBdsm();
    return v - (v % TWO32) + ((v % TWO32 & BDSM_MASK) >>> 0);
  }

  guestAsls(): number {
    return this.get32(IGD_ASLS);
  }

  get hostBdsm(): number {
    return this.host.bdsm;
  }

  /** The GMCH value a guest read returns (crosvm's quirk applied). */
  guestGmch(): number {
    return this.configRead(IGD_GMCH, 2);
  }

  /** DSM bytes the guest's GMCH announces. */
  stolenSize(): number {
    const d = platformGmch(this.host.name, this.host.gen);
    return d.dsm(d.fields(this.guestGmch()).gms);
  }

  /** GTT (GSM) bytes the guest's GMCH announces. */
  gttSize(): number {
    const d = platformGmch(this.host.name, this.host.gen);
    return d.gsm(d.fields(this.guestGmch()).ggms);
  }

  /** VMM-owned stolen registers (fake-BAR and zero-gms strategies): set the value, the guest cannot write it. */
  setVmmBdsm(addr: number): void {
    const r = bdsmRegister(this.host.gen);
    this.setReg(r.offset, r.width, addr, false);
  }

  setVmmAsls(addr: number): void {
    this.setReg(IGD_ASLS, 4, addr, false);
  }

  override configRead(off: number, width: 1 | 2 | 4): number {
    const v = super.configRead(off, width);
    if (!this.zeroGmsQuirk || off > GMCH_HIGH_BYTE || off + width <= GMCH_HIGH_BYTE) return v;
    return (v & ~(0xff << ((GMCH_HIGH_BYTE - off) * 8))) >>> 0;
  }

  // ---- BARs ----
  override barRead(index: number, offset: number, width: 1 | 2 | 4): number {
    if (index === IGD_BAR_MMIO) return this.bar0Read(offset, width);
    if (index === IGD_BAR_IO) return this.bar4Read(offset, width);
    if (index === 5 && this.bar5 !== undefined) return this.bar5.read(offset, width);
    return super.barRead(index, offset, width);
  }

  override barWrite(index: number, offset: number, width: 1 | 2 | 4, value: number): void {
    if (index === IGD_BAR_MMIO) this.bar0Write(offset, width, value);
    else if (index === IGD_BAR_IO) this.bar4Write(offset, width, value);
    else if (index === 5 && this.bar5 !== undefined) this.bar5.write(offset, width, value);
  }

  private readonly mmioPort: BarHandler = new IgdMmioPort(this);
  private readonly ioPort: BarHandler = new IgdIoPort(this);

  /**
   * BAR0 and BAR4 as objects of their own class: a vBIOS fills the GTT through them (millions of accesses), and the
   * PCI host's generic closure, shared by every device's BARs, would make each call site see many classes.
   */
  override ownBarHandler(index: number): BarHandler | undefined {
    return index === IGD_BAR_MMIO ? this.mmioPort : index === IGD_BAR_IO ? this.ioPort : undefined;
  }

  /** BAR4 (docs/igd.md §4): MMIO_Index at +0, MMIO_Data at +4 (a window onto BAR0); other accesses read 0. */
  bar4Read(offset: number, width: 1 | 2 | 4): number {
    if (offset === BAR4_INDEX && width === 4) return this.index;
    if (offset === BAR4_DATA && width === 4) return this.bar4Target() < 0 ? 0xffffffff : this.bar0Dword(this.bar4Target());
    return 0;
  }

  bar4Write(offset: number, width: 1 | 2 | 4, value: number): void {
    if (width !== 4) return;
    if (offset === BAR4_INDEX) this.bar4Index(value);
    else if (offset === BAR4_DATA) this.bar4Data(value >>> 0);
  }

  /** A dword write to MMIO_Index. */
  bar4Index(value: number): void {
    this.index = value >>> 0;
  }

  /**
   * A dword write to MMIO_Data: the dword bar4Target() selects (a GTT entry inline, a register out of line). `value` is
   * the dword as a uint32 or as its int32 bit pattern (Gtt.writeDword stores `value >>> 0`, the register path gets
   * the uint32): an int32 crosses a call V8 does not inline as a small integer, a uint32 above 2^31 as a new heap
   * number (docs/performance.md §28).
   */
  bar4Data(value: number): void {
    const i = this.index;
    if ((i & BAR4_GTT_SELECT) === 0) this.bar4Register(value >>> 0);
    else {
      // bar4Target() in the GTT half: BAR0 offset gttOff + o, inside BAR0 or nowhere.
      const o = (i & ~3) >>> 0;
      if (o + this.gttOff < this.bar0Bytes) this.gtt.writeDword(o, value);
    }
  }

  private bar4Register(value: number): void {
    const off = this.bar4Target();
    if (off >= this.gttOff) this.gtt.writeDword(off - this.gttOff, value);
    else if (off >= 0) this.bar0WriteRegister(off, value);
  }

  /** BAR0 offset MMIO_Index selects: bits 31:2 a byte offset, bit 0 the GTT half (docs/igd.md §4); -1 outside BAR0. */
  bar4Target(): number {
    const i = this.index;
    const off = ((i & ~3) >>> 0) + ((i & BAR4_GTT_SELECT) !== 0 ? this.gttOff : 0);
    return off < this.bar0Bytes ? off : -1;
  }

  /** A BAR0 access of `width` bytes: the dword holding it, shifted. */
  bar0Read(offset: number, width: 1 | 2 | 4): number {
    const d = this.bar0Dword(offset & ~3);
    if (width === 4) return d;
    const s = (offset & 3) * 8;
    return (d >>> s) & (width === 1 ? 0xff : 0xffff);
  }

  bar0Write(offset: number, width: 1 | 2 | 4, value: number): void {
    const base = offset & ~3;
    if (width === 4) return this.bar0WriteDword(base, value >>> 0);
    const s = (offset & 3) * 8;
    const m = (width === 1 ? 0xff : 0xffff) << s;
    this.bar0WriteDword(base, ((this.bar0Dword(base) & ~m) | ((value << s) & m)) >>> 0);
  }

  /** One BAR0 dword: the GTT, the mirrors of config/host registers, or plain register storage. */
  bar0Dword(off: number): number {
    if (off >= this.gttOff) return this.gtt.readDword(off - this.gttOff);
    const f = this.features;
    const h = this.host;
    switch (off) {
      case MMIO_GGC: return f.ggcMirror ? this.get16(IGD_GMCH) : h.gmch;
      case MMIO_BDSM: return f.bdsmMirror ? this.get32(this.bdsmOffset) : h.bdsm % TWO32;
      case MMIO_BDSM + 4: return h.gen < 11 ? 0 : f.bdsmMirror ? this.get32(this.bdsmOffset + 4) : Math.floor(h.bdsm / TWO32);
      case MMIO_BGSM: return h.bgsm % TWO32;
      case MMIO_BGSM + 4: return Math.floor(h.bgsm / TWO32);
      case MMIO_STOLEN_RESERVED: return h.stolenReservedReg % TWO32;
      case MMIO_STOLEN_RESERVED + 4: return h.gen < 11 ? 0 : Math.floor(h.stolenReservedReg / TWO32);
      default: return this.mmio.get(off) ?? 0;
    }
  }

  bar0WriteDword(off: number, value: number): void {
    // GTT writes (the vBIOS's bulk) take this small branch, which V8 inlines into the BAR handlers; registers are out of line.
    if (off >= this.gttOff) this.gtt.writeDword(off - this.gttOff, value);
    else this.bar0WriteRegister(off, value);
  }

  private bar0WriteRegister(off: number, value: number): void {
    switch (off) {
      case MMIO_GGC: case MMIO_BGSM: case MMIO_BGSM + 4: case MMIO_STOLEN_RESERVED: case MMIO_STOLEN_RESERVED + 4:
        return; // locked by the host BIOS
      case MMIO_BDSM: case MMIO_BDSM + 4:
        // QEMU forwards mirror writes to its emulated config; the host's locked register ignores them.
        if (this.features.bdsmMirror && (off === MMIO_BDSM || this.host.gen >= 11)) this.configWrite(this.bdsmOffset + off - MMIO_BDSM, 4, value);
        return;
      default:
        this.mmio.set(off, value >>> 0);
    }
  }
}

/** BAR0 of one IGD, as the CPU reaches it (IgdFunction.ownBarHandler). */
class IgdMmioPort implements BarHandler {
  constructor(private readonly igd: IgdFunction) {}
  read(offset: number, width: 1 | 2 | 4): number {
    return this.igd.bar0Read(offset, width);
  }
  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.igd.bar0Write(offset, width, value);
  }
}

/** BAR4 (the I/O index/data pair) of one IGD, as the CPU reaches it (IgdFunction.ownBarHandler). */
class IgdIoPort implements BarHandler {
  private readonly index: BarHandler;
  private readonly data: BarHandler;
  constructor(private readonly igd: IgdFunction) {
    this.index = new IgdIndexPort(igd);
    this.data = new IgdDataPort(igd);
  }
  read(offset: number, width: 1 | 2 | 4): number {
    return this.igd.bar4Read(offset, width);
  }
  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.igd.bar4Write(offset, width, value);
  }
  /** MMIO_Index and MMIO_Data each as a handler of their own (bar4Write's dispatch done once). */
  forOffset(offset: number): BarHandler {
    return offset === BAR4_INDEX ? this.index : offset === BAR4_DATA ? this.data : this;
  }
  /**
   * A dword MMIO_Index write then a dword MMIO_Data write as one call (the bus's IoHandler.forPair, spelled
   * structurally: devices/ does not import vmm/). An index write only records the index, so it moves no BAR.
   */
  forPair(a: number, wa: 1 | 2 | 4, b: number, wb: 1 | 2 | 4): IgdIndexDataPair | undefined {
    return a === BAR4_INDEX && wa === 4 && b === BAR4_DATA && wb === 4 ? new IgdIndexDataPair(this.igd) : undefined;
  }
}

/**
 * bar4Write(0, 4, a) then bar4Write(4, 4, b) in one method: one call, one layer, where the index and data ports are two
 * of each (the BAR4 quirk's pass-through path, docs/performance.md §28). `a`, `b`: int32 bit patterns.
 */
export class IgdIndexDataPair {
  constructor(private readonly igd: IgdFunction) {}
  writePair(a: number, b: number): void {
    this.igd.bar4Index(a);
    this.igd.bar4Data(b); // the int32 bit pattern as is (bar4Data)
  }
}

/** BAR4 at MMIO_Index only (IgdIoPort.forOffset): bar4Write for offset 0. */
class IgdIndexPort implements BarHandler {
  constructor(private readonly igd: IgdFunction) {}
  read(offset: number, width: 1 | 2 | 4): number {
    return this.igd.bar4Read(offset, width);
  }
  write(_offset: number, width: 1 | 2 | 4, value: number): void {
    if (width === 4) this.igd.bar4Index(value);
  }
}

/** BAR4 at MMIO_Data only (IgdIoPort.forOffset): bar4Write for offset 4. */
class IgdDataPort implements BarHandler {
  constructor(private readonly igd: IgdFunction) {}
  read(offset: number, width: 1 | 2 | 4): number {
    return this.igd.bar4Read(offset, width);
  }
  write(_offset: number, width: 1 | 2 | 4, value: number): void {
    if (width === 4) this.igd.bar4Data(value >>> 0);
  }
}

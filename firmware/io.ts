/**
 * Everything firmware can touch, as a CPU can: IO ports and the physical address space.
 * Config space, fw_cfg and the debug console are reached only through these, as real SeaBIOS does.
 */
export interface FirmwareIo {
  inb(port: number): number;
  inw(port: number): number;
  inl(port: number): number;
  outb(port: number, value: number): void;
  outw(port: number, value: number): void;
  /** Writes the low 32 bits of `value`: a uint32, or its int32 bit pattern (SeaBIOS's CF8 addresses pass as such). */
  outl(port: number, value: number): void;
  /** Physical memory (RAM or MMIO), little-endian. */
  readMem(addr: number, width: 1 | 2 | 4): number;
  writeMem(addr: number, width: 1 | 2 | 4, value: number): void;
  readBytes(addr: number, out: Uint8Array): void;
  writeBytes(addr: number, data: Uint8Array): void;
  /**
   * Optional `rep outsb`: writes each character code of `text` (0..255) to `port`, in order; the same
   * as calling outb per character. Firmware falls back to outb when a machine does not provide it.
   */
  outsb?(port: number, text: string): void;
  /**
   * Optional `rep outsb` from a buffer, as the instruction reads DS:SI: the first `count` character codes of
   * `chars`, in order. Firmware uses it when `outsb` is absent, so printing a line needs no string
   * (docs/performance.md §12). A machine offers one of the two; a wrapper that overrides `outsb` sees the text.
   */
  outsbFrom?(port: number, chars: Uint16Array, count: number): void;
  /**
   * Optional `rep outsb` of text that is made only when read: record `index` of `text`, `length` characters
   * (the count the instruction would write, so a budget charges the same). The same bytes as `outsbFrom` of that
   * record's text, in the same order with every other write to the port (docs/performance.md §16). Firmware
   * prefers it to `outsbFrom`; an io that overrides `outsb` still gets strings.
   */
  outsbDeferred?(port: number, text: DeferredText, index: number, length: number): void;
  /**
   * CPUID as the guest's vCPU answers it: [eax, ebx, ecx, edx]. Firmware reads the vendor (leaf 0) and the
   * physical address bits (leaf 0x80000008) here, as SeaBIOS's paravirt.c and OVMF's PlatformInitLib do.
   */
  cpuid(leaf: number, subleaf?: number): readonly [number, number, number, number];
}

/** Text kept as records (a firmware's debug log), made on demand: `textOf(from, to)` is records [from, to). */
export interface DeferredText {
  textOf(from: number, to: number): string;
}

/** Ports and addresses of QEMU's PC platform that SeaBIOS hard-codes (SeaBIOS src/hw/*.h, QEMU hw/i386). */
export const PORT_DEBUGCON = 0x402; // isa-debugcon, SeaBIOS CONFIG_DEBUG_IO
export const DEBUGCON_READBACK = 0xe9;

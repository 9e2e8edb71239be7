/**
 * Bundled ROM programs, kept as the YAML users would write (so they document the format and load
 * through the same validator). The two IGD vBIOS behaviours differ only in what the BDSM cache slot
 * of the ROM image holds (docs/igd.md §4, §4.4): a clean image reads config 0x5E; the host's shadow copy
 * still carries the host's BDSM and never looks at config space.
 */

/** The vBIOS mode set shared by both IGD programs, after the BDSM routine has put its value in `bdsm`. */
const IGD_MODE_SET = `
  # The I/O BAR (BAR4, config 0x20): MMIO_Index at +0, MMIO_Data at +4 (docs/igd.md §4).
  - config-read: { offset: 0x20, width: 4, into: bar4 }
  - set: { iobase: "bar4 & 0xfffc" }
  - set:
      stride: "width * (bpp / 8)"
      pages: "(width * (bpp / 8) * height + 4095) >> 12"
      pteSize: "gen >= 8 ? 8 : 4"
  # Map the framebuffer at graphics address 0: entry k -> (BDSM + k * 4 KiB) | valid, through index
  # 1 + k * pteSize (bit 0 selects the GTT); gen 8+ PTEs are 64-bit, their high dword at index 5 + 8k.
  - loop:
      var: k
      count: pages
      do:
        - io-write: { port: iobase, value: "1 + k * pteSize" }
        - io-write: { port: "iobase + 4", value: "(bdsm + (k << 12)) | 1" }
        - if: "pteSize == 8"
          then:
            - io-write: { port: iobase, value: "5 + k * 8" }
            - io-write: { port: "iobase + 4", value: "(bdsm + (k << 12)) >> 32" }
  # Plane 1 of pipe A through MMIO_Index with bit 0 clear (MMIO registers), as i915 names them:
  # PIPEASRC 0x6001C, DSPASTRIDE 0x70188, DSPASURF 0x7019C (graphics address), DSPACNTR 0x70180.
  - io-write: { port: iobase, value: 0x6001c }
  - io-write: { port: "iobase + 4", value: "((width - 1) << 16) | (height - 1)" }
  - io-write: { port: iobase, value: 0x70188 }
  - io-write: { port: "iobase + 4", value: stride }
  - io-write: { port: iobase, value: 0x7019c }
  - io-write: { port: "iobase + 4", value: 0 }
  - io-write: { port: iobase, value: 0x70180 }
  - io-write: { port: "iobase + 4", value: 0x98000000 }
  - log: "VGABIOS: mode {width}x{height} at GTT 0, stolen base {bdsm}\\n"
`;

/**
 * The vBIOS's BDSM routine (docs/igd.md §4): return the code-segment cache when it holds a value, else
 * read the config word at 0x5E of 00:02.0, shift it left 16 and cache it. Gen 11+ moved BDSM to the
 * 64-bit register at 0xC0 (docs/igd.md §1.1); no gen 11+ vBIOS disassembly is documented, so there the
 * routine is assumed to read that register instead.
 */
const IGD_BDSM_ROUTINE = `  - if: "bdsmCache == 0"
    then:
      - if: "gen >= 11"
        then:
          - config-read: { bdf: "00:02.0", offset: 0xc0, width: 4, into: bdsmLo }
          - config-read: { bdf: "00:02.0", offset: 0xc4, width: 4, into: bdsmUp }
          - set: { bdsmCache: "bdsmUp * 0x100000000 + (bdsmLo & 0xfff00000)" }
        else:
          - config-read: { bdf: "00:02.0", offset: 0x5e, width: 2, into: bdsmHi }
          - set: { bdsmCache: "bdsmHi << 16" }
  - set: { bdsm: bdsmCache }
`;

const IGD_VARS = `
vars:
  gen: 9          # i915 generation; the runner passes the device's
  hostBdsm: 0     # the host's BDSM; the runner passes the host model's
  width: 1024     # the mode set's resolution and depth
  height: 768
  bpp: 32
`;

const READS_BDSM = `name: reads-bdsm
description: >-
  Intel vBIOS from a clean image (docs/igd.md §4, §11.7): its BDSM routine finds the code-segment cache
  empty, reads the config word at 0x5E of 00:02.0 (CF8 address 0x105E) and shifts it left by 16, so the
  GTT gets the guest's stolen-memory addresses.
${IGD_VARS}
steps:
  - set: { bdsmCache: 0 }
${IGD_BDSM_ROUTINE}${IGD_MODE_SET}`;

const CACHED_HOST_BDSM = `name: cached-host-bdsm
description: >-
  Intel vBIOS as the kernel returns it: the host's shadow copy (docs/igd.md §4.4), whose BDSM cache slot
  still holds the host's stolen base. The routine returns the cached value without reading config
  space, so the GTT gets host addresses (gen 6-9 vBIOSes).
${IGD_VARS}
steps:
  - set: { bdsmCache: hostBdsm }
${IGD_BDSM_ROUTINE}${IGD_MODE_SET}`;

/**
 * Every PTE of the GTT through the BAR4 index/data pair (the benchmark's workload): entry k points at
 * BDSM + (k × 4 KiB mod 64 MiB), so the whole GTT maps the stolen memory over and over.
 */
const FILL_GTT = `name: fill-gtt
description: >-
  Writes every PTE of the GTT through the BAR4 index/data pair, entry k pointing at BDSM + (k * 4 KiB
  modulo 64 MiB).
vars:
  gen: 9
  gttBytes: 0x800000   # GSM size
steps:
  - config-read: { bdf: "00:02.0", offset: 0x5e, width: 2, into: bdsmHi }
  - set: { bdsm: "bdsmHi << 16" }
  - config-read: { offset: 0x20, width: 4, into: bar4 }
  - set: { iobase: "bar4 & 0xfffc", data: "(bar4 & 0xfffc) + 4" }
  - if: "gen >= 8"
    then:
      - loop:
          var: k
          count: "gttBytes >> 3"
          do:
            - io-write: { port: iobase, value: "(k << 3) | 1" }
            - io-write: { port: data, value: "(bdsm + ((k << 12) & 0x3ffffff)) | 1" }
            - io-write: { port: iobase, value: "(k << 3) | 5" }
            - io-write: { port: data, value: 0 }
    else:
      - loop:
          var: k
          count: "gttBytes >> 2"
          do:
            - io-write: { port: iobase, value: "(k << 2) | 1" }
            - io-write: { port: data, value: "(bdsm + ((k << 12) & 0x3ffffff)) | 1" }
`;

/**
 * The UEFI GOP of a gen 11+ romfile (IntelGopDriver with PlatformGopPolicy, next to IgdAssignmentDxe): no legacy VBIOS
 * exists from gen 11 and the I/O BAR does not work there, so it reads the 64-bit BDSM (0xC0/0xC4) and ASLS the firmware
 * set up and programs the GTT and plane A through BAR0 (GTT in BAR0's second half, 64-bit PTEs). BDSM 0: no mode set.
 */
const INTEL_GOP = `name: intel-gop
description: >-
  Intel UEFI GOP (gen 11+): framebuffer in stolen memory at the guest BDSM, GTT and plane written through BAR0 MMIO.
vars:
  gen: 12
  hostBdsm: 0
  width: 1024
  height: 768
  bpp: 32
steps:
  - config-read: { bdf: "00:02.0", offset: 0xc0, width: 4, into: bdsmLo }
  - config-read: { bdf: "00:02.0", offset: 0xc4, width: 4, into: bdsmUp }
  - set: { bdsm: "bdsmUp * 0x100000000 + (bdsmLo & 0xfff00000)" }
  - config-read: { offset: 0x10, width: 4, into: bar0Lo }
  - config-read: { offset: 0x14, width: 4, into: bar0Hi }
  - set: { mmio: "bar0Hi * 0x100000000 + (bar0Lo & 0xfffffff0)" }
  - if: "bdsm == 0"
    then:
      - log: "IntelGopDriver: no stolen memory (BDSM 0), no mode set\\n"
    else:
      - set:
          stride: "width * (bpp / 8)"
          pages: "(width * (bpp / 8) * height + 4095) >> 12"
          gtt: "mmio + 0x800000"
      - loop:
          var: k
          count: pages
          do:
            - mem-write: { addr: "gtt + k * 8", width: 4, value: "(bdsm + (k << 12)) | 1" }
            - mem-write: { addr: "gtt + k * 8 + 4", width: 4, value: "(bdsm + (k << 12)) >> 32" }
      - mem-write: { addr: "mmio + 0x6001c", width: 4, value: "((width - 1) << 16) | (height - 1)" }
      - mem-write: { addr: "mmio + 0x70188", width: 4, value: stride }
      - mem-write: { addr: "mmio + 0x7019c", width: 4, value: 0 }
      - mem-write: { addr: "mmio + 0x70180", width: 4, value: 0x98000000 }
      - log: "IntelGopDriver: mode {width}x{height} at GTT 0, stolen base {bdsm}\\n"
`;

export const BUNDLED_ROMS: Readonly<Record<string, string>> = {
  'reads-bdsm': READS_BDSM,
  'cached-host-bdsm': CACHED_HOST_BDSM,
  'fill-gtt': FILL_GTT,
  'intel-gop': INTEL_GOP,
};

/** The vBIOS behaviours `firmware.vbios` / `--vbios` name. */
export const VBIOS_NAMES = ['reads-bdsm', 'cached-host-bdsm'] as const;

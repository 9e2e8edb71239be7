/**
 * VT-d and vfio type1 facts used by the IOMMU model. Each constant names its source: a docs/iommu.md section and
 * VT = QEMU hw/i386/intel_iommu*.{c,h}, LD = Linux dmar.c, VF = Linux vfio_iommu_type1.c / uapi vfio.h.
 */

// ---- register file (docs/iommu.md §2.1; VT intel_iommu_internal.h) ----
export const DMAR_BASE = 0xfed90000; // Q35 DMAR unit, docs/iommu.md §2.1
export const DMAR_REG_SIZE = 0x230; // docs/iommu.md §2.1
export const REG_VER = 0x00; // docs/iommu.md §2.1
export const REG_CAP = 0x08; // docs/iommu.md §2.1 (64-bit)
export const REG_ECAP = 0x10; // docs/iommu.md §2.1 (64-bit)
export const REG_FSTS = 0x34; // docs/iommu.md §2.1
export const REG_FECTL = 0x38; // docs/iommu.md §2.1
export const REG_FEDATA = 0x3c; // docs/iommu.md §2.1
export const REG_FEADDR = 0x40; // docs/iommu.md §2.1
export const REG_FEUADDR = 0x44; // docs/iommu.md §2.1
export const REG_FRCD = 0x220; // FRCD[0], 16 bytes per record, docs/iommu.md §2.1
export const FRCD_LEN = 16; // docs/iommu.md §7
export const VER_VALUE = 0x10; // version 1.0, docs/iommu.md §2.1

// ---- FSTS / FECTL bits (docs/iommu.md §2.1, §5) ----
export const FSTS_PFO = 0x1; // primary fault overflow, RW1C
export const FSTS_PPF = 0x2; // primary pending fault, RO (derived from the F bits)
export const FSTS_IQE = 0x10; // invalidation queue error, RW1C
export const FSTS_PRO = 0x80; // page request overflow: Linux writes it back (LD dmar_fault), unmodelled
export const FSTS_FRI_SHIFT = 8; // FRI b15:8
export const FSTS_W1C_MASK = 0x11; // QEMU's write-1-to-clear mask, docs/iommu.md §2.1
export const FECTL_IM = 0x80000000; // interrupt mask, reset value (docs/iommu.md §2.1)
export const FECTL_IP = 0x40000000; // interrupt pending, RO
export const FEDATA_WMASK = 0x0000ffff; // QEMU vtd_init write mask
export const FEADDR_WMASK = 0xfffffffc; // QEMU vtd_init write mask; FEUADDR is RsvdZ without ECAP.EIM

// ---- FRCD bits (docs/iommu.md §7), in 32-bit words: w0/w1 = low qword (FI), w2/w3 = high qword ----
export const FRCD_F = 0x80000000; // high qword b63 = w3 b31, RW1C
export const FRCD_T = 0x40000000; // high qword b62 = w3 b30: 1 = read (QEMU), "DMA Read" (LD)
export const FRCD_PP = 0x80000000; // high qword b31 = w2 b31: PASID present (never set here)

// ---- CAP / ECAP as QEMU's vtd_init builds them (docs/iommu.md §2.2) ----
export const CAP_FRO = REG_FRCD >> 4; // b33:24
export const CAP_ND = 6; // b2:0, 16-bit domain ids
export const CAP_MAMV = 18; // b53:48, largest page-selective invalidation mask
export const CAP_SAGAW_39 = 0x2; // b12:8 value for 3-level tables
export const CAP_SAGAW_48 = 0x4; // b12:8 value for 4-level tables
export const ECAP_QI = 0x2; // b1
export const ECAP_IRO = 0xf0 >> 4; // b17:8, IOTLB registers at 0xf0

// ---- address widths (docs/iommu.md §2.2, §4) ----
export const AW_BITS_DEFAULT = 48; // QEMU's default since the 2024 series; 39 still accepted
/** Host address width of the modelled hardware: PTE/entry address bits above it are reserved. */
export const HAW = 48;

// ---- root / context entries, legacy mode (docs/iommu.md §3; VT intel_iommu_internal.h) ----
export const ENTRY_P = 0x1; // root and context present bit
export const CTX_FPD = 0x2; // fault processing disable, lo b1
export const CTX_TT_SHIFT = 2; // TT lo b3:2
export const CTX_TT_MULTI_LEVEL = 0; // docs/iommu.md §3
export const CTX_TT_DEV_IOTLB = 1; // needs ECAP.DT (not offered)
export const CTX_TT_PASS_THROUGH = 2; // needs ECAP.PT (not offered)
export const ROOT_RSVD_LO = 0xffe; // VTD_ROOT_ENTRY_RSVD(aw): b11:1 plus bits above HAW
export const CTX_RSVD_LO = 0xff0; // VTD_CONTEXT_ENTRY_RSVD_LO(aw): 0xff0 plus bits above HAW
export const CTX_RSVD_HI_LO32 = 0xff000080; // VTD_CONTEXT_ENTRY_RSVD_HI = 0xffffffffff000080, low word
export const CTX_RSVD_HI_HI32 = 0xffffffff; // ... high word
/** Reserved bits in the high word of any table entry's address qword: b51:HAW (HAW = 48). */
export const ADDR_RSVD_HI32 = 0x000f0000;

// ---- second-level PTEs (docs/iommu.md §4; VT VTD_SPTE_*_RSVD_MASK, DT not supported) ----
export const PTE_R = 0x1; // b0
export const PTE_W = 0x2; // b1
export const PTE_PS = 0x80; // b7: leaf at level 2 (2 MiB) or 3 (1 GiB)
export const PTE_RSVD_HI32 = 0x400f0000; // ~(HAW mask | SL_IGN_COM 0xbff0...) high word: b62 (TM) + b51:48
export const PTE_RSVD_LO_L1_L3 = 0x800; // VTD_SPTE_PAGE_L1..L3_RSVD_MASK low word (SNP unsupported)
export const PTE_RSVD_LO_L4 = 0x880; // VTD_SPTE_PAGE_L4_RSVD_MASK: PS is reserved at level 4
export const PTE_RSVD_LO_LARGE_L2 = 0x1ff800; // VTD_SPTE_LPAGE_L2_RSVD_MASK low word
export const PTE_RSVD_LO_LARGE_L3 = 0x3ffff800; // VTD_SPTE_LPAGE_L3_RSVD_MASK low word

// ---- MSI window: never DMA-translated (docs/iommu.md §4, §10) ----
export const MSI_FIRST = 0xfee00000;
export const MSI_LAST = 0xfeefffff;

// ---- IOTLB (docs/iommu.md §5) ----
export const IOTLB_MAX_SIZE = 1024; // QEMU VTD_IOTLB_MAX_SIZE: full → flush everything

// ---- fault reasons (docs/iommu.md §6: FR, Linux dma_remap_fault_reasons[] string, QEMU "qualified") ----
export const FR_ROOT_ENTRY_P = 0x1;
export const FR_CONTEXT_ENTRY_P = 0x2;
export const FR_CONTEXT_ENTRY_INV = 0x3;
export const FR_ADDR_BEYOND_MGAW = 0x4;
export const FR_WRITE = 0x5;
export const FR_READ = 0x6;
export const FR_PAGING_ENTRY_INV = 0x7;
export const FR_ROOT_TABLE_INV = 0x8;
export const FR_CONTEXT_TABLE_INV = 0x9;
export const FR_ROOT_ENTRY_RSVD = 0xa;
export const FR_CONTEXT_ENTRY_RSVD = 0xb;
export const FR_PAGING_ENTRY_RSVD = 0xc;
export const FR_CONTEXT_ENTRY_TT = 0xd;

/** Linux's strings, index = FR (docs/iommu.md §6, LD). */
export const DMA_FAULT_REASONS: readonly string[] = [
  'Software',
  'Present bit in root entry is clear',
  'Present bit in context entry is clear',
  'Invalid context entry',
  'Access beyond MGAW',
  'PTE Write access is not set',
  'PTE Read access is not set',
  'Next page table ptr is invalid',
  'Root table address invalid',
  'Context table ptr is invalid',
  'non-zero reserved fields in RTP',
  'non-zero reserved fields in CTP',
  'non-zero reserved fields in PTE',
  'PCE for translation request specifies blocking',
];

/** QEMU vtd_qualified_faults[]: suppressed when the context entry has FPD = 1 (docs/iommu.md §6; 0xB has no entry). */
export const QUALIFIED_FAULT: readonly boolean[] = [
  false, false, true, true, true, true, true, true, false, false, false, false, true, true,
];

// ---- vfio type1 (docs/iommu.md §10; VF) ----
export const VFIO_DMA_MAP_FLAG_READ = 1; // device may read
export const VFIO_DMA_MAP_FLAG_WRITE = 2; // device may write
export const VFIO_DMA_ENTRY_LIMIT = 65535; // dma_entry_limit module parameter default (U16_MAX)
export const IOMMU_PAGE_SIZE = 4096; // smallest page of iova_pgsizes on VT-d
/** Linux errno numbers for the codes the container returns. */
export const ERRNO = { EFAULT: 14, EBUSY: 16, EEXIST: 17, EINVAL: 22, ENOSPC: 28, ENOMEM: 12 } as const;

import type { LaneId, RegionKind } from './model.js';

/** Colours and names of every region kind: one table for the drawing and its legend. */
export const KIND_STYLE: Record<RegionKind, { fill: string; stroke: string; text: string; name: string; dash?: string; halo?: boolean }> = {
  ram: { fill: '#9bd49b', stroke: '#3f8f3f', text: '#123', name: 'RAM (e820)' },
  reserved: { fill: '#cfcfcf', stroke: '#7a7a7a', text: '#222', name: 'e820 reserved' },
  acpi: { fill: '#f3dc8f', stroke: '#a98a1f', text: '#222', name: 'e820 ACPI' },
  nvs: { fill: '#efb877', stroke: '#a7661d', text: '#222', name: 'e820 NVS' },
  window32: { fill: '#dde9f7', stroke: '#5c8fc8', text: '#123', name: 'PCI 32-bit window' },
  window64: { fill: '#e7e1f6', stroke: '#8571c0', text: '#123', name: 'PCI 64-bit window' },
  'bridge-mem': { fill: '#fff2c4', stroke: '#c89c00', text: '#222', name: 'bridge mem window' },
  'bridge-prefmem': { fill: '#fde1ef', stroke: '#c0588f', text: '#222', name: 'bridge prefetch window' },
  'bar-mem': { fill: '#4f8fd0', stroke: '#1f5f9f', text: '#fff', name: 'memory BAR' },
  'bar-prefmem': { fill: '#8f6fcf', stroke: '#5a3f99', text: '#fff', name: 'prefetchable BAR' },
  rom: { fill: '#9a9a9a', stroke: '#5f5f5f', text: '#fff', name: 'ROM BAR' },
  stolen: { fill: '#f39c4a', stroke: '#b0601a', text: '#222', name: 'IGD guest stolen memory' },
  opregion: { fill: '#e0603f', stroke: '#9a3018', text: '#fff', name: 'IGD OpRegion' },
  'host-stolen': { fill: '#f4f4f4', stroke: '#555', text: '#333', name: 'host stolen (not guest)', dash: '4 3' },
  dirty: { fill: '#d8f3ee', stroke: '#2a9d8f', text: '#134', name: 'dirty-tracked range' },
  fault: { fill: '#d62828', stroke: '#8a0f0f', text: '#fff', name: 'IOMMU fault' },
  corruption: { fill: 'url(#HATCH)', stroke: '#b00000', text: '#600', name: 'DMA corruption', halo: true },
};

/** minCol: a lane with overlapping regions (nested bridge windows) widens to give each column this much. */
export const LANES: readonly { id: LaneId; title: string; width: number; minCol?: number }[] = [
  { id: 'e820', title: 'e820 / RAM', width: 130 },
  { id: 'windows', title: 'PCI windows', width: 110 },
  { id: 'bridges', title: 'bridge windows', width: 160, minCol: 122 },
  { id: 'bars', title: 'BARs by device', width: 300 },
  { id: 'igd', title: 'IGD stolen memory / OpRegion', width: 200 },
  { id: 'dirty', title: 'dirty tracking', width: 190, minCol: 150 },
  { id: 'iommu', title: 'IOMMU faults / corruption', width: 170 },
];

export const FONT = "'DejaVu Sans', Verdana, Arial, sans-serif";
/** Average glyph width / font size for the font above (for truncating labels, not exact). */
export const CHAR_W = 0.6;

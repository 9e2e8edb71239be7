import type { BootReport } from '../report/types.js';
import { buildAxis, type Axis } from './axis.js';
import { buildMapModel, sizeText, type MapModel, type MapRegion, type RegionKind } from './model.js';
import { CHAR_W, FONT, KIND_STYLE, LANES } from './style.js';

export interface SvgOptions {
  /** Prefix for ids inside the SVG, so several can share one HTML page. */
  readonly idPrefix?: string;
}

const AXIS_W = 124;
const LANE_GAP = 8;
const PAD = 12;
const FS = 11;
const FOUR_G = 0x1_0000_0000;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 0x1_0000_0000 style above 32 bits so long addresses stay readable. */
export function addrText(n: number): string {
  const h = n.toString(16);
  if (h.length <= 8) return '0x' + h;
  return '0x' + h.replace(/\B(?=([0-9a-f]{4})+$)/g, '_');
}

function fit(text: string, px: number): string | null {
  const max = Math.floor(px / (FS * CHAR_W));
  if (max < 3) return null;
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** Greedy interval packing: overlapping regions of one lane (nested bridge windows) go side by side. */
function pack(regions: MapRegion[]): { r: MapRegion; col: number }[] {
  const sorted = [...regions].sort((a, b) => a.start - b.start || b.end - a.end);
  const ends: number[] = [];
  return sorted.map((r) => {
    let col = ends.findIndex((e) => e <= r.start);
    if (col < 0) col = ends.push(0) - 1;
    ends[col] = r.end;
    return { r, col };
  });
}

/** A self-contained SVG picture of one boot's guest physical address map. */
export function renderMapSvg(report: BootReport, opts: SvgOptions = {}): string {
  return renderModelSvg(buildMapModel(report), opts);
}

export function renderModelSvg(m: MapModel, opts: SvgOptions = {}): string {
  const id = opts.idPrefix ?? 'map';
  const lanes = LANES.filter((l) => l.id === 'e820' || l.id === 'bars' || m.regions.some((r) => r.lane === l.id)).map((l) => {
    const packed = pack(m.regions.filter((r) => r.lane === l.id));
    const cols = Math.max(1, ...packed.map((p) => p.col + 1));
    return { ...l, packed, cols, width: Math.max(l.width, cols * (l.minCol ?? 0)) };
  });
  const kinds = [...new Set(m.regions.map((r) => r.kind))].sort((a, b) => kindOrder(a) - kindOrder(b));
  const width = PAD * 2 + AXIS_W + lanes.reduce((s, l) => s + l.width + LANE_GAP, 0);
  const legendRows = Math.ceil(kinds.length / Math.max(1, Math.floor((width - 2 * PAD) / 190)));
  const top = PAD + 44 + legendRows * 18 + 26;
  const axis = buildAxis(m.regions, [FOUR_G]);
  const noteLines = m.notes.flatMap((n) => wrap(n, Math.floor((width - 2 * PAD) / (FS * CHAR_W))));
  const height = top + axis.height + 24 + noteLines.length * 15 + PAD;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}" font-size="${FS}">`);
  o.push(`<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffd6d6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c00000" stroke-width="3"/></pattern></defs>`);
  o.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<text x="${PAD}" y="${PAD + 16}" font-size="16" font-weight="bold">${esc(m.title)}</text>`);
  if (m.subtitle) o.push(`<text x="${PAD}" y="${PAD + 34}" font-size="12" fill="#444">${esc(m.subtitle)}</text>`);
  legend(o, kinds, width, PAD + 44, id);

  const x0 = PAD + AXIS_W;
  let x = x0;
  const laneX = new Map<string, number>();
  for (const l of lanes) {
    laneX.set(l.id, x);
    o.push(`<rect x="${x}" y="${top}" width="${l.width}" height="${axis.height}" fill="#fafafa" stroke="#e3e3e3"/>`);
    o.push(`<text x="${x + l.width / 2}" y="${top - 8}" text-anchor="middle" font-weight="bold" fill="#333">${esc(l.title)}</text>`);
    x += l.width + LANE_GAP;
  }
  const xEnd = x - LANE_GAP;
  drawAxis(o, axis, top, x0, xEnd);

  for (const l of lanes) {
    const cw = (l.width - 4) / l.cols;
    for (const { r, col } of l.packed) drawRegion(o, r, laneX.get(l.id)! + 2 + col * cw, cw - 2, axis, top, id);
  }
  // Faults and corruption as bands across every lane: what they hit is read off horizontally.
  for (const r of m.regions.filter((q) => q.kind === 'fault' || q.kind === 'corruption')) {
    const y1 = top + axis.y(r.end);
    const y2 = top + axis.y(r.start);
    o.push(`<rect x="${x0}" y="${y1}" width="${xEnd - x0}" height="${Math.max(2, y2 - y1)}" fill="#d62828" fill-opacity="0.12" stroke="#d62828" stroke-opacity="0.5" stroke-dasharray="3 2"/>`);
  }
  let ny = top + axis.height + 24;
  for (const line of noteLines) {
    o.push(`<text x="${PAD}" y="${ny}" fill="${/^(FIRMWARE PANIC|hazard)/.test(line) ? '#a00000' : '#444'}">${esc(line)}</text>`);
    ny += 15;
  }
  o.push('</svg>');
  return o.join('\n');
}

function kindOrder(k: RegionKind): number {
  return Object.keys(KIND_STYLE).indexOf(k);
}

function fillOf(kind: RegionKind, id: string): string {
  return KIND_STYLE[kind].fill.replace('#HATCH', `#${id}-hatch`);
}

function legend(o: string[], kinds: RegionKind[], width: number, y: number, id: string): void {
  const perRow = Math.max(1, Math.floor((width - 2 * PAD) / 190));
  kinds.forEach((k, i) => {
    const s = KIND_STYLE[k];
    const lx = PAD + (i % perRow) * 190;
    const ly = y + Math.floor(i / perRow) * 18;
    o.push(`<rect x="${lx}" y="${ly}" width="22" height="12" rx="2" fill="${fillOf(k, id)}" stroke="${s.stroke}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    o.push(`<text x="${lx + 28}" y="${ly + 10}" fill="#222">${esc(s.name)}</text>`);
  });
}

function drawAxis(o: string[], axis: Axis, top: number, x0: number, xEnd: number): void {
  const ax = x0 - 6;
  o.push(`<line x1="${ax}" y1="${top}" x2="${ax}" y2="${top + axis.height}" stroke="#666"/>`);
  const tick = (addr: number, y: number, strong: boolean): void => {
    o.push(`<line x1="${ax - 4}" y1="${y}" x2="${strong ? xEnd : ax}" y2="${y}" stroke="${strong ? '#444' : '#999'}"${strong ? ' stroke-dasharray="6 3"' : ''}/>`);
    o.push(`<text x="${ax - 7}" y="${y + 4}" text-anchor="end" fill="#333" font-family="'DejaVu Sans Mono', monospace" font-size="10">${addrText(addr)}</text>`);
  };
  const segs = axis.segments;
  segs.forEach((s, i) => {
    if (i === segs.length - 1 || !segs[i + 1]!.gap || !s.gap) tick(s.end, top + s.top, s.end === FOUR_G);
    if (s.gap) {
      // Zigzag break mark: the axis skips empty address space here.
      const y1 = top + s.top + 3;
      const y2 = top + s.bottom - 3;
      const m = (y1 + y2) / 2;
      o.push(`<polyline points="${ax - 6},${y1} ${ax + 6},${m - 2} ${ax - 6},${m + 2} ${ax + 6},${y2}" fill="none" stroke="#888"/>`);
      o.push(`<text x="${x0 + 4}" y="${m + 3}" fill="#aaa" font-size="9">· · · ${sizeText(s.end - s.start)} unused · · ·</text>`);
    }
  });
  if (segs.length > 0) tick(segs[0]!.start, top + segs[0]!.bottom, false);
}

function drawRegion(o: string[], r: MapRegion, x: number, w: number, axis: Axis, top: number, id: string): void {
  const s = KIND_STYLE[r.kind];
  const y1 = top + axis.y(r.end);
  const y2 = top + axis.y(r.start);
  const h = Math.max(1, y2 - y1);
  o.push(`<g><title>${esc(r.detail)}</title>`);
  o.push(`<rect x="${x.toFixed(1)}" y="${(y1 + 0.5).toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(1, h - 1).toFixed(1)}" rx="2" fill="${fillOf(r.kind, id)}" stroke="${s.stroke}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
  if (h >= FS + 2) {
    const text = fit(`${r.label} · ${sizeText(r.end - r.start)}`, w - 6) ?? '';
    const shown = text.endsWith('…') ? (fit(r.label, w - 6) ?? '') : text;
    if (shown) o.push(`<text x="${(x + 4).toFixed(1)}" y="${((y1 + y2) / 2 + 4).toFixed(1)}" fill="${s.text}"${s.halo ? ' stroke="#fff" stroke-width="3" paint-order="stroke"' : ''}>${esc(shown)}</text>`);
  }
  o.push('</g>');
}

function wrap(s: string, max: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      out.push(line);
      line = '  ' + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

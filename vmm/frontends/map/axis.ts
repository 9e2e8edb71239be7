/**
 * A broken, log-scaled address axis: every region edge is a breakpoint; each segment between two
 * breakpoints gets a height that grows with log2 of its size (so a 4 KiB BAR and a 3 GiB RAM block
 * are both visible and both labelled) and empty stretches collapse to a short "break".
 * High addresses at the top, as in chipset datasheets.
 */
export interface AxisSegment {
  start: number;
  end: number;
  /** Top and bottom pixel (top < bottom, because higher addresses are drawn higher). */
  top: number;
  bottom: number;
  /** No region covers it: drawn as an axis break. */
  gap: boolean;
}

export interface Axis {
  segments: AxisSegment[];
  height: number;
  /** Pixel of an address (exact at breakpoints, linear inside a segment). */
  y(addr: number): number;
}

export interface AxisStyle {
  /** Height of the smallest covered segment: one line of label text. */
  min: number;
  /** Extra pixels per doubling above 4 KiB. */
  perDoubling: number;
  max: number;
  gap: number;
}

export const DEFAULT_AXIS: AxisStyle = { min: 15, perDoubling: 3, max: 84, gap: 14 };
const PAGE = 0x1000;

export function buildAxis(ranges: readonly { start: number; end: number }[], extraBreaks: readonly number[] = [], style: AxisStyle = DEFAULT_AXIS): Axis {
  const pts = new Set<number>();
  for (const r of ranges) {
    pts.add(r.start);
    pts.add(r.end);
  }
  if (pts.size === 0) pts.add(0).add(PAGE);
  const lo = Math.min(...pts);
  const hi = Math.max(...pts);
  for (const b of extraBreaks) if (b > lo && b < hi) pts.add(b);
  const bounds = [...pts].sort((a, b) => a - b);
  const covered = (s: number, e: number): boolean => ranges.some((r) => r.start <= s && r.end >= e);
  const heights: { start: number; end: number; h: number; gap: boolean }[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    const gap = !covered(start, end);
    const doublings = Math.max(0, Math.log2((end - start) / PAGE));
    const h = gap ? style.gap : Math.min(style.max, style.min + style.perDoubling * doublings);
    heights.push({ start, end, h: Math.round(h), gap });
  }
  const height = heights.reduce((s, x) => s + x.h, 0);
  // Top-down from the highest segment.
  const segments: AxisSegment[] = [];
  let y = 0;
  for (let i = heights.length - 1; i >= 0; i--) {
    const s = heights[i]!;
    segments.unshift({ start: s.start, end: s.end, top: y, bottom: y + s.h, gap: s.gap });
    y += s.h;
  }
  const yOf = (addr: number): number => {
    if (segments.length === 0) return 0;
    if (addr <= segments[0]!.start) return segments[0]!.bottom;
    let lo2 = 0;
    let hi2 = segments.length - 1;
    while (lo2 < hi2) {
      const mid = (lo2 + hi2 + 1) >> 1;
      if (segments[mid]!.start <= addr) lo2 = mid;
      else hi2 = mid - 1;
    }
    const s = segments[lo2]!;
    if (addr >= s.end) return s.top;
    return s.bottom - ((addr - s.start) / (s.end - s.start)) * (s.bottom - s.top);
  };
  return { segments, height, y: yOf };
}

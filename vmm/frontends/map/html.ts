import type { BootReport } from '../report/types.js';
import { esc, renderMapSvg } from './svg.js';

export interface HtmlOptions {
  readonly title?: string;
  /** Preformatted text shown above the maps (a sweep's summary table, a compare table). */
  readonly intro?: string;
  /** Heading per report; default config · strategy. */
  readonly captions?: readonly string[];
}

function caption(r: BootReport): string {
  const strategy = r.igd?.strategy;
  return `${r.config}${typeof strategy === 'string' ? ` · ${strategy}` : ''}`;
}

/**
 * One self-contained HTML page (no scripts, no external resources) with the maps of several
 * boots side by side: compare's strategies, or a sweep's representative runs.
 */
export function renderMapHtml(reports: readonly BootReport[], opts: HtmlOptions = {}): string {
  const title = opts.title ?? 'vfio-sim address maps';
  const caps = reports.map((r, i) => opts.captions?.[i] ?? caption(r));
  const sections = reports.map((r, i) => `<section id="map-${i}"><h2>${esc(caps[i]!)}</h2>\n${renderMapSvg(r, { idPrefix: `m${i}` })}\n</section>`);
  const toc = reports.length > 1 ? `<nav>${caps.map((c, i) => `<a href="#map-${i}">${esc(c)}</a>`).join(' · ')}</nav>` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>',
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:16px;color:#222;background:#f4f4f4}",
    'h1{font-size:20px;margin:0 0 8px} h2{font-size:14px;margin:4px 0 8px;font-weight:bold}',
    // A laptop screen (1280-1440 px): the table scrolls inside its box if ever wider; the maps scale to a grid
    // of as many ~600 px columns as fit (two on a laptop, one on a narrow window) instead of one sideways row.
    "pre{background:#fff;border:1px solid #ddd;padding:8px;font-family:'DejaVu Sans Mono',monospace;font-size:12px;display:inline-block;max-width:calc(100% - 18px);overflow-x:auto;margin:0 0 12px}",
    'nav{margin:0 0 12px;font-size:13px;line-height:1.8} nav a{color:#1a5fb4}',
    '.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px;align-items:start}',
    'section{background:#fff;border:1px solid #ddd;padding:8px;min-width:0}',
    'section svg{display:block;width:100%;height:auto}',
    '</style></head><body>',
    `<h1>${esc(title)}</h1>`,
    opts.intro ? `<pre>${esc(opts.intro)}</pre>` : '',
    toc,
    `<div class="maps">\n${sections.join('\n')}\n</div>`,
    '</body></html>',
    '',
  ].join('\n');
}

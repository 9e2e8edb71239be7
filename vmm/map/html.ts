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
  const sections = reports.map((r, i) => {
    const cap = opts.captions?.[i] ?? caption(r);
    return `<section><h2>${esc(cap)}</h2>\n${renderMapSvg(r, { idPrefix: `m${i}` })}\n</section>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>',
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:16px;color:#222;background:#f4f4f4}",
    'h1{font-size:20px;margin:0 0 8px} h2{font-size:14px;margin:4px 0 8px;font-weight:bold}',
    "pre{background:#fff;border:1px solid #ddd;padding:8px;font-family:'DejaVu Sans Mono',monospace;font-size:12px;display:inline-block}",
    '.maps{display:flex;gap:16px;align-items:flex-start;overflow-x:auto}',
    'section{background:#fff;border:1px solid #ddd;padding:8px;flex:none}',
    '</style></head><body>',
    `<h1>${esc(title)}</h1>`,
    opts.intro ? `<pre>${esc(opts.intro)}</pre>` : '',
    `<div class="maps">\n${sections.join('\n')}\n</div>`,
    '</body></html>',
    '',
  ].join('\n');
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMapHtml } from '../../vmm/frontends/map/html.js';
import type { BootReport } from '../../vmm/frontends/report/types.js';

const report = JSON.parse(readFileSync(new URL('./fixtures/igd-report.json', import.meta.url), 'utf8')) as BootReport;

// Checked by eye in headless Chromium at 1366 px (the compare page of configs/igd-tgl-q35.yaml): the table fits its
// box and the eight maps sit two per row, scaled, instead of one 8000 px sideways row cut at the window's edge.
describe('the HTML page of several maps', () => {
  const html = renderMapHtml([report, report, report], { title: 'compare', intro: 'table', captions: ['a', 'b', 'c'] });

  it('lays the maps out as a wrapping grid of scaled maps, not one sideways row', () => {
    expect(html).toContain('.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px;align-items:start}');
    expect(html).toContain('section svg{display:block;width:100%;height:auto}');
    expect(html).not.toContain('display:flex');
    // Scaling needs the viewBox of every map.
    expect(html.match(/<svg [^>]*viewBox="0 0 \d+ \d+"/g)).toHaveLength(3);
  });

  it('keeps a wide intro inside its box and links every map from the top', () => {
    expect(html).toMatch(/pre\{[^}]*max-width:calc\(100% - 18px\);overflow-x:auto/);
    expect(html).toContain('<nav><a href="#map-0">a</a> · <a href="#map-1">b</a> · <a href="#map-2">c</a></nav>');
    expect(html).toContain('<section id="map-2"><h2>c</h2>');
  });

  it('has no link list for a single map', () => {
    expect(renderMapHtml([report])).not.toContain('<nav>');
  });
});

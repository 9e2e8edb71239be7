/**
 * Doctor as one self-contained page: findings on the left, the guest's physical address map (vmm/frontends/map's SVG)
 * on the right, facts below; no scripts, no external resources. Two columns from 1100 px wide, one below.
 */
import { renderMapSvg } from '../map/index.js';
import type { BootReport } from '../report/types.js';
import type { DoctorReport } from './types.js';
import type { UpgradeDiff } from './index.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{padding:14px 22px;background:#1d2330;color:#fff}header h1{font-size:18px;margin:0}header p{margin:4px 0 0;color:#c9d1e0}
.verdict{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;margin-left:8px}
.verdict.ok{background:#2f9e5b}.verdict.fails{background:#d64545}
main{display:grid;grid-template-columns:minmax(420px,1fr) minmax(420px,1fr);gap:18px;padding:18px 22px}
@media (max-width:1100px){main{grid-template-columns:1fr}}
section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:12px 16px}
h2{font-size:15px;margin:0 0 8px}
.f{border-left:5px solid #8a94a6;padding:6px 10px;margin:8px 0;background:#fafbfc}
.f.fail{border-color:#d64545}.f.warn{border-color:#e0a100}.f.info{border-color:#4a7bd0}
.f b{display:block}.f .sev{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#5c6678}
.f .cause,.f .fix{margin:3px 0 0;font-size:13px}.f .fix{color:#145c32}.f .fix::before{content:"fix: ";font-weight:600}
.map{position:sticky;top:12px;align-self:start}.map svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}th{white-space:nowrap}
code{font:12px ui-monospace,Menlo,Consolas,monospace}
`;

function findingsHtml(d: DoctorReport): string {
  return d.findings
    .map((f) => `<div class="f ${f.severity}"><span class="sev">${f.severity}</span><b>${esc(f.title)}</b><p class="cause">${esc(f.cause)}</p>${f.fix !== null ? `<p class="fix">${esc(f.fix)}</p>` : ''}</div>`)
    .join('\n');
}

function factsHtml(d: DoctorReport): string {
  const f = d.facts;
  const rows: [string, string][] = [
    ['QEMU', `${f.qemu} (${f.qemuRefuses === null ? 'starts' : `refuses: ${f.qemuRefuses}`})`],
    ['machine', f.machine], ['firmware', f.firmware], ['vCPU', `${f.cpu.vendor}, ${f.cpu.physBits} physical address bits`],
    ['host IOMMU width', f.hostIommuWidth === null ? 'unknown' : `${f.hostIommuWidth} bits`], ['top of mappings', f.topOfMappings],
    ['IOMMU faults', String(f.iommuFaults)], ['DMA corruption', String(f.dmaCorruption)],
  ];
  if (f.igd !== null) {
    const g = f.igd;
    rows.push(['IGD', `${g.platform} gen ${g.generation} ${g.deviceId}, ${g.modeReason}`], ['strategy', g.strategy]);
    rows.push(['guest reads', `0x50 ${g.guestReads['0x50']}, 0x5C ${g.guestReads['0x5c']}, 0xC0 ${g.guestReads['0xc0']}, 0xFC ${g.guestReads['0xfc']}`]);
    rows.push(['BAR0 mirrors', `GGC ${g.mirrors.ggc}, BDSM ${g.mirrors.bdsm} (host BDSM ${g.hostBdsm})`]);
    rows.push(['DSM', `${g.dsm.base ?? 'none'} +${g.dsm.size} (${g.dsm.memoryMap ?? '—'})`]);
    rows.push(['OpRegion', g.opregion === null ? 'none' : `${g.opregion.base} +${g.opregion.size} (${g.opregion.memoryMap ?? '—'})`]);
  }
  const fw = f.fwcfg.map((x) => `${x.name} (${x.size} B)`).join(', ');
  rows.push(['fw_cfg', fw]);
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>`;
}

export function renderDoctorHtml(d: DoctorReport, report: BootReport, upgrade?: UpgradeDiff): string {
  const up = upgrade === undefined ? '' : `<section><h2>Upgrading QEMU ${esc(upgrade.from)} → ${esc(upgrade.to)}: ${esc(upgrade.verdict.from)} → ${esc(upgrade.verdict.to)}</h2>
${upgrade.added.map((f) => `<div class="f ${f.severity}"><span class="sev">new · ${f.severity}</span><b>${esc(f.title)}</b>${f.fix !== null ? `<p class="fix">${esc(f.fix)}</p>` : ''}</div>`).join('\n')}
${upgrade.removed.map((f) => `<div class="f info"><span class="sev">gone</span><b>${esc(f.title)}</b></div>`).join('\n')}
${upgrade.changed.length > 0 ? `<table>${upgrade.changed.map((c) => `<tr><th>${esc(c.fact)}</th><td><code>${esc(c.from)} → ${esc(c.to)}</code></td></tr>`).join('')}</table>` : ''}</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>vfio-sim doctor: ${esc(d.config)}</title><style>${CSS}</style></head>
<body><header><h1>vfio-sim doctor — ${esc(d.config)}<span class="verdict ${d.verdict}">${d.verdict === 'ok' ? 'boots' : 'will fail'}</span></h1>
<p>QEMU ${esc(d.facts.qemu)} · ${esc(d.facts.machine)} · ${esc(d.facts.firmware)}</p></header>
<main><div><section><h2>Findings</h2>
${findingsHtml(d)}</section>
${up}
<section><h2>Facts</h2>${factsHtml(d)}</section></div>
<section class="map"><h2>Guest physical address map</h2>${renderMapSvg(report)}</section></main></body></html>
`;
}

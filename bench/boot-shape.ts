/**
 * Boot cost by topology shape: N pcie-root-ports on q35's root bus (8 functions per slot, function 0
 * multifunction), each with one virtio-net-pci below it: N + 1 buses and 2N functions for SeaBIOS
 * to enumerate, number, size and place. Median warm boot in ms (config parsing not timed).
 */
import { bootSpec } from '../vmm/core/boot/index.js';
import { parseConfig } from '../vmm/frontends/config/index.js';
import { median } from './figure.js';

export function rootPortsConfig(n: number): string {
  let y = `name: root-ports-${n}\nmachine: { type: q35, memory: 2G, qemu: '7.2' }\ndevices:\n`;
  for (let i = 0; i < n; i++) {
    const slot = (1 + (i >> 3)).toString(16).padStart(2, '0');
    const fn = i & 7;
    y += `  - model: pcie-root-port\n    id: rp${i}\n    addr: "${slot}.${fn}"\n`;
    y += `    props: { chassis: ${i + 1}, slot: ${i + 1}${fn === 0 ? ', multifunction: on' : ''} }\n`;
    y += `  - model: virtio-net-pci\n    bus: rp${i}\n`;
  }
  return y;
}

export function benchRootPorts(n = 200, rounds = 21, warmup = 5): { ms: number; panic: string | null; note: string } {
  const r = parseConfig(rootPortsConfig(n), `root-ports-${n}.yaml`);
  if (!r.ok) throw new Error(`bench: root-ports config: ${r.errors[0]?.message ?? 'bad config'}`);
  let panic: string | null = null;
  for (let i = 0; i < warmup; i++) panic = bootSpec(r.spec).report.panic;
  const ts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    bootSpec(r.spec);
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), panic, note: `q35, ${n} pcie-root-ports each with a virtio-net-pci (${2 * n} functions, ${n + 1} buses), median of ${rounds} warm boots${panic ? `; panic: ${panic}` : ''}` };
}

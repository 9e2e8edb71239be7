/**
 * Child process of bench/memory.ts: prints {"rssDeltaMb", "igd"} for booting a 64 GiB guest, measured
 * as resident-set growth over a warm baseline (the same code already loaded by a 1 GiB boot).
 * Run with --expose-gc so both measurements follow a full collection.
 */
import { bootSpec } from '../vmm/core/boot/index.js';
import { parseConfig } from '../vmm/frontends/config/index.js';
import type { MachineSpec } from '../vmm/frontends/config/spec.js';

const IGD_64G = `name: guest-64g
machine: { type: q35, memory: 64G }
host: { igd: { generation: 9 } }
devices:
  - model: vfio-igd
  - model: e1000e
firmware: { igd-strategy: e820-reserved }
`;
const PLAIN_64G = `name: guest-64g
machine: { type: q35, memory: 64G }
devices:
  - model: e1000e
`;

function spec(text: string, memory: string): MachineSpec | undefined {
  const r = parseConfig(text.replace('64G', memory), 'guest-64g.yaml');
  return r.ok ? r.spec : undefined;
}

interface Mem {
  rss: number;
  /** JS heap + buffers outside it: what the process holds on to, without RSS's page-level noise. */
  held: number;
}

function mem(): Mem {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
}

const igd = spec(IGD_64G, '64G') !== undefined;
const text = igd ? IGD_64G : PLAIN_64G;
bootSpec(spec(text, '1G')!); // load and compile every module first (a warm 1 GiB boot, then dropped)
const big = spec(text, '64G')!;
const before = mem();
const booted = bootSpec(big); // kept alive until after the measurement
const after = mem();
const mb = (n: number): number => n / 2 ** 20;
process.stdout.write(
  JSON.stringify({ rssDeltaMb: mb(after.rss - before.rss), heldDeltaMb: mb(after.held - before.held), igd, panic: booted.report.panic, memory: booted.report.machine.memory }) + '\n',
);

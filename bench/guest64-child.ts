/**
 * Child process of bench/memory.ts: prints {"rssDeltaMb", "igd"} for booting a 64 GiB guest, measured
 * as resident-set growth over a warm baseline (the same code already loaded by a 1 GiB boot).
 * Run with --expose-gc so both measurements follow a full collection.
 */
import { bootSpec } from '../vmm/boot.js';
import { parseConfig } from '../vmm/config/index.js';
import type { MachineSpec } from '../vmm/config/spec.js';

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

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

const igd = spec(IGD_64G, '64G') !== undefined;
const text = igd ? IGD_64G : PLAIN_64G;
bootSpec(spec(text, '1G')!); // load and compile every module first
const before = rss();
const booted = bootSpec(spec(text, '64G')!);
const after = rss();
process.stdout.write(JSON.stringify({ rssDeltaMb: (after - before) / 2 ** 20, igd, panic: booted.report.panic, gc: typeof (globalThis as { gc?: unknown }).gc === 'function' }) + '\n');

/**
 * Child process of bench/parallel.ts (forked, with an IPC channel): warms the boot path on the recorded SeaBIOS
 * topologies, says `ready`, and on `{ windowMs }` boots them round-robin for that long and sends
 * {boots, ms, cpuMs} for the window. The parent sends the go to both children at once, so their windows overlap.
 */
import { bootSpec } from '../vmm/core/boot/index.js';
import { fixtureTopologies } from './boot.js';

const topologies = fixtureTopologies();
// Warm: past the JIT's tier-up of the boot path (docs/performance.md §13: the first ~1,000 boots are cold).
for (let r = 0; r < 30; r++) for (const t of topologies) bootSpec(t.spec, { configPath: t.path });
process.once('message', (m: { windowMs: number }) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let boots = 0;
  while (performance.now() - t0 < m.windowMs) {
    for (const t of topologies) bootSpec(t.spec, { configPath: t.path });
    boots += topologies.length;
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  process.send!({ boots, ms, cpuMs: (c.user + c.system) / 1000 }, () => process.disconnect());
});
process.send!('ready');

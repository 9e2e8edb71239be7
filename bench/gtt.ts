/**
 * Trapped vBIOS GTT writes per second: a ROM program (bundled `fill-gtt`) writes every PTE of a full
 * 8 MiB GTT (Skylake, GGMS 3: 2^20 64-bit entries = 2^21 dword data writes, each after its index
 * write) through BAR4 with QEMU 9.x's quirk installed, via the machine's CPU view and trap layer.
 * The figure counts dword writes to MMIO_Data. No console output; bench/run.ts prints it.
 */
import { IgdFunction } from '../devices/igd/index.js';
import { post } from '../firmware/index.js';
import { resolveIgdStrategy } from '../firmware/igd/index.js';
import { parseConfig } from '../vmm/frontends/config/index.js';
import { prepareIgdMachine } from '../vmm/passthrough/igd/prepare.js';
import { Machine } from '../vmm/core/machine/machine.js';
import { cpuRomBus, resolveRomProgram, runRomProgram } from '../vmm/passthrough/rom/index.js';
import { installPassthrough } from '../vmm/passthrough/traps/index.js';

const CONFIG = `machine: { type: pc, memory: 3G }
host: { igd: { generation: skl, ggms: 3 } }
devices:
  - model: vfio-igd
    props: { x-igd-behaviour: legacy }
firmware: { igd-strategy: e820-reserved, vbios: reads-bdsm }
`;

export function benchGtt(rounds = 5): { gttWritesPerS: number; note: string } {
  const parsed = parseConfig(CONFIG, 'bench-gtt.yaml');
  if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
  const m = new Machine(parsed.spec);
  prepareIgdMachine(m, undefined);
  const pt = installPassthrough(m);
  const strategy = resolveIgdStrategy(parsed.spec.firmware.igdStrategy);
  post(m.cpu, { ...(strategy.firmware ? { igdSetup: strategy.firmware } : {}), runOptionRom: pt.runOptionRom });
  const igd = [...m.pci.functions()].find((f): f is IgdFunction => f instanceof IgdFunction)!;
  const program = resolveRomProgram('fill-gtt');
  if (!program.ok) throw new Error('fill-gtt did not load');
  const bus = cpuRomBus(m.cpu, () => {}, m.io);
  const inv = { bdf: 0x10, romAddr: 0, romSize: 0 };
  const vars = { gen: igd.gen, gttBytes: igd.gtt.bytes };
  const dataWrites = igd.gtt.bytes / 4;
  runRomProgram(program.program, bus, inv, { vars }); // warm-up: JIT, GTT allocation
  let best = 0;
  let ok = true;
  for (let r = 0; r < rounds; r++) {
    const w0 = igd.gtt.writes;
    const t0 = performance.now();
    const res = runRomProgram(program.program, bus, inv, { vars });
    const dt = (performance.now() - t0) / 1000;
    ok &&= res.ok && igd.gtt.writes - w0 === dataWrites;
    best = Math.max(best, dataWrites / dt);
  }
  const quirk = pt.traps.igdQuirk !== undefined;
  const note = `${dataWrites} data writes (+ as many index writes) per round, best of ${rounds}; ` +
    `BAR4 quirk ${quirk ? 'installed' : 'NOT installed'}${ok ? '' : '; WRONG write count'}; ${pt.traps.engine.hits} quirk hits`;
  return { gttWritesPerS: best, note };
}

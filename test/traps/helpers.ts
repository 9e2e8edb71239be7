import { PciFunction } from '../../devices/pci/function.js';
import { MODELS } from '../../devices/index.js';
import type { ModelRegistry } from '../../devices/registry.js';

import { IgdFunction } from '../../devices/igd/index.js';
import { post } from '../../firmware/index.js';
import { resolveIgdStrategy } from '../../firmware/igd/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec, TrapRuleSpec } from '../../vmm/frontends/config/spec.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { prepareIgdMachine } from '../../vmm/passthrough/igd/prepare.js';
import { installPassthrough, installTraps, type InstalledTraps, type TrapOptions } from '../../vmm/passthrough/traps/index.js';

/** A function whose BAR0 (4 KiB MMIO) and BAR1 (32 ports) are plain registers, with a log of what reached it. */
export class RegFile extends PciFunction {
  readonly regs = new Map<string, number>();
  readonly seen: string[] = [];
  constructor() {
    super({ vendor: 0x1234, device: 0x5678, classCode: 0x0880 });
    this.defineBar(0, { size: 4096, space: 'mem', is64: false, prefetch: false });
    this.defineBar(1, { size: 32, space: 'io', is64: false, prefetch: false });
    this.setMask32(0x40, 0xffff_ffff);
  }
  override barRead(bar: number, off: number, w: 1 | 2 | 4): number {
    this.seen.push(`r${bar}:${off}/${w}`);
    return this.regs.get(`${bar}:${off}`) ?? 0;
  }
  override barWrite(bar: number, off: number, w: 1 | 2 | 4, v: number): void {
    this.seen.push(`w${bar}:${off}/${w}=${v.toString(16)}`);
    this.regs.set(`${bar}:${off}`, v);
  }
}

/** Every real model plus test-regs. */
export function testModels(): ModelRegistry {
  return MODELS.with([{ name: 'test-regs', kind: 'endpoint', props: {}, create: () => new RegFile() }]);
}

export function regsSpec(traps: TrapRuleSpec[]): MachineSpec {
  return {
    machine: { type: 'q35', memory: 512 * 1024 * 1024 },
    devices: [{ model: 'test-regs', id: 'r', props: {}, devfn: 0x20 }],
    firmware: {},
    traps,
  };
}

/** Machine + traps + SeaBIOS POST: BARs placed and decoding. */
export function bootRegs(traps: TrapRuleSpec[], options: TrapOptions = {}): { m: Machine; t: InstalledTraps; dev: RegFile } {
  const m = new Machine(regsSpec(traps), undefined, undefined, testModels());
  const t = installTraps(m, options);
  post(m.cpu);
  const dev = m.byId.get('r') as RegFile;
  dev.seen.length = 0;
  return { m, t, dev };
}

/** A Skylake IGD with GGMS 1 (gtt_max 0x1000), QEMU 9.x's BAR4 quirk and the e820-reserved strategy. */
const QUIRKED_IGD = `machine: { type: pc, memory: 3G }
host: { igd: { generation: skl, ggms: 1 } }
devices:
  - model: vfio-igd
    props: { x-igd-behaviour: legacy }
firmware: { igd-strategy: e820-reserved, vbios: reads-bdsm }
`;

export type TrapEngineOf = ReturnType<typeof installPassthrough>['traps']['engine'];

/** That machine after POST, traced, relocating every classified write: the machine, its IGD and the trap engine. */
export function quirkedIgdMachine(): { m: Machine; igd: IgdFunction; engine: TrapEngineOf } {
  const parsed = parseConfig(QUIRKED_IGD, 't.yaml');
  if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
  const m = new Machine(parsed.spec);
  prepareIgdMachine(m, undefined);
  const pt = installPassthrough(m, { trace: true, quirkRelocation: 'all' });
  const strategy = resolveIgdStrategy(parsed.spec.firmware.igdStrategy);
  post(m.cpu, { ...(strategy.firmware ? { igdSetup: strategy.firmware } : {}), runOptionRom: pt.runOptionRom });
  const igd = m.pci.functions().find((f): f is IgdFunction => f instanceof IgdFunction)!;
  return { m, igd, engine: pt.traps.engine };
}

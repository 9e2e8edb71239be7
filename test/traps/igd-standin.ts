import { PciFunction } from '../../devices/pci/function.js';
import { MODELS } from '../../devices/index.js';

import { post } from '../../firmware/index.js';
import type { TrapRuleSpec } from '../../vmm/frontends/config/spec.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { installTraps, type IgdQuirkInfo, type InstalledTraps, type TrapOptions } from '../../vmm/passthrough/traps/index.js';

/**
 * A minimal assigned-IGD stand-in for trap and ROM tests that must not depend on the real vfio-igd
 * model: GMCH at 0x50 (read-only), BDSM 0x5C scratch (0 until written), BAR4 index/data reaching a GTT.
 */
export class StandInIgd extends PciFunction {
  readonly gtt: Uint32Array;
  index = 0;
  constructor(readonly gen: number, readonly hostBdsm: number, gmch: number) {
    super({ vendor: 0x8086, device: gen >= 8 ? 0x1912 : 0x0102, classCode: 0x0300 });
    this.defineBar(0, { size: 16 << 20, space: 'mem', is64: true, prefetch: false });
    this.defineBar(2, { size: 256 << 20, space: 'mem', is64: true, prefetch: true });
    this.defineBar(4, { size: 64, space: 'io', is64: false, prefetch: false });
    this.set32(0x50, gmch);
    this.setMask32(0x5c, 0xffff_ffff);
    this.setMask32(0xc0, 0xffff_ffff);
    this.setMask32(0xc4, 0xffff_ffff);
    this.gtt = new Uint32Array(8 << 18);
  }
  igdQuirkInfo(): IgdQuirkInfo {
    return { generation: this.gen, hostBdsm: this.hostBdsm, hostStolenSize: 64 << 20, bar4Quirk: true };
  }
  override barRead(bar: number, off: number, w: 1 | 2 | 4): number {
    if (bar !== 4) return super.barRead(bar, off, w);
    if (off === 0) return this.index;
    return (this.index & 1) === 1 ? this.gtt[this.index >>> 2]! : 0;
  }
  override barWrite(bar: number, off: number, _w: 1 | 2 | 4, v: number): void {
    if (bar !== 4) return;
    if (off === 0) this.index = v >>> 0;
    else if (off === 4 && (this.index & 1) === 1) this.gtt[(this.index >>> 2) % this.gtt.length] = v >>> 0;
  }
}

/** A booted pc machine with the stand-in at 00:02.0 and traps installed before POST (as the boot pipeline does). */
export function bootStandIn(gen: number, hostBdsm: number, gmch: number, options: TrapOptions = {}, traps: TrapRuleSpec[] = []): { m: Machine; igd: StandInIgd; t: InstalledTraps } {
  const models = MODELS.with([{ name: 'standin-igd', kind: 'endpoint', props: {}, create: () => new StandInIgd(gen, hostBdsm, gmch) }]);
  const m = new Machine({ machine: { type: 'pc', memory: 2 << 30 }, devices: [{ model: 'standin-igd', id: 'igd', props: {}, devfn: 0x10 }], firmware: {}, traps }, undefined, undefined, models);
  const t = installTraps(m, options);
  post(m.cpu);
  return { m, igd: m.byId.get('igd') as StandInIgd, t };
}

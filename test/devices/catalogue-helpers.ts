import { MODELS } from '../../devices/index.js';
import type { PciFunction } from '../../devices/pci/function.js';
import type { CheckContext, DeviceContext, PropProblem } from '../../devices/registry.js';
import type { PropValue } from '../../devices/spec.js';

const noDma = (): never => {
  throw new Error('no DMA in catalogue tests');
};

/** Builds model `name` as the machine would: on the q35 root bus of a QEMU 7.2 machine type unless `where` says otherwise. */
export function build(name: string, props: Record<string, PropValue> = {}, where: Partial<DeviceContext> = {}): PciFunction {
  const def = MODELS.lookup(name);
  if (def === undefined) throw new Error(`no model ${name}`);
  const ctx: DeviceContext = { machineType: 'q35', machineVersion: '7.2', pcieBus: false, rootBus: true, dma: noDma, ...where };
  return def.create({ model: name, id: '', props }, ctx);
}

export function check(name: string, props: Record<string, PropValue>, where: Partial<CheckContext> = {}): readonly PropProblem[] {
  const def = MODELS.lookup(name)!;
  return def.check?.(props, { machineType: 'q35', pcieBus: false, rootBus: true, ...where }) ?? [];
}

export type BarRow = [bar: number, size: number, kind: 'io' | 'mem' | 'mem64' | 'pref' | 'pref64'];

/** BARs as docs/firmware-seabios.md §13.3's table writes them, plus the ROM as [6, size, 'mem']. */
export function bars(fn: PciFunction): BarRow[] {
  const out: BarRow[] = [];
  fn.bars.forEach((b, i) => {
    if (b === undefined) return;
    const kind = b.space === 'io' ? 'io' : `${b.prefetch ? 'pref' : 'mem'}${b.is64 ? '64' : ''}`;
    out.push([i, b.size, kind as BarRow[2]]);
  });
  if (fn.romSize > 0) out.push([6, fn.romSize, 'mem']);
  return out;
}

/** Capability IDs in list order, and the offset of the first with `id`. */
export function caps(fn: PciFunction): number[] {
  const out: number[] = [];
  for (let off = fn.configRead(0x34, 1); off !== 0 && out.length < 48; off = fn.configRead(off + 1, 1)) out.push(fn.configRead(off, 1));
  return out;
}

export function capOffset(fn: PciFunction, id: number): number {
  for (let off = fn.configRead(0x34, 1); off !== 0; off = fn.configRead(off + 1, 1)) if (fn.configRead(off, 1) === id) return off;
  return -1;
}

export const KiB = 1024;
export const MiB = 1024 * KiB;

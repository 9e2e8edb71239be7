/**
 * The `hardware:` of a generic vfio-pci device: what the host function looks like (IDs, class, BARs, ROM size),
 * as `lspci -vv` or sysfs shows it. QEMU's vfio-pci copies the host's config space and BAR sizes
 * (hw/vfio/pci.c vfio_populate_device / vfio_bars_prepare), so the config must say them.
 */
import { parseHexInt, parseSize } from './size.js';
import type { HostDeviceSpec } from '../../../devices/spec.js';
import type { ProblemCode, ProblemParams } from './problems.js';
import type { PathSeg } from './yaml-doc.js';

type Add = <C extends ProblemCode>(path: PathSeg[], code: C, params: ProblemParams<C>) => void;

const isPow2 = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

/** Validates and converts `hardware:`; the schema has checked its shape. Only vfio-pci takes one, and needs it. */
export function hostDeviceOf(raw: unknown, model: string | undefined, at: (...p: PathSeg[]) => PathSeg[], add: Add): HostDeviceSpec | undefined {
  if (raw === undefined) {
    if (model === 'vfio-pci') add(at('model'), 'hardware-missing', {});
    return undefined;
  }
  if (model !== 'vfio-pci') {
    add(at('hardware'), 'hardware-not-vfio-pci', model !== undefined ? { model } : {});
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const h = raw as Record<string, unknown>;
  const bars: HostDeviceSpec['bars'][number][] = [];
  const seen = new Set<number>();
  const list = Array.isArray(h['bars']) ? (h['bars'] as Record<string, unknown>[]) : [];
  list.forEach((b, k) => {
    const bar = typeof b['bar'] === 'number' ? b['bar'] : -1;
    const size = parseSize(b['size']);
    const space = b['type'] === 'io' ? 'io' : 'mem';
    const is64 = b['64bit'] === true;
    const prefetch = b['prefetch'] === true;
    if (size === undefined || !isPow2(size)) {
      add(at('hardware', 'bars', k, 'size'), 'bar-size-not-pow2', { index: k });
      return;
    }
    if (is64 && (space === 'io' || bar === 5)) {
      add(at('hardware', 'bars', k), 'bar64-slot', { index: k });
      return;
    }
    if (seen.has(bar) || (is64 && seen.has(bar + 1))) {
      add(at('hardware', 'bars', k, 'bar'), 'bar-overlap', { index: k, bar });
      return;
    }
    seen.add(bar);
    if (is64) seen.add(bar + 1);
    bars.push({ bar, size, space, is64, prefetch });
  });
  const rom = h['rom'] === undefined ? 0 : (parseSize(h['rom']) ?? 0);
  if (rom !== 0 && !isPow2(rom)) add(at('hardware', 'rom'), 'rom-size-not-pow2', {});
  const num = (k: string): number | undefined => parseHexInt(h[k]);
  const out: HostDeviceSpec = {
    vendor: num('vendor') ?? 0,
    device: num('device') ?? 0,
    classCode: num('class') ?? 0,
    ...(num('subsystem-vendor') !== undefined ? { subsystemVendor: num('subsystem-vendor')! } : {}),
    ...(num('subsystem') !== undefined ? { subsystem: num('subsystem')! } : {}),
    bars,
    romSize: rom,
  };
  return out;
}

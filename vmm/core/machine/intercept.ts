/**
 * Region decorators: what the VMM puts between the CPU and a device — trap rules, QEMU's quirks, a fake BAR's
 * backing memory — and what follows a device's mapping as the guest reprograms it. The machine owns one ordered
 * list (registration order = nesting order: the first registered sits closest to the device); nothing patches a
 * device's methods or fills a hook field. cloud-hypervisor and crosvm keep the same split: devices return what a
 * config write changed, the VMM's bus applies it.
 */
import type { ConfigWriteResult, PciFunction } from '../../../devices/pci/function.js';
import type { IoHandler } from '../bus/address-space.js';

/** One function's config space as the CPU reaches it: writes return what they changed. */
export interface ConfigAccess {
  read(off: number, width: 1 | 2 | 4): number;
  write(off: number, width: 1 | 2 | 4, value: number): ConfigWriteResult;
}

export interface Interceptor {
  /** For traces and errors. */
  readonly name: string;
  /** The handler the CPU reaches BAR `bar` of `fn` through, given the one beneath; return `inner` to leave it. */
  bar?(fn: PciFunction, bar: number, inner: IoHandler): IoHandler;
  /** Config cycles addressed to `bdf` (bus << 8 | devfn as the cycle named it); undefined leaves them untouched. */
  config?(fn: PciFunction, bdf: number, inner: ConfigAccess): ConfigAccess | undefined;
  /** After a config write changed what `fn` decodes (BARs, COMMAND, windows, bus numbers). */
  mappingChanged?(fn: PciFunction): void;
}

/** The machine's ordered list, with the lookups the PCI host and address spaces need on their paths. */
export class Interceptors {
  private readonly list: Interceptor[] = [];
  private barList: Interceptor[] = [];
  private configList: Interceptor[] = [];
  private mappingList: Interceptor[] = [];
  /** Bumped on every registration: cached config views are rebuilt. */
  generation = 0;

  add(i: Interceptor): void {
    this.list.push(i);
    this.barList = this.list.filter((x) => x.bar !== undefined);
    this.configList = this.list.filter((x) => x.config !== undefined);
    this.mappingList = this.list.filter((x) => x.mappingChanged !== undefined);
    this.generation++;
  }

  get wrapsBars(): boolean {
    return this.barList.length > 0;
  }

  get wrapsConfig(): boolean {
    return this.configList.length > 0;
  }

  wrapBar(fn: PciFunction, bar: number, h: IoHandler): IoHandler {
    let out = h;
    for (const i of this.barList) out = i.bar!(fn, bar, out);
    return out;
  }

  /** The decorated config view of `fn` at `bdf`, or undefined when no decorator takes it. */
  configAccess(fn: PciFunction, bdf: number): ConfigAccess | undefined {
    let out: ConfigAccess | undefined;
    for (const i of this.configList) {
      const inner: ConfigAccess = out ?? { read: (o, w) => fn.configRead(o, w), write: (o, w, v) => fn.configWrite(o, w, v) };
      out = i.config!(fn, bdf, inner) ?? out;
    }
    return out;
  }

  mappingChanged(fn: PciFunction): void {
    for (const i of this.mappingList) i.mappingChanged!(fn);
  }
}

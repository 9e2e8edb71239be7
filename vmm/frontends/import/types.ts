/**
 * What an importer produces: a vfio-sim machine config as plain data plus everything it could not model.
 * The YAML writer (yaml-out.ts) turns it into a commented config; nothing is dropped silently.
 */
import type { PropValue } from '../../../devices/spec.js';

export interface ImportedDevice {
  readonly model: string;
  readonly id?: string;
  /** A bridge's id; undefined = the root bus. */
  readonly bus?: string;
  /** slot << 3 | function, undefined when QEMU picks the slot. */
  readonly devfn?: number;
  readonly props: Readonly<Record<string, PropValue>>;
  /** Why the device looks the way it does (where it came from, what was adjusted). */
  readonly comments: readonly string[];
}

export interface ImportedCpu {
  readonly model?: string;
  readonly vendor?: 'amd' | 'intel';
  readonly physBits?: number;
}

export interface ImportedConfig {
  readonly name?: string;
  /** Where it came from ("QEMU command line", "Proxmox VM 100", "libvirt domain win11"). */
  readonly source: string;
  readonly machine: {
    /** As the source named it: q35, pc, or a versioned name (pc-i440fx-9.0). */
    readonly type: string;
    readonly qemu: string;
    readonly memory: number;
    readonly maxmem?: number;
    readonly slots?: number;
    readonly cpu?: ImportedCpu;
  };
  readonly firmware: { readonly type?: 'seabios' | 'ovmf' };
  readonly devices: readonly ImportedDevice[];
  /** True when a vfio-igd is present: the config then needs a host.igd section. */
  readonly hasIgd: boolean;
  /** Everything in the source that vfio-sim does not model, one line each. */
  readonly notModelled: readonly string[];
  /** How modelled parts were read (an inferred vendor, a moved IGD, a firmware image), one line each. */
  readonly remarks: readonly string[];
}

/** A problem that makes the input unusable (an unterminated quote, no machine at all). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly line = 1,
    readonly col = 1,
    /** The source text the error is about, when the importer knows no position (argv): the caller finds it. */
    readonly token?: string,
  ) {
    super(message);
  }
}

/** The error placed at the first occurrence of its token in `text` (1-based line and column). */
export function locate(e: ImportError, text: string): ImportError {
  if (e.token === undefined) return e;
  const at = text.indexOf(e.token);
  if (at < 0) return e;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return new ImportError(e.message, line, at - before.lastIndexOf('\n'));
}

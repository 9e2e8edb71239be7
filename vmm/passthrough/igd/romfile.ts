/**
 * The IGD's `romfile=` when it names a real image: read it (relative to the config, as QEMU resolves a romfile
 * relative to its working directory and the config stands in for that), parse it and judge it for the device.
 * Reading a file the user named is this layer's only I/O, as the option-ROM layer reads `rom:` programs.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseRomImage, romVerdict, type RomImageInfo } from '../../../devices/igd/rom-image.js';
import type { IgdFunction } from '../../../devices/igd/index.js';

export interface RomfileReport {
  path: string;
  /** False when no such file exists here (the report cannot say what it holds). */
  found: boolean;
  size: number | null;
  images: RomImageInfo[];
  holds: string[];
  matches: boolean | null;
  notes: string[];
}

export function inspectIgdRomfile(igd: IgdFunction, configPath: string | undefined): RomfileReport | undefined {
  const name = igd.props.romfile;
  if (name === undefined) return undefined;
  const path = isAbsolute(name) || configPath === undefined ? name : join(dirname(configPath), name);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { path: name, found: false, size: null, images: [], holds: [], matches: null, notes: [`${name}: ${why}: QEMU would stop with "failed to find romfile" if it is missing on the host too`] };
  }
  const info = parseRomImage(bytes);
  const v = romVerdict(info, igd.host.deviceId, igd.gen);
  return { path: name, found: true, size: info.size, images: [...info.images], holds: [...v.holds], matches: info.images.length === 0 ? false : v.matches, notes: [...v.notes] };
}

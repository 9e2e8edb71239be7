/** Importers: a QEMU command line, a Proxmox VM config or a libvirt domain → a commented vfio-sim config. */
import { splitShellWords } from './argv.js';
import { importLibvirt } from './libvirt.js';
import { importProxmox } from './proxmox.js';
import { importQemuArgv } from './qemu-cmdline.js';
import { ImportError, locate, type ImportedConfig } from './types.js';

export { splitShellWords, splitOpts, parseOpts, parseDevfn } from './argv.js';
export { importQemuArgv } from './qemu-cmdline.js';
export { importProxmox, proxmoxArgv } from './proxmox.js';
export { importLibvirt, libvirtArgv } from './libvirt.js';
export { importedYaml } from './yaml-out.js';
export { ImportError, type ImportedConfig, type ImportedDevice } from './types.js';

export type ImportFormat = 'qemu' | 'proxmox' | 'libvirt';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['qemu', 'proxmox', 'libvirt'];

/** Which importer a file's text is for: XML is libvirt, `key: value` lines are Proxmox, anything else a command line. */
export function detectFormat(text: string): ImportFormat {
  const t = text.trimStart();
  if (t.startsWith('<')) return 'libvirt';
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length > 0 && /^[a-z][a-z0-9_-]*:\s/i.test(lines[0]!) && !/^\S*qemu|^-/.test(lines[0]!)) return 'proxmox';
  return 'qemu';
}

/** Imports `text` in `format` (detected when undefined). */
export function importText(text: string, options: { format?: ImportFormat; qemu: string; source?: string }): ImportedConfig {
  const format = options.format ?? detectFormat(text);
  const o = { qemu: options.qemu, ...(options.source !== undefined ? { source: options.source } : {}) };
  if (format === 'libvirt') return importLibvirt(text, o);
  if (format === 'proxmox') return importProxmox(text, o);
  const w = splitShellWords(text);
  if ('error' in w) throw new ImportError(w.error);
  try {
    return importQemuArgv(w.words, o);
  } catch (e) {
    throw e instanceof ImportError ? locate(e, text) : e;
  }
}

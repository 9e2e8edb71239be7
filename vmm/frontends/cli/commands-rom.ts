/**
 * `vfio-sim rom FILE`: what a `romfile=` image holds (PCI expansion ROM images, PCIR IDs and device lists, legacy or
 * EFI, EFI machine and compression, IgdAssignmentDxe / PlatformGopPolicy / IntelGopDriver / a legacy VBIOS) and, with
 * --device-id, whether it claims the assigned IGD. A file that is not a ROM is exit 2 with one line, never a trace.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseRomImage, romVerdict, type RomFileInfo } from '../../../devices/igd/rom-image.js';
import { qemu10Gen } from '../../../devices/igd/tables.js';
import { EXIT_USAGE, UsageError } from './errors.js';

interface RomOptions {
  deviceId?: string;
  json?: boolean;
}

const h4 = (n: number): string => n.toString(16).padStart(4, '0');

function render(file: string, info: RomFileInfo): string[] {
  const out = [`${file}: ${info.size} bytes, ${info.images.length} image(s)`];
  for (const i of info.images) {
    const list = i.deviceList.length > 0 ? ` list [${i.deviceList.map(h4).join(' ')}]` : '';
    const efi = i.efi === null ? '' : ` ${i.efi.machine} ${i.efi.subsystem}${i.efi.compressed ? ' compressed' : ''}`;
    const sum = i.checksumOk === false ? ' BAD CHECKSUM' : '';
    const holds = i.holds.length > 0 ? ` holds ${i.holds.join(', ')}` : '';
    out.push(`  @0x${i.offset.toString(16)} ${i.length} bytes ${i.codeType}${efi} ${h4(i.vendor)}:${h4(i.device)}${list} class ${i.classCode.toString(16).padStart(6, '0')}${i.last ? ' last' : ''}${sum}${holds}`);
  }
  return out;
}

export function registerRomCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('rom <file>')
    .description('show what an option-ROM file (romfile=) holds and whether it matches the IGD')
    .option('--device-id <id>', 'the IGD device ID to match (e.g. 0x46d1)')
    .option('--json', 'machine-readable output')
    .action((file: string, opts: RomOptions) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const info = parseRomImage(bytes);
      if (info.images.length === 0) {
        process.stderr.write(`${file}: ${info.problems[0] ?? 'not a PCI expansion ROM'}\n`);
        setCode(EXIT_USAGE);
        return;
      }
      const id = opts.deviceId === undefined ? undefined : Number(opts.deviceId);
      if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > 0xffff)) throw new UsageError(`--device-id: not a PCI device ID: ${opts.deviceId}`);
      const verdict = id === undefined ? undefined : romVerdict(info, id, qemu10Gen(id) < 0 ? 12 : qemu10Gen(id));
      if (opts.json === true) {
        process.stdout.write(JSON.stringify({ file, ...info, ...(verdict !== undefined ? { verdict } : {}) }) + '\n');
        return;
      }
      const lines = render(file, info);
      for (const p of info.problems) lines.push(`  problem: ${p}`);
      if (verdict !== undefined) {
        lines.push(`  for 8086:${h4(id!)}: ${verdict.matches ? 'matches' : 'DOES NOT MATCH'}; holds ${verdict.holds.join(', ') || 'nothing usable'}`);
        for (const n of verdict.notes) if (!info.problems.includes(n)) lines.push(`  note: ${n}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}

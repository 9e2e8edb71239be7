import { describe, expect, it } from 'vitest';
import { MiB, QXL_DEFAULT_REVISION, QXL_IO_SIZE_BY_REVISION } from '../../devices/qxl/constants.js';
import { parseSize, pow2ceil, qxlConfig, type QxlConfig } from '../../devices/qxl/sizing.js';
import type { PropValue } from '../../devices/spec.js';
import { mulberry32 } from '../../bench/prng.js';

/** qxl_init_ramsize as the model wrote it before reading props in one pass: each property looked up by name. */
function byName(props: Readonly<Record<string, PropValue>>): QxlConfig {
  const int = (name: string): number | undefined => {
    const v = props[name];
    if (v === undefined || typeof v === 'boolean') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  };
  const revision = int('revision') ?? QXL_DEFAULT_REVISION;
  const vgamem = Math.min(256, Math.max(8, int('vgamem_mb') ?? 16)) * MiB;
  let ram = parseSize(props['ram_size']) ?? 64 * MiB;
  const ramMb = int('ram_size_mb');
  if (ramMb !== undefined && ramMb >= 0) ram = (ramMb * MiB) % 2 ** 32;
  if (ram < vgamem * 2) ram = vgamem * 2;
  let vram32 = parseSize(props['vram_size']) ?? 64 * MiB;
  const vramMb = int('vram_size_mb');
  if (vramMb !== undefined && vramMb >= 0) vram32 = vramMb * MiB;
  if (vram32 < 4096) vram32 = 4096;
  let vram64 = vram32;
  const vram64Mb = int('vram64_size_mb');
  if (vram64Mb !== undefined && vram64Mb >= 0) vram64 = vram64Mb * MiB;
  if (vram64 < vram32) vram64 = vram32;
  if (revision === 1) vram32 = vram64 = 4096;
  return {
    revision, vgamemSize: pow2ceil(vgamem), ramSize: pow2ceil(ram), vram32Size: pow2ceil(vram32), vram64Size: pow2ceil(vram64),
    ioSize: QXL_IO_SIZE_BY_REVISION[revision] ?? 32, numSurfaces: int('surfaces') ?? 1024, guestdebug: int('guestdebug') ?? 0,
    xres: int('xres') ?? 0, yres: int('yres') ?? 0, maxOutputs: int('max_outputs') ?? 0,
  };
}

const NAMES = ['revision', 'vgamem_mb', 'ram_size', 'ram_size_mb', 'vram_size', 'vram_size_mb', 'vram64_size_mb', 'surfaces',
  'guestdebug', 'xres', 'yres', 'max_outputs', 'romfile', 'x-console-id'];
const VALUES: PropValue[] = [0, 1, 2, 4, 5, 7, 16, 24, 300, 4096, 4097, -3, 2.7, '12', '32M', '64 MiB', '1g', 'x', '', true, false];

describe('qxlConfig reads each property given, in one pass', () => {
  it('equals the by-name derivation for 3,000 seeded property sets, null-prototype objects included', () => {
    const rng = mulberry32(0x9e3779b9);
    let differing = 0;
    for (let i = 0; i < 3000; i++) {
      const props: Record<string, PropValue> = i % 3 === 0 ? Object.create(null) as Record<string, PropValue> : {};
      const n = Math.floor(rng() * 5);
      for (let j = 0; j < n; j++) props[NAMES[Math.floor(rng() * NAMES.length)]!] = VALUES[Math.floor(rng() * VALUES.length)]!;
      if (JSON.stringify(qxlConfig(props)) !== JSON.stringify(byName(props))) differing++;
    }
    expect(differing).toBe(0);
  });

  it('sizes from every kind of property at once', () => {
    expect(qxlConfig({ revision: 4, vgamem_mb: '24', ram_size: '32M', vram_size_mb: 3, vram64_size_mb: 256, surfaces: 64, xres: 1024, yres: 768, max_outputs: 2, guestdebug: true })).toEqual({
      revision: 4, vgamemSize: 32 * MiB, ramSize: 64 * MiB, vram32Size: 4 * MiB, vram64Size: 256 * MiB, ioSize: 32,
      numSurfaces: 64, guestdebug: 0, xres: 1024, yres: 768, maxOutputs: 2,
    });
  });
});

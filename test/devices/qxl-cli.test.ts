import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSize } from '../../devices/qxl/size-check.js';
import { runCli } from '../cli/run-cli.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'qxl-replay');

function tempScript(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'qxl-replay-')), 'bad.json');
  writeFileSync(p, text);
  return p;
}

describe('vfio-sim qxl-replay', () => {
  it('prints one JSON object per step, init first, with the release ring as QEMU left it', async () => {
    const r = await runCli('qxl-replay', join(FIX, 'fill-update.script.json'), '--json');
    expect(r.code).toBe(0);
    const steps = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(steps.map((s) => s['label'])).toEqual(['init', 'push-fill', 'notify', 'update-area', 'flush-release']);
    expect(steps[4]).toMatchObject({ status: 'running', int_pending: 17, irq_level: 1, release_ring: [8, 1, 1, 0, 0], io: ['handled:native'] });
    expect((steps[4]!['release_items'] as string[])[0]).toBe('0x1001');
  });

  it('ends with the dead step and exit 1 when a guest action kills the VM', async () => {
    const r = await runCli('qxl-replay', join(FIX, 'fatal-nop-command.script.json'));
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('nop: DEAD SIGTRAP (exit 133): server/red-worker.cpp:red_process_display: bad command type (0)');
  });

  it('names the file, line, column and JSON path of a bad op, exit 2', async () => {
    const script = JSON.parse(readFileSync(join(FIX, 'fill-update.script.json'), 'utf8')) as { steps: { ops: { port?: number }[] }[] };
    script.steps[1]!.ops[0]!.port = 300;
    const p = tempScript(JSON.stringify(script, null, 1));
    const r = await runCli('qxl-replay', p);
    expect(r.code).toBe(2);
    const lines = JSON.stringify(script, null, 1).split('\n');
    const line = lines.findIndex((l) => l.includes('"port": 300'));
    const col = lines[line]!.indexOf('300') + 1; // the value's position
    expect(r.stderr).toBe(`${p}:${line + 1}:${col}: $.steps[1].ops[0].port: port: expected an integer 0..0xff, got 300\n`);
    expect(r.stdout).toBe('');
  });

  it('reports every problem of a script, not only the first', async () => {
    const text = '{"model": "qxl-pci", "bars": {"0": 1, "1": 2, "2": 3, "3": 4}, "steps": [{"label": "a", "ops": [{"op": "poke"}]}]}';
    const p = tempScript(text);
    const r = await runCli('qxl-replay', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${p}:1:11: $.model: model: expected "qxl" or "qxl-vga", got "qxl-pci"\n` +
        `${p}:1:${text.indexOf('"poke"') + 1}: $.steps[0].ops[0].op: op: expected "write", "out", "vga-out" or "push", got "poke"\n`,
    );
  });

  it('answers a syntax error with its position, and a missing file with one line, both exit 2', async () => {
    const p = tempScript('{"model": "qxl",\n  "bars": [}');
    const bad = await runCli('qxl-replay', p);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^${p.replace(/[.]/g, '\\.')}:2:\\d+: syntax error`));
    const missing = await runCli('qxl-replay', '/nonexistent/script.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^vfio-sim: \/nonexistent\/script\.json: cannot read: ENOENT/);
  });
});

describe('vfio-sim qxl-size', () => {
  it('agrees with QEMU 7.2 about two 4K heads (recorded: primary-2x4k-vgamem16 / -vgamem64)', () => {
    for (const mb of [16, 64]) {
      const rec = JSON.parse(readFileSync(join(FIX, `primary-2x4k-vgamem${mb}.recorded.json`), 'utf8')) as { steps: { label: string; guest_bugs: string[] }[] };
      const created = rec.steps.find((s) => s.label === 'create-primary-2x4k')!;
      expect(checkSize(2, 3840, 2160, { vgamem_mb: mb }).fits).toBe(created.guest_bugs.length === 0);
    }
    const rec16 = JSON.parse(readFileSync(join(FIX, 'primary-2x4k-vgamem16.recorded.json'), 'utf8')) as { steps: { guest_bugs: string[] }[] };
    expect(rec16.steps[1]!.guest_bugs).toEqual(['qxl_create_guest_primary: requested primary larger than framebuffer stride 30720 x height 2160 > 16777216']);
  });

  it('says two 4K heads do not fit the default 16 MiB vgamem, with the numbers and the props to use', async () => {
    const r = await runCli('qxl-size', '--heads', '2', '--resolution', '3840x2160');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '2 x 3840x2160 @ 32 bpp: primary 66355200 bytes (63.3 MiB)\n' +
        'device: vgamem 16 MiB, BAR0 ram 64 MiB (12286 pages for commands), BAR1 vram 64 MiB\n' +
        'ROM mode 3840x2160: not listed (vgamem too small)\n' +
        'does NOT fit:\n' +
        '  - the primary for 2 x 3840x2160 needs 66355200 bytes (63.3 MiB) but vgamem is 16 MiB: set vgamem_mb=64\n' +
        '  - 3840x2160 is not in the ROM mode list with vgamem 16 MiB (modes need y_res x stride <= vgamem)\n' +
        'use: -device qxl-vga,vgamem_mb=64,ram_size_mb=128,vram_size_mb=64\n',
    );
  });

  it('fits with vgamem_mb=64; QEMU raises BAR0 to twice vgamem', async () => {
    const r = await runCli('qxl-size', '--heads', '2', '--resolution', '3840x2160', '--vgamem-mb', '64', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ fits: true, vgamem: 64 * 2 ** 20, ramSize: 128 * 2 ** 20, modeInRom: true, neededVgamemMb: 64 });
  });

  it('says when no vgamem can hold the heads (QEMU clamps vgamem_mb to 256)', async () => {
    const r = await runCli('qxl-size', '--heads', '4', '--resolution', '8192x4320', '--json');
    expect(r.code).toBe(1);
    const c = JSON.parse(r.stdout) as { primaryBytes: number; neededVgamemMb: number | null; suggested: unknown; problems: string[] };
    expect(c.primaryBytes).toBe(566231040);
    expect(c.neededVgamemMb).toBeUndefined();
    expect(c.suggested).toBeNull();
    expect(c.problems[0]).toMatch(/more than QEMU's 256 MiB vgamem limit/);
  });

  it('refuses a malformed resolution with a usage line, exit 2', async () => {
    const r = await runCli('qxl-size', '--heads', '2', '--resolution', '4k');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('vfio-sim: --resolution must look like 3840x2160 (1..16384 each), not 4k\n');
  });
});

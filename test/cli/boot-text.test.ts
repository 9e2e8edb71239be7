import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('vfio-sim boot text', () => {
  it('states the IGD QEMU behaviour and legacy mode the JSON carries', async () => {
    const legacy = await runCli('boot', 'configs/igd-bdw-pc.yaml');
    expect(legacy.stdout).toContain('\n    QEMU behaviour 9.2 (the IGD code of that QEMU version), legacy mode on\n');
    const q10 = await runCli('boot', 'configs/igd-skl-q35.yaml');
    expect(q10.stdout).toContain('\n    QEMU behaviour 10.1+ (the IGD code of that QEMU version), legacy mode off\n');
  });

  it('names the monitor behind each dirty framebuffer span', async () => {
    const r = await runCli('boot', 'configs/qxl-multihead.yaml');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  dirty framebuffer'))).toEqual([
      '  dirty framebuffer [0x4000000, 0x41d5000): 79 pages (monitor ramfb, ram 800x600)',
      '  dirty framebuffer [0xec000000, 0xec300000): 896 pages (monitor left, primary 1024x768 on 00:01.0)',
      '  dirty framebuffer [0xf0000000, 0xf004b000): 75 pages (monitor pip, offscreen 320x240 on 00:01.0)',
      '  dirty framebuffer [0xf4000000, 0xf4300000): 384 pages (monitor right, primary 1024x768 on 00:02.0)',
      '  dirty framebuffer [0xf4000000, 0xf4500000): 1408 pages (monitor right, primary 1280x1024 on 00:02.0)',
    ]);
  });
});

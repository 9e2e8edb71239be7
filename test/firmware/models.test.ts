import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareWithRecording } from './compare.js';
import { bootProfiled, fixtureNames, loadFixture, registerModels } from './helpers.js';

registerModels();

/** Topologies of the newer models, each recorded with scripts/record-seabios.sh on QEMU 7.2.22 and 10.0.13. */
const MODELS = fileURLToPath(new URL('../fixtures/seabios-models/', import.meta.url));

describe('newer models (virtio-blk/gpu/vga, nvme, vmxnet3, cirrus-vga, ioh3420, x3130 switch, i82801b11) against both QEMUs', () => {
  const cases = fixtureNames(MODELS);
  it('has each topology recorded on QEMU 7.2 and 10.0', () => expect(cases.length % 2).toBe(0));
  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name, MODELS);
      let result: ReturnType<typeof bootProfiled> | undefined;
      // Every topology here has a virtio-blk drive, whose SeaBIOS driver takes ZoneHigh memory (not modelled).
      compareWithRecording(spec, fx, log, () => (result ??= bootProfiled(spec)), { blockDriverMemory: true });
    });
  }
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareWithRecording } from './compare.js';
import { bootProfiled, fixtureNames, loadFixture } from './helpers.js';

/** Topologies of the newer models, each recorded with scripts/record-seabios.sh on QEMU 7.2.22 and 10.0.13. */
const MODELS = fileURLToPath(new URL('../fixtures/seabios-models/', import.meta.url));

describe('newer models and wider topologies against both QEMUs', () => {
  const cases = fixtureNames(MODELS);
  it('has each topology recorded on QEMU 7.2 and 10.0', () => expect(cases.length % 2).toBe(0));
  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name, MODELS);
      let result: ReturnType<typeof bootProfiled> | undefined;
      // A drive's SeaBIOS block driver (virtio-blk, nvme) takes ZoneHigh memory vfio-sim does not model.
      const blockDriverMemory = spec.devices.some((d) => typeof d.props['drive'] === 'string');
      it(blockDriverMemory ? 'has a drive (ZoneHigh-dependent e820 not compared)' : 'has no drive (everything compared)', () => {
        expect(blockDriverMemory).toBe(name.startsWith('models-'));
      });
      compareWithRecording(spec, fx, log, () => (result ??= bootProfiled(spec)), { blockDriverMemory });
    });
  }
});

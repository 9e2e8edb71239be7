import { describe, expect, it } from 'vitest';
import { compareWithRecording } from './compare.js';
import { boot, fixtureNames, loadFixture } from './helpers.js';

const cases = fixtureNames();

describe('SeaBIOS 1.16.2 on the 58 recorded QEMU 7.2 topologies', () => {
  it('has all 58 cases', () => expect(cases.length).toBe(58));

  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name);
      let result: ReturnType<typeof boot> | undefined;
      compareWithRecording(spec, fx, log, () => (result ??= boot(spec)));
    });
  }
});

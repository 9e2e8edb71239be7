import { describe, expect, it } from 'vitest';
import { compareWithRecording } from './compare.js';
import { boot, fixtureNames, loadFixture, RECORDED } from './helpers.js';

/** Corner cases recorded for this suite with scripts/record-seabios.sh (QEMU 7.2.22 + Debian SeaBIOS 1.16.2). */
const cases = fixtureNames(RECORDED);

describe('SeaBIOS 1.16.2 corner cases recorded from QEMU 7.2', () => {
  it('has the recordings', () => expect(cases.length).toBeGreaterThanOrEqual(10));
  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name, RECORDED);
      let result: ReturnType<typeof boot> | undefined;
      compareWithRecording(spec, fx, log, () => (result ??= boot(spec)));
    });
  }
});

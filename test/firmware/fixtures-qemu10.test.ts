import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareWithRecording } from './compare.js';
import { bootProfiled, fixtureNames, loadFixture } from './helpers.js';

const QEMU10 = fileURLToPath(new URL('../fixtures/seabios-qemu10/', import.meta.url));
const QEMU10_INTEL = fileURLToPath(new URL('../fixtures/seabios-qemu10-intel/', import.meta.url));

describe('SeaBIOS 1.16.3 on the 58 topologies recorded on QEMU 10.0 (qemu64: AMD, 40 phys-bits)', () => {
  const cases = fixtureNames(QEMU10);
  it('has all 58 cases', () => expect(cases.length).toBe(58));
  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name, QEMU10);
      let result: ReturnType<typeof bootProfiled> | undefined;
      it('is a QEMU 10.0 + SeaBIOS 1.16.3 config', () => expect([spec.machine.qemu, spec.firmware.version]).toEqual(['10.0', '1.16.3']));
      compareWithRecording(spec, fx, log, () => (result ??= bootProfiled(spec)));
    });
  }
});

describe('SeaBIOS 1.16.3 on QEMU 10.0 with an Intel vCPU of 39 and 46 phys-bits', () => {
  const cases = fixtureNames(QEMU10_INTEL);
  it('has all 40 cases', () => expect(cases.length).toBe(40));
  for (const name of cases) {
    describe(name, () => {
      const { spec, fx, log } = loadFixture(name, QEMU10_INTEL);
      let result: ReturnType<typeof bootProfiled> | undefined;
      it('is an Intel vCPU config', () => expect(spec.machine.cpu?.vendor).toBe('intel'));
      compareWithRecording(spec, fx, log, () => (result ??= bootProfiled(spec)));
    });
  }
});

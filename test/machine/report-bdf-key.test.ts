import { describe, expect, it } from 'vitest';
import { bdfString } from '../../devices/pci/regs.js';
import { bdfKey, bdfText } from '../../vmm/frontends/report/build.js';

describe('bdfText (the report spelling a function\'s BDF)', () => {
  it('is bdfString for every bus and devfn, and for numbers outside them', () => {
    for (let bus = 0; bus < 256; bus++) {
      for (let devfn = 0; devfn < 256; devfn++) expect(bdfText(bus, devfn)).toBe(bdfString(bus, devfn));
    }
    for (const [bus, devfn] of [[256, 0], [0, 256], [-1, 8], [1.5, 0]] as const) expect(bdfText(bus, devfn)).toBe(bdfString(bus, devfn));
  });
});

describe('bdfKey (the report matching a placement to its function)', () => {
  it('gives bus << 8 | devfn for the BDF text of every bus and devfn', () => {
    for (let bus = 0; bus < 256; bus++) {
      for (let devfn = 0; devfn < 256; devfn++) expect(bdfKey(bdfString(bus, devfn))).toBe((bus << 8) | devfn);
    }
  });

  it('gives -1 for any text that is not some function\'s BDF text', () => {
    for (const s of ['', '00:02.', '00:02.00', '0:02.0', '00-02.0', '00:02:0', '00:02.8', '00:20.0', '0A:02.0', '00:0F.0', 'g0:02.0', '00:02.f', ' 0:02.0']) {
      expect(bdfKey(s)).toBe(-1);
    }
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootIgd, MiB, specOf } from './helpers.js';

const DIR = fileURLToPath(new URL('../../configs/', import.meta.url));
const NAMES = readdirSync(DIR).filter((f) => /^igd-.*\.yaml$/.test(f)).sort();

/** What each bundled machine must give the guest (stolen bytes, BDSM register, e820 types). */
const EXPECT: Record<string, { stolen: number; reg: number; opType: 'reserved' | 'nvs'; legacy: boolean }> = {
  'igd-snb-pc.yaml': { stolen: 64 * MiB, reg: 0x5c, opType: 'reserved', legacy: true },
  'igd-snb-q35.yaml': { stolen: 32 * MiB, reg: 0x5c, opType: 'reserved', legacy: false },
  'igd-bdw-pc.yaml': { stolen: 72 * MiB, reg: 0x5c, opType: 'reserved', legacy: true },
  'igd-bdw-q35.yaml': { stolen: 64 * MiB, reg: 0x5c, opType: 'nvs', legacy: false },
  'igd-skl-pc.yaml': { stolen: 64 * MiB, reg: 0x5c, opType: 'reserved', legacy: true },
  'igd-skl-q35.yaml': { stolen: 64 * MiB, reg: 0x5c, opType: 'reserved', legacy: false },
  'igd-tgl-pc.yaml': { stolen: 60 * MiB, reg: 0xc0, opType: 'nvs', legacy: false },
  'igd-tgl-q35.yaml': { stolen: 60 * MiB, reg: 0xc0, opType: 'nvs', legacy: false },
  'igd-adln-q35.yaml': { stolen: 60 * MiB, reg: 0xc0, opType: 'nvs', legacy: false },
};
/** Meteor Lake: no BDSM register, the DSM is in LMEMBAR (guest-view.test.ts); only the OpRegion is placed. */
const OPREGION_ONLY: Record<string, 'reserved' | 'nvs'> = { 'igd-mtl-q35.yaml': 'reserved' };

describe('bundled IGD machines', () => {
  it('cover snb, bdw, skl and tgl on pc and q35, Alder Lake-N and Meteor Lake', () => {
    expect(NAMES).toEqual([...Object.keys(EXPECT), ...Object.keys(OPREGION_ONLY)].sort());
  });

  for (const [name, opType] of Object.entries(OPREGION_ONLY)) {
    it(`${name} boots with no errors: the OpRegion placed and announced, no BDSM`, () => {
      const b = bootIgd(specOf(readFileSync(DIR + name, 'utf8')));
      expect(b.fw.panic).toBeNull();
      expect(b.report.events.filter((e) => /error|refused/.test(e.kind))).toEqual([]);
      const asls = b.igd.guestAsls();
      expect(b.fw.e820.some((e) => e.type === opType && e.start <= asls && asls < e.end)).toBe(true);
      expect([b.igd.guestBdsm(), b.report.igd.fwcfg['etc/igd-bdsm-size']]).toEqual([0, '0x0']);
    });
  }

  for (const name of Object.keys(EXPECT)) {
    it(`${name} boots with no errors: stolen memory and OpRegion placed and announced`, () => {
      const b = bootIgd(specOf(readFileSync(DIR + name, 'utf8')));
      const x = EXPECT[name]!;
      expect(b.fw.panic).toBeNull();
      expect(b.report.events.filter((e) => /error|refused/.test(e.kind))).toEqual([]);
      const bdsm = b.igd.guestBdsm();
      const asls = b.igd.guestAsls();
      expect(bdsm % MiB).toBe(0);
      expect(asls % 0x1000).toBe(0);
      expect(b.igd.bdsmOffset).toBe(x.reg);
      expect(b.fw.e820).toContainEqual({ start: bdsm, end: bdsm + x.stolen, type: 'reserved' });
      expect(b.fw.e820.some((e) => e.type === x.opType && e.start <= asls && asls < e.end)).toBe(true);
      expect(b.report.igd.legacyMode).toBe(x.legacy);
      const ids = b.report.igd.hazards.map((h) => h.id);
      expect(ids.filter((i) => !['lpc-ids-missing', 'gen11-stolen-reserved'].includes(i))).toEqual([]);
    });
  }
});

/**
 * The handler in front of one trapped region: applies the region's config rules, in declaration
 * order, to each access. Reads: the device is read (unless a matching rule drops the read, which then
 * returns all ones as a master abort does), then each matching rule logs or rewrites the value the
 * CPU gets. Writes: each matching rule logs or rewrites the value; a drop stops it before the device.
 * Offset rules (`field: offset`) first redirect the access to another offset of the same region;
 * every rule matches on the offset the guest used.
 */
import type { IoHandler } from '../../core/bus/address-space.js';
import type { TrapEngine } from './engine.js';
import { ACTION_DROP, ACTION_REWRITE, DIR_READ, DIR_WRITE, rewriteValue, type RuleSet } from './rules.js';

const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff] as const;

export class RuleHandler implements IoHandler {
  constructor(
    private readonly inner: IoHandler,
    private readonly engine: TrapEngine,
    private readonly bdf: number,
    private readonly region: number,
    private readonly rs: RuleSet,
    /** What the handler fronts (config handlers are cached per function and checked against it). */
    readonly target: unknown = undefined,
  ) {}

  /** The offset the device sees after offset rules (each hit traced with the offsets as before/after). */
  private redirect(offset: number, width: 1 | 2 | 4, dir: number): number {
    const rs = this.rs;
    let o = offset;
    for (let i = 0; i < rs.length; i++) {
      if (rs.fields[i] !== 1 || !rs.matches(i, offset, width, dir) || o < rs.from0[i]! || o >= rs.from1[i]!) continue;
      const no = rs.to[i]! + (o - rs.from0[i]!);
      this.engine.hitOffset(this.bdf, this.region, offset, width, dir === DIR_WRITE, o, no, rs.ids[i]!);
      o = no;
    }
    return o;
  }

  read(offset: number, width: 1 | 2 | 4): number {
    const e = this.engine;
    const rs = this.rs;
    e.step++;
    const target = rs.rewritesOffsets ? this.redirect(offset, width, DIR_READ) : offset;
    let dropped = false;
    if (rs.dropsReads) {
      for (let i = 0; i < rs.length; i++) {
        if (rs.actions[i] === ACTION_DROP && rs.matches(i, offset, width, DIR_READ)) dropped = true;
      }
    }
    let v = dropped ? ALL_ONES[width] : this.inner.read(target, width);
    for (let i = 0; i < rs.length; i++) {
      if (rs.fields[i] === 1 || !rs.matches(i, offset, width, DIR_READ)) continue;
      const a = rs.actions[i]!;
      if (a === ACTION_REWRITE) {
        if (v < rs.from0[i]! || v >= rs.from1[i]!) continue;
        const nv = rewriteValue(v, rs.from0[i]!, rs.to[i]!, width);
        e.hit(this.bdf, this.region, offset, width, false, v, nv, false, rs.ids[i]!);
        v = nv;
      } else {
        e.hit(this.bdf, this.region, offset, width, false, v, v, a === ACTION_DROP, rs.ids[i]!);
      }
    }
    return v;
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    const e = this.engine;
    const rs = this.rs;
    e.step++;
    const target = rs.rewritesOffsets ? this.redirect(offset, width, DIR_WRITE) : offset;
    let v = value;
    for (let i = 0; i < rs.length; i++) {
      if (rs.fields[i] === 1 || !rs.matches(i, offset, width, DIR_WRITE)) continue;
      const a = rs.actions[i]!;
      if (a === ACTION_DROP) {
        e.hit(this.bdf, this.region, offset, width, true, v, v, true, rs.ids[i]!);
        return;
      }
      if (a === ACTION_REWRITE) {
        if (v < rs.from0[i]! || v >= rs.from1[i]!) continue;
        const nv = rewriteValue(v, rs.from0[i]!, rs.to[i]!, width);
        e.hit(this.bdf, this.region, offset, width, true, v, nv, false, rs.ids[i]!);
        v = nv;
      } else {
        e.hit(this.bdf, this.region, offset, width, true, v, v, false, rs.ids[i]!);
      }
    }
    this.inner.write(target, width, v);
  }
}

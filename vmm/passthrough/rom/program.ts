/**
 * ROM programs: what an option ROM does to the machine, as a declarative list of config, port, MMIO
 * and memory operations with variables, conditions and loops. The validated form every layer uses.
 */
import type { Expr } from './expr.js';

export type Width = 1 | 2 | 4;

export interface Pos {
  readonly line: number;
  readonly col: number;
}

/** An expression with the text it was written as (for messages). */
export interface SrcExpr {
  readonly expr: Expr;
  readonly src: string;
}

interface At {
  /** Where the step is written in its file (runtime faults point here). */
  readonly at: Pos;
}

/** Reads into a variable. `bdf` (config only) defaults to the function the ROM belongs to. */
export interface ReadStep extends At {
  readonly op: 'config-read' | 'io-read' | 'mem-read';
  readonly bdf?: SrcExpr;
  readonly addr: SrcExpr; // config offset, port, or physical address
  readonly width: Width;
  readonly into: string;
}

export interface WriteStep extends At {
  readonly op: 'config-write' | 'io-write' | 'mem-write';
  readonly bdf?: SrcExpr;
  readonly addr: SrcExpr;
  readonly width: Width;
  readonly value: SrcExpr;
}

export interface SetStep extends At {
  readonly op: 'set';
  readonly assigns: readonly (readonly [string, SrcExpr])[];
}

/** `var` runs from `from` by `step`, `count` times (or while below `to`). */
export interface LoopStep extends At {
  readonly op: 'loop';
  readonly var: string;
  readonly from: SrcExpr;
  readonly count?: SrcExpr;
  readonly to?: SrcExpr;
  readonly step: SrcExpr;
  readonly body: readonly RomStep[];
}

export interface IfStep extends At {
  readonly op: 'if';
  readonly cond: SrcExpr;
  readonly then: readonly RomStep[];
  readonly else: readonly RomStep[];
}

/** Text to the debug console (SeaBIOS dprintf); `{expr}` parts print as 0x-hex. */
export interface LogStep extends At {
  readonly op: 'log';
  readonly parts: readonly (string | SrcExpr)[];
}

export type RomStep = ReadStep | WriteStep | SetStep | LoopStep | IfStep | LogStep;

export interface RomProgram {
  readonly name: string;
  readonly description: string;
  /** File the program came from (`<bundled>/name` for bundled ones), for messages. */
  readonly file: string;
  /** Inputs with their defaults; a caller may override any of them (mode, host values, ...). */
  readonly vars: Readonly<Record<string, number>>;
  readonly steps: readonly RomStep[];
}

/** Variables every program can read without declaring: set by the option-ROM scan. */
export const ROM_BUILTINS = ['bdf', 'romAddr', 'romSize'] as const;

export const READ_OPS = ['config-read', 'io-read', 'mem-read'] as const;
export const WRITE_OPS = ['config-write', 'io-write', 'mem-write'] as const;

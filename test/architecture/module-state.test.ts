import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No module-level mutable state in the code a boot runs (docs/architecture.md §6 "Per-machine state"): a module
 * is evaluated once per process (and once per worker), so anything it keeps is shared by every machine, test and
 * sweep row of that process. State belongs to an owner that is passed in (the machine, a registry, a cache the
 * caller creates); facts are immutable constants.
 *
 * Found at a module's top level:
 * - `let` / `var` bindings;
 * - a collection (`new Map/Set/WeakMap/WeakSet`) that is exported without a Readonly type, or that the module
 *   itself changes (`.set/.add/.delete/.clear`);
 * - any top-level binding the module changes in place (`X.push(…)`, `X[k] = …`, `X.f = …`, `X = …`);
 * - a class's `static` field that is not `readonly`.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAYERS = ['vmm', 'devices', 'firmware'];

/** Deliberate exceptions, each with its reason: none today. */
const ALLOWED: readonly string[] = [];

const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'shift', 'unshift', 'splice', 'fill', 'copyWithin', 'sort', 'reverse']);
const READONLY_TYPES = /^(Readonly(Map|Set)|Readonly<|readonly )/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => posix.join(dir, f.split('\\').join('/')))
    .sort();
}

const isExported = (s: ts.Statement): boolean => ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Names a statement's top-level bindings mutate in place, anywhere in the file. */
function mutatedNames(sf: ts.SourceFile, names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const target = (e: ts.Expression): string | undefined => {
    // X.f = …, X[k] = … (one level: the binding itself changes, not a value it merely points to)
    if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && ts.isIdentifier(e.expression)) return e.expression.text;
    if (ts.isIdentifier(e)) return e.text;
    return undefined;
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression)) {
      const name = n.expression.expression.text;
      if (names.has(name) && MUTATORS.has(n.expression.name.text)) out.add(name);
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const name = target(n.left);
      if (name !== undefined && names.has(name)) out.add(name);
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      const name = target(n.operand);
      if (name !== undefined && names.has(name)) out.add(name);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Every top-level mutable binding of one module, as `file: name (why)`. */
export function moduleState(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const consts = new Map<string, { exported: boolean; collection: boolean; readonlyType: boolean }>();
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) {
      const isConst = (s.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of s.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const name = d.name.text;
        if (!isConst) {
          out.push(`${file}: ${name} (a top-level let/var)`);
          continue;
        }
        const init = d.initializer;
        const collection = init !== undefined && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTIONS.has(init.expression.text);
        const readonlyType = d.type !== undefined && READONLY_TYPES.test(d.type.getText(sf));
        consts.set(name, { exported: isExported(s), collection, readonlyType });
      }
    }
    if (ts.isClassDeclaration(s)) {
      for (const m of s.members) {
        if (!ts.isPropertyDeclaration(m)) continue;
        const mods = ts.getModifiers(m) ?? [];
        const isStatic = mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        const isReadonly = mods.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);
        if (isStatic && !isReadonly) out.push(`${file}: ${s.name?.text ?? 'class'}.${m.name.getText(sf)} (a static field that is not readonly)`);
      }
    }
  }
  const mutated = mutatedNames(sf, new Set(consts.keys()));
  for (const [name, c] of consts) {
    if (mutated.has(name)) out.push(`${file}: ${name} (changed by its module)`);
    else if (c.collection && c.exported && !c.readonlyType) out.push(`${file}: ${name} (an exported ${'collection'} without a Readonly type)`);
  }
  return out;
}

describe('module-level state (docs/architecture.md §6)', () => {
  it('finds let/var, collections a module changes or exports writable, in-place changes and static fields', () => {
    const text = [
      'let count = 0;',
      'const cache = new Map<string, number>();',
      'export const TABLE = new Set([1]);',
      'export const NAMES: ReadonlySet<string> = new Set(["a"]);',
      'const LIST: string[] = [];',
      'const FIXED = new Set(["x"]);',
      'const CONFIG = { depth: 1 };',
      'class Pool { static size = 4; static readonly MAX = 8; }',
      'export function f(k: string): boolean { cache.set(k, count++); LIST.push(k); CONFIG.depth = 2; return FIXED.has(k) && NAMES.has(k); }',
    ].join('\n');
    expect(moduleState('x.ts', text)).toEqual([
      'x.ts: count (a top-level let/var)',
      'x.ts: Pool.size (a static field that is not readonly)',
      'x.ts: cache (changed by its module)',
      'x.ts: TABLE (an exported collection without a Readonly type)',
      'x.ts: LIST (changed by its module)',
      'x.ts: CONFIG (changed by its module)',
    ]);
  });

  it.each(LAYERS)('%s/ keeps no module-level mutable state', (layer) => {
    const files = sources(layer);
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((f) => moduleState(f, readFileSync(join(ROOT, f), 'utf8'))).filter((s) => !ALLOWED.includes(s));
    expect(found).toEqual([]);
  });
});

import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { ProblemBody } from './problems.js';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type PathSeg = string | number;

/**
 * The `yaml` package, loaded on first use: a plain config never needs it (plain-yaml.ts reads it), so a CLI
 * start does not load its ~70 CommonJS files (docs/performance.md §11). Node resolves the ES import of
 * `yaml` to the same CommonJS build, so this is the one instance every module sees.
 */
function yaml(): typeof Yaml {
  return createRequire(import.meta.url)('yaml') as typeof Yaml;
}

/**
 * Limits of every YAML text the tool reads (configs with their workloads, ROM programs). The largest
 * bundled config is ~3 KiB, 5 levels deep and ~300 nodes; these are orders of magnitude above that and
 * far below what makes parsing, validating or locating errors slow or deep enough to overflow the stack.
 */
export const YAML_LIMITS = Object.freeze({
  /** Bytes of text (checked before parsing). */
  bytes: 1024 * 1024,
  /** Nesting of mappings and lists. */
  depth: 64,
  /** Nodes (scalars, mappings, lists, aliases) in the document. */
  nodes: 50_000,
  /** Alias nodes (`*name`): configs need few; each one may expand a whole subtree. */
  aliases: 100,
  /** Keys of one mapping (device props have ~20; a list such as `devices` is not limited by this). */
  keys: 1000,
});

/**
 * A YAML config parsed with positions kept (yaml's LineCounter and node ranges), so every problem
 * found later, by the schema or by the semantic checks, can name the line and column it comes from.
 */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly y = yaml();
  private readonly lc: LineCounter = new this.y.LineCounter();

  /** A limit the text broke (size, depth, nodes, aliases, a non-scalar key), found before any conversion. */
  private readonly limitError: { pos: Pos; problem: ProblemBody } | undefined;

  constructor(readonly text: string) {
    if (text.length > YAML_LIMITS.bytes) {
      // Never parsed: an empty document stands in, so callers see only the size error.
      this.text = '';
      this.doc = this.y.parseDocument('', { lineCounter: this.lc });
      this.limitError = { pos: { line: 1, col: 1 }, problem: { code: 'yaml-too-large', params: { bytes: text.length, limit: YAML_LIMITS.bytes } } };
      return;
    }
    // Key uniqueness is checked in checkLimits with a set: yaml's own check compares each key with
    // every earlier one, which is quadratic (40000 keys: over a minute).
    this.doc = this.y.parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: false });
    this.limitError = this.doc.errors.length > 0 ? undefined : this.checkLimits();
  }

  /** Syntax errors and broken limits (the rest of the checks do not run when there are any). */
  syntaxErrors(): { pos: Pos; problem: ProblemBody }[] {
    if (this.limitError !== undefined) return [this.limitError];
    const out: { pos: Pos; problem: ProblemBody }[] = [];
    let tooDeep = false;
    for (const e of this.doc.errors) {
      const msg = firstLine(e.message);
      // yaml's recursive composer turns very deep flow nesting into a caught RangeError — once per level it unwinds
      // through, a number that depends on how much stack the caller left: one answer, at the first of them.
      if (/call stack/i.test(msg)) {
        if (!tooDeep) out.push({ pos: this.posOf(e.pos[0]), problem: { code: 'yaml-too-deep', params: { limit: YAML_LIMITS.depth } } });
        tooDeep = true;
      } else out.push({ pos: this.posOf(e.pos[0]), problem: { code: 'yaml-syntax', params: { detail: msg } } });
    }
    return out;
  }

  /**
   * Walks the document without recursion: depth, node and alias counts, and keys that are not scalars
   * (JavaScript objects can only have string keys; yaml would stringify them with a process warning).
   */
  private checkLimits(): { pos: Pos; problem: ProblemBody } | undefined {
    const at = (n: unknown): Pos => {
      const r = (n as { range?: [number, number, number] } | null)?.range;
      return r ? this.posOf(r[0]) : { line: 1, col: 1 };
    };
    const stack: { node: unknown; depth: number }[] = [{ node: this.doc.contents, depth: 0 }];
    let nodes = 0;
    let aliases = 0;
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (node === null || node === undefined) continue;
      if (++nodes > YAML_LIMITS.nodes) return { pos: at(node), problem: { code: 'yaml-too-many-nodes', params: { limit: YAML_LIMITS.nodes } } };
      if (this.y.isAlias(node)) {
        if (++aliases > YAML_LIMITS.aliases) return { pos: at(node), problem: { code: 'yaml-too-many-aliases', params: { limit: YAML_LIMITS.aliases } } };
        continue;
      }
      if (this.y.isMap(node) && node.items.length > YAML_LIMITS.keys) return { pos: at(node), problem: { code: 'yaml-too-many-keys', params: { keys: node.items.length, limit: YAML_LIMITS.keys } } };
      if (this.y.isMap(node) || this.y.isSeq(node)) {
        if (depth >= YAML_LIMITS.depth) return { pos: at(node), problem: { code: 'yaml-too-deep', params: { limit: YAML_LIMITS.depth } } };
        const keys = new Set<string>();
        for (const item of node.items) {
          if (!this.y.isPair(item)) continue;
          // A tagged scalar such as `!!binary` is a Uint8Array key: as bad as a collection.
          const k0 = item.key;
          if (k0 !== null && (!this.y.isScalar(k0) || (typeof k0.value === 'object' && k0.value !== null))) {
            return { pos: at(k0), problem: { code: 'yaml-complex-key', params: {} } };
          }
          const k = this.keyText(item.key);
          if (keys.has(k)) return { pos: at(item.key), problem: { code: 'duplicate-yaml-key', params: { key: k } } };
          keys.add(k);
        }
        // Children pushed last-first, so they are visited (and limits reported) in document order.
        for (let i = node.items.length - 1; i >= 0; i--) {
          const item = node.items[i];
          stack.push({ node: this.y.isPair(item) ? item.value : item, depth: depth + 1 });
        }
      }
    }
    return undefined;
  }

  posOf(offset: number): Pos {
    const p = this.lc.linePos(Math.min(offset, this.text.length));
    return { line: p.line, col: p.col };
  }

  /**
   * Where `path` is written: the key of the last map entry (`key`) or its value (`value`). Falls back
   * to the deepest ancestor that exists, and to 1:1 for an empty document.
   */
  locate(path: readonly PathSeg[], prefer: 'key' | 'value' = 'value'): Pos {
    const { key, value, parent } = this.walk(path);
    const pick = prefer === 'key' ? (key ?? value ?? parent) : (value ?? key ?? parent);
    return pick?.range ? this.posOf(pick.range[0]) : { line: 1, col: 1 };
  }

  /** The scalar's text as written (so `addr: 02.0` stays "02.0" instead of the float 2). */
  sourceOf(path: readonly PathSeg[]): string | undefined {
    const { value } = this.walk(path);
    if (value === undefined || !this.y.isScalar(value) || !value.range) return undefined;
    return this.text.slice(value.range[0], value.range[1]).trim();
  }

  /** The document as plain data; undefined when it cannot be (an alias expansion past yaml's guard). */
  toJS(): unknown {
    if (this.limitError !== undefined) return undefined;
    try {
      return this.doc.toJS({ maxAliasCount: 1000 });
    } catch {
      return undefined;
    }
  }

  /** Why toJS() gave nothing for a document that parsed (an alias bomb), for the caller's error. */
  toJSError(): ProblemBody | undefined {
    try {
      this.doc.toJS({ maxAliasCount: 1000 });
      return undefined;
    } catch (e) {
      return { code: 'yaml-expand-failed', params: { reason: e instanceof Error ? e.message : String(e) } };
    }
  }

  private keyText(k: unknown): string {
    const v = this.y.isScalar(k) ? k.value : null;
    return v === null || v === undefined ? '' : String(v);
  }

  private walk(path: readonly PathSeg[]): { key?: Node; value?: Node; parent?: Node } {
    let node: Node | undefined = (this.doc.contents as Node | null) ?? undefined;
    let key: Node | undefined;
    let parent: Node | undefined;
    for (const seg of path) {
      if (node === undefined) return { parent, ...(key !== undefined ? { key } : {}) };
      parent = node;
      key = undefined;
      if (this.y.isMap(node)) {
        // toJS turns a null key (`null:`, `~:`, `: x`) into '', so a problem path holds ''.
        const pair = node.items.find((p) => (p.key === null || this.y.isScalar(p.key)) && this.keyText(p.key) === String(seg));
        if (pair === undefined) return { parent };
        key = pair.key as Node;
        node = (pair.value as Node | null) ?? undefined;
      } else if (this.y.isSeq(node) && typeof seg === 'number') {
        node = (node.items[seg] as Node | null) ?? undefined;
        if (node === undefined) return { parent };
      } else {
        return { parent };
      }
    }
    return { ...(key !== undefined ? { key } : {}), ...(node !== undefined ? { value: node } : {}), ...(parent !== undefined ? { parent } : {}) };
  }
}


function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/\s*at line \d+, column \d+:?$/, '').trim();
}

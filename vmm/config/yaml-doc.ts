import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type PathSeg = string | number;

/**
 * A YAML config parsed with positions kept (yaml's LineCounter and node ranges), so every problem
 * found later, by the schema or by the semantic checks, can name the line and column it comes from.
 */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lc = new LineCounter();

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
  }

  /** Syntax errors (the rest of the checks do not run when there are any). */
  syntaxErrors(): { pos: Pos; message: string }[] {
    return this.doc.errors.map((e) => ({ pos: this.posOf(e.pos[0]), message: `YAML syntax error: ${firstLine(e.message)}` }));
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
    if (value === undefined || !isScalar(value) || !value.range) return undefined;
    return this.text.slice(value.range[0], value.range[1]).trim();
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  private walk(path: readonly PathSeg[]): { key?: Node; value?: Node; parent?: Node } {
    let node: Node | undefined = (this.doc.contents as Node | null) ?? undefined;
    let key: Node | undefined;
    let parent: Node | undefined;
    for (const seg of path) {
      if (node === undefined) return { parent, ...(key !== undefined ? { key } : {}) };
      parent = node;
      key = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) return { parent };
        key = pair.key as Node;
        node = (pair.value as Node | null) ?? undefined;
      } else if (isSeq(node) && typeof seg === 'number') {
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

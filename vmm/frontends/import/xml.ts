/**
 * A small XML reader for libvirt domain documents: elements, attributes, text, comments, CDATA, the XML
 * declaration and DOCTYPE skipped; the five predefined entities and numeric character references. Element
 * names keep their prefix (`qemu:commandline`). Errors carry a line and column.
 */
import { ImportError } from './types.js';

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
  readonly line: number;
  readonly col: number;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

export function parseXml(text: string): XmlElement {
  let i = 0;
  const pos = (at: number): { line: number; col: number } => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return { line, col: at - before.lastIndexOf('\n') };
  };
  const fail = (msg: string, at = i): never => {
    const p = pos(at);
    throw new ImportError(msg, p.line, p.col);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(chunk);
    else if (chunk.trim() !== '') fail('text outside the root element');
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA section');
      if (stack.length > 0) stack[stack.length - 1]!.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', i) || text.startsWith('<!', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) fail('unterminated declaration');
      i = end + 1;
    } else if (text.startsWith('</', i)) {
      const m = /^<\/([\w:.-]+)\s*>/.exec(text.slice(i));
      if (m === null) fail('malformed end tag');
      const open = stack.pop();
      if (open === undefined || open.name !== m![1]) fail(`end tag </${m![1]}> does not match <${open?.name ?? '(none)'}>`);
      i += m![0].length;
    } else {
      const m = /^<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(i));
      if (m === null) fail('malformed start tag');
      const attrs: Record<string, string> = {};
      for (const a of m![2]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
      const p = pos(i);
      const el: XmlElement = { name: m![1]!, attrs, children: [], text: '', line: p.line, col: p.col };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else if (root !== undefined) fail('a second root element');
      else root = el;
      if (m![3] !== '/') stack.push(el);
      i += m![0].length;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is never closed`, text.length);
  if (root === undefined) fail('no XML element', 0);
  return root!;
}

export const child = (e: XmlElement | undefined, name: string): XmlElement | undefined => e?.children.find((c) => c.name === name);
export const children = (e: XmlElement | undefined, name: string): XmlElement[] => e?.children.filter((c) => c.name === name) ?? [];

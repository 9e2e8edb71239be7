/**
 * The two syntaxes every importer meets: a shell command line (what users paste, what `qm showcmd` prints)
 * and QEMU's option strings (`driver,key=value,...`, QemuOpts in util/qemu-option.c: ",," is a literal comma,
 * a leading bare word is the implied key).
 */

/**
 * Splits a shell command line into words: single and double quotes, backslash escapes, backslash-newline
 * continuations, `#` comments at the start of a word. Returns an error text for an unterminated quote.
 */
export function splitShellWords(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '\n') i += 2; // line continuation
      else if (n === '\r' && text[i + 2] === '\n') i += 3;
      else {
        if (n !== undefined) cur += n;
        inWord = true;
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: 'unterminated single quote' };
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== '\n') cur += text[j + 1];
          j += 2;
        } else cur += text[j++];
      }
      if (j >= text.length) return { error: 'unterminated double quote' };
      inWord = true;
      i = j + 1;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    cur += c;
    inWord = true;
    i++;
  }
  if (inWord) words.push(cur);
  return { words };
}

/** One `key=value` of a QEMU option string, in order; a bare word has value undefined. */
export interface OptPair {
  readonly key: string;
  readonly value: string | undefined;
}

/** Splits a QemuOpts string at single commas (",," is a literal comma). */
export function splitOpts(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ',') {
      if (s[i + 1] === ',') {
        cur += ',';
        i++;
      } else {
        parts.push(cur);
        cur = '';
      }
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * Parses `first,key=value,...`: the first element without '=' is the implied key's value (`-device e1000,...`,
 * `-machine q35,...`, `-cpu host,...`, `-m 4G,...`).
 */
export function parseOpts(s: string, impliedKey: string): OptPair[] {
  const out: OptPair[] = [];
  splitOpts(s).forEach((p, i) => {
    if (p === '') return;
    const eq = p.indexOf('=');
    if (eq < 0) out.push(i === 0 ? { key: impliedKey, value: p } : { key: p, value: undefined });
    else out.push({ key: p.slice(0, eq), value: p.slice(eq + 1) });
  });
  return out;
}

/** QEMU's PCI address syntax (hw/core/qdev-properties-system.c set_pci_devfn): slot[.fn], both hex. */
export function parseDevfn(s: string): number | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.(?:0x)?([0-7]))?$/i.exec(s.trim());
  if (m === null) return undefined;
  const slot = parseInt(m[1]!, 16);
  if (slot > 31) return undefined;
  return (slot << 3) | (m[2] !== undefined ? parseInt(m[2], 16) : 0);
}

export function devfnText(devfn: number): string {
  return `${(devfn >> 3).toString(16).padStart(2, '0')}.${(devfn & 7).toString(16)}`;
}

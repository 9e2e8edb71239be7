/**
 * SeaBIOS's own printf (src/output.c bvprintf), the subset its level-1 messages use:
 * %d %u %x %X %s %c %p %pP %%, the `l`/`ll` length modifiers, and a width with an optional leading
 * `0` (zero padding; otherwise spaces). %llx of a value above 32 bits prints the upper part with
 * width − 8 followed by exactly eight lower digits, which is the same text as plain hex padding.
 * %pP takes a bdf number and prints `bb:dd.f`. Values are JS numbers (exact up to 2^53).
 */
export type PrintfArg = number | string;

const HEX = '0123456789abcdef';

function pad(s: string, width: number, zero: boolean): string {
  if (s.length >= width) return s;
  return (zero ? '0' : ' ').repeat(width - s.length) + s;
}

function hex(n: number): string {
  return n < 0 ? (n >>> 0).toString(16) : n.toString(16);
}

/** `bb:dd.f` for a bdf number (bus << 8 | dev << 3 | fn), as %pP prints a struct pci_device. */
export function bdfText(bdf: number): string {
  const bus = (bdf >> 8) & 0xff;
  const dev = (bdf >> 3) & 0x1f;
  return HEX[bus >> 4]! + HEX[bus & 15]! + ':' + HEX[dev >> 4]! + HEX[dev & 15]! + '.' + HEX[bdf & 7]!;
}

export function format(fmt: string, args: readonly PrintfArg[]): string {
  let out = '';
  let ai = 0;
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const c = fmt.charCodeAt(i);
    if (c !== 37 /* % */) {
      const next = fmt.indexOf('%', i);
      const end = next < 0 ? n : next;
      out += fmt.slice(i, end);
      i = end;
      continue;
    }
    i++;
    let zero = false;
    let width = 0;
    if (fmt.charCodeAt(i) === 48 /* 0 */) {
      zero = true;
      i++;
    }
    while (i < n) {
      const d = fmt.charCodeAt(i);
      if (d < 48 || d > 57) break;
      width = width * 10 + (d - 48);
      i++;
    }
    while (fmt.charCodeAt(i) === 108 /* l */) i++;
    const conv = fmt[i++];
    switch (conv) {
      case '%':
        out += '%';
        break;
      case 'd': {
        const v = Number(args[ai++]);
        const s = v < 0 ? '-' + pad(String(-v), zero ? width - 1 : 0, true) : String(v);
        out += pad(s, width, zero && v >= 0);
        break;
      }
      case 'u':
        out += pad(String(Number(args[ai++])), width, zero);
        break;
      case 'x':
        out += pad(hex(Number(args[ai++])), width, zero);
        break;
      case 'X':
        out += pad(hex(Number(args[ai++])).toUpperCase(), width, zero);
        break;
      case 's':
        out += pad(String(args[ai++]), width, false);
        break;
      case 'c':
        out += String.fromCharCode(Number(args[ai++]));
        break;
      case 'p':
        if (fmt[i] === 'P') {
          i++;
          out += bdfText(Number(args[ai++]));
        } else {
          out += '0x' + pad(hex(Number(args[ai++])), 8, true);
        }
        break;
      default:
        // SeaBIOS prints an unknown conversion verbatim.
        out += '%' + (conv ?? '');
    }
  }
  return out;
}

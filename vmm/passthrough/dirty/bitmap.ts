/** Small helpers over dirty bitmaps held as Uint32Array words, bit i of the range at word i >>> 5, bit i & 31. */

export function bitmapWords(pages: number): number {
  return Math.ceil(pages / 32);
}

/**
 * Sets bits [0, pages) and clears the padding bits of the last word, leaving words past it alone.
 * Padding is 0 here although Xen HAP writes whole 0xff bytes: the doc calls it undefined (docs/qxl.md
 * docs/qxl.md §14.3) and zero padding lets a count over the words equal the pages reported.
 */
export function setFirstBits(words: Uint32Array, pages: number): void {
  const full = pages >>> 5;
  words.fill(0xffffffff, 0, full);
  const rest = pages & 31;
  if (rest !== 0) words[full] = (0xffffffff >>> (32 - rest)) >>> 0;
}

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function countBits(words: Uint32Array, nWords: number): number {
  let n = 0;
  for (let i = 0; i < nWords; i++) {
    const w = words[i]!;
    if (w !== 0) n += popcount32(w);
  }
  return n;
}

/** Whether page i is set in a bitmap (for consumers walking the answer). */
export function testBit(words: Uint32Array, i: number): boolean {
  return ((words[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

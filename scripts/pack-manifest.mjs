#!/usr/bin/env node
// npm pack / publish hooks (prepack: strip, postpack: restore). The repository builds dist/ in `prepare`, so that
// `npm ci` in a git clone gives a working bin; a published tarball already holds dist/, and a `prepare` script in
// its package.json only makes npm 11 warn about install scripts on every install. So the packed package.json
// carries the build step renamed (`_prepare`, no lifecycle meaning), and postpack renames it back.
import { readFileSync, writeFileSync } from 'node:fs';

const [from, to] = process.argv[2] === 'strip' ? ['"prepare":', '"_prepare":'] : process.argv[2] === 'restore' ? ['"_prepare":', '"prepare":'] : [];
if (from === undefined) {
  process.stderr.write('usage: pack-manifest.mjs strip|restore\n');
  process.exit(2);
}
const text = readFileSync('package.json', 'utf8');
if (text.includes(from)) writeFileSync('package.json', text.replace(from, to));

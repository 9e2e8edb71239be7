import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixtureText(rel: string): string {
  return readFileSync(FIXTURES + rel, 'utf8');
}

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Host memory (resident-set growth, MB) of a booted 64 GiB guest, measured in a fresh child process. */
export function benchGuestMemory(): { mb: number; note: string } {
  const child = fileURLToPath(new URL('./guest64-child.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child], { encoding: 'utf8', timeout: 120_000 });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { rssDeltaMb: number; igd: boolean; panic: string | null };
  return { mb: r.rssDeltaMb, note: `q35 64 GiB${r.igd ? ' + vfio-igd (e820-reserved)' : ''} + e1000e, RSS growth over a warm 1 GiB boot${r.panic ? `; panic: ${r.panic}` : ''}` };
}

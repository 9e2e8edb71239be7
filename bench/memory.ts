import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Host memory (resident-set growth, MB) of a booted 64 GiB guest, measured in a fresh child process. */
export function benchGuestMemory(): { mb: number; note: string } {
  const child = fileURLToPath(new URL('./guest64-child.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child], { encoding: 'utf8', timeout: 120_000 });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { rssDeltaMb: number; heldDeltaMb: number; igd: boolean; panic: string | null };
  // RSS moves by whole pages and with the allocator's mood; the larger of it and the retained heap is the figure.
  const mb = Math.max(0, r.rssDeltaMb, r.heldDeltaMb);
  const what = `q35 64 GiB${r.igd ? ' + vfio-igd (e820-reserved)' : ''} + e1000e, booted and kept alive, over a warm process`;
  return { mb, note: `${what}: RSS ${r.rssDeltaMb.toFixed(2)} MB, heap+external ${r.heldDeltaMb.toFixed(2)} MB${r.panic ? `; panic: ${r.panic}` : ''}` };
}

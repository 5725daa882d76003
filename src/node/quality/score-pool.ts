/**
 * Runs site groups through `scoreGroup` on `threads` worker threads (the bundled
 * dist/score-worker.js next to the running bundle), or in this thread when threads <= 1 or no
 * bundled worker exists (TypeScript sources under vitest). Results come back in group order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scoreGroup, type GroupResult, type ScoreGroup, type ScoreSettings } from './score-group';

export function findScoreWorker(): string | null {
  const here = import.meta.url;
  if (typeof here !== 'string' || !here.startsWith('file:')) return null;
  for (const rel of ['./score-worker.js', '../score-worker.js']) {
    const p = fileURLToPath(new URL(rel, here));
    if (existsSync(p)) return p;
  }
  return null;
}

export async function runScoreGroups(groups: readonly ScoreGroup[], settings: ScoreSettings, threads: number, onGroup?: (done: GroupResult[]) => void): Promise<GroupResult[][]> {
  const file = threads > 1 && groups.length > 1 ? findScoreWorker() : null;
  if (!file) {
    return groups.map((g) => {
      const r = scoreGroup(g, settings);
      onGroup?.(r);
      return r;
    });
  }
  const out: GroupResult[][] = new Array(groups.length);
  const workers = Array.from({ length: Math.min(threads, groups.length) }, () => new Worker(file));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= groups.length) return resolve();
              const seq = next++;
              w.postMessage({ seq, group: groups[seq], settings });
            };
            w.on('message', (m: { seq: number; ok: true; out: GroupResult[] } | { seq: number; ok: false; message: string }) => {
              if (!m.ok) return reject(new Error(`score worker: ${m.message}`));
              out[m.seq] = m.out;
              onGroup?.(m.out);
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => (next < groups.length || code !== 0 ? reject(new Error(`score worker exited with code ${code}`)) : undefined));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/**
 * Entry of a score worker (bundled to dist/score-worker.js by scripts/build.mjs): scores the
 * site groups `score-pool.ts` posts and posts the results back.
 */
import { parentPort } from 'node:worker_threads';
import { scoreGroup, type ScoreGroup, type ScoreSettings } from './score-group';

const port = parentPort;
if (!port) throw new Error('score-worker.js must run as a worker thread');

port.on('message', (m: { seq: number; group: ScoreGroup; settings: ScoreSettings }) => {
  try {
    port.postMessage({ seq: m.seq, ok: true, out: scoreGroup(m.group, m.settings) });
  } catch (e) {
    port.postMessage({ seq: m.seq, ok: false, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});

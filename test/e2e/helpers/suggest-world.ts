/**
 * The set-up the suggestion end-to-end tests share: a demo campaign served by `fieldmark serve`,
 * a fresh task on the first Class 2 site for a labeller without one, the true fields inside its
 * cell (largest first, > 3000 m^2), two of them that touch, the first already mapped in the task,
 * and a Chromium page with its errors watched.
 */
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import type { TaskState } from '../../../src/common/api/contract';
import type { EditPolygon } from '../../../src/common/editing/geom';
import { launchBrowser, watchErrors } from './browser';
import { demoCampaign, removeDemos, startServe, type RunningServe } from './server';
import { areaM2, inside, touchingPair } from './suggest-geo';

export interface SuggestWorld {
  serve: RunningServe;
  browser: Browser;
  page: Page;
  errors: string[];
  dbPath: string;
  task: number;
  /** true fields inside the task's cell, largest first */
  truth: EditPolygon[];
  /** two touching true fields; the first is mapped in the task */
  pair: [EditPolygon, EditPolygon];
}

export async function suggestWorld(): Promise<SuggestWorld> {
  const [demo, browser] = await Promise.all([demoCampaign({ sites: 6, seed: 7 }), launchBrowser()]);
  const dbPath = demo.db;
  const db = new Database(dbPath);
  let task: number, truth: EditPolygon[];
  try {
    const site = db.prepare('SELECT id, cell FROM sites WHERE cls = 2 ORDER BY id LIMIT 1').get() as { id: string; cell: string };
    const lab = db.prepare('SELECT id FROM labellers WHERE id NOT IN (SELECT labeller_id FROM assignments WHERE site_id = ?) ORDER BY id').pluck().get(site.id) as string;
    task = Number(db.prepare(`INSERT INTO assignments (site_id, labeller_id, status, started_at) VALUES (?, ?, 'assigned', '2030-02-01T08:00:00Z')`).run(site.id, lab).lastInsertRowid);
    const cell = (JSON.parse(site.cell) as EditPolygon).coordinates[0]!;
    truth = (db.prepare('SELECT geometry FROM truth_fields').pluck().all() as string[])
      .map((g) => JSON.parse(g) as EditPolygon)
      .filter((g) => g.type === 'Polygon' && g.coordinates[0]!.every((p) => inside(p, cell)) && areaM2([g]) > 3000)
      .sort((x, y) => areaM2([y]) - areaM2([x]));
  } finally {
    db.close();
  }
  const pair = touchingPair(truth);
  if (!pair) throw new Error('the demo world has no two touching true fields in a Class 2 cell');
  const serve = await startServe(dbPath);
  const state = await serve.api<TaskState>('openTask', task);
  await serve.api('editTask', task, state.revision, { type: 'field.add', id: 'fA', category: state.categories[0]!.id, geometry: pair[0], trim: 0 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  return { serve, browser, page, errors: watchErrors(page), dbPath, task, truth, pair };
}

export async function closeSuggestWorld(w: SuggestWorld | undefined): Promise<void> {
  await w?.browser.close();
  await w?.serve.stop();
  removeDemos();
}

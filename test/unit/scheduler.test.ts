/**
 * The scheduler's SQL against the pure rules (src/common/scheduling/rules.ts): over a campaign
 * with maps in every status, the site served as work is always the one `pickWork` picks from all
 * candidates (fewest remaining, then oldest), and the trigger-kept `sites.active_maps` equals a
 * recount after inserts, status changes and deletes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapCounts, pickWork, remainingMaps, type WorkCandidate } from '../../src/common/scheduling/rules';
import { generateServeCampaign } from '../../src/node/bench/serve-campaign-gen';
import { requestTask } from '../../src/node/campaign/scheduler';
import { openDatabase } from '../../src/node/store/database';

describe('scheduler', () => {
  it('serves work by the pure rules, and keeps active_maps in step', () => {
    const gen = generateServeCampaign(join(mkdtempSync(join(tmpdir(), 'fm-sched-')), 'c.db'), { labellers: 12, sites: 80, qShare: 0.1, nShare: 0.4, qRate: 0 });
    const db = openDatabase(gen.db);
    db.pragma('synchronous = OFF');
    db.prepare("UPDATE labellers SET qualification = 'passed'").run();
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const statuses = ['submitted', 'approved', 'untrusted', 'rejected', 'returned', 'abandoned', 'assigned'];
    const expected = (labellerId: string): string | null => {
      const sites = db.prepare("SELECT id, cls, rowid AS seq FROM sites WHERE cls IN (2, 4) AND status = 'open' ORDER BY rowid").all() as { id: string; cls: 2 | 4; seq: number }[];
      const maps = db.prepare('SELECT site_id, labeller_id, status FROM assignments').all() as { site_id: string; labeller_id: string; status: string }[];
      const c: WorkCandidate[] = sites
        .filter((s) => !maps.some((m) => m.site_id === s.id && m.labeller_id === labellerId))
        .map((s) => ({ siteId: s.id, seq: s.seq, remaining: remainingMaps(s.cls, mapCounts(maps.filter((m) => m.site_id === s.id).map((m) => m.status)), 3) }));
      return pickWork(c)?.siteId ?? null;
    };
    let served = 0;
    for (let i = 0; i < 150; i++) {
      const who = gen.labellers[Math.floor(rnd() * gen.labellers.length)]!.id;
      db.prepare("UPDATE assignments SET status = 'submitted' WHERE labeller_id = ? AND status = 'assigned'").run(who);
      const want = expected(who);
      const got = requestTask(db, who, { random: () => 0.99 });
      const site = got ? (db.prepare('SELECT site_id FROM assignments WHERE id = ?').pluck().get(got.assignmentId) as string) : null;
      expect(site).toBe(want);
      if (got) {
        served++;
        db.prepare('UPDATE assignments SET status = ? WHERE id = ?').run(statuses[Math.floor(rnd() * statuses.length)], got.assignmentId);
      }
      if (i % 40 === 39) db.prepare('DELETE FROM assignments WHERE id = (SELECT max(id) FROM assignments)').run();
    }
    expect(served).toBeGreaterThan(100);
    const drift = db.prepare("SELECT count(*) FROM sites s WHERE active_maps <> (SELECT count(*) FROM assignments a WHERE a.site_id = s.id AND a.status IN ('assigned','submitted','approved'))").pluck().get();
    expect(drift).toBe(0);
    db.close();
  });
});

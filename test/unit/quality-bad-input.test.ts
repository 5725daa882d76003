/**
 * Bad input for scoring and consensus: invalid and empty geometries, a Class 1 site without
 * reference, labellers without Class 1 history, Class 4 sites with one or no finished map.
 * Clear results or errors, and never NaN or NULL where the schema does not allow it.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consensusCampaign, type ConsensusCampaignResult } from '../../src/node/quality/consensus-campaign';
import { labellerHistory, listLabellerQuality, siteReserve } from '../../src/node/quality/labeller-quality';
import { apiGetMyFeedback } from '../../src/node/quality/quality-api';
import { scoreCampaign, type ScoreCampaignResult } from '../../src/node/quality/score-campaign';
import { insertLabeller } from '../../src/node/store/campaign.repo';
import { openDatabase, type Db } from '../../src/node/store/database';
import { insertAssignment, insertReferenceLabel } from '../../src/node/store/label.repo';
import { insertSite } from '../../src/node/store/site.repo';
import { makeMiniCampaign, MINI, square } from '../fixtures/mini-campaign';

let db: Db;
let scored: ScoreCampaignResult;
const merged: Record<string, ConsensusCampaignResult> = {};
const AT = '2024-09-03T10:00:00Z';

// Raw geometries as a careless file or client might store them.
const BOWTIE = { type: 'Polygon', coordinates: [[[-0.899, 9.386], [-0.898, 9.387], [-0.898, 9.386], [-0.899, 9.387], [-0.899, 9.386]]] };
const TWO_POINTS = { type: 'Polygon', coordinates: [[[-0.899, 9.386], [-0.898, 9.387], [-0.899, 9.386]]] };
const EMPTY = { type: 'Polygon', coordinates: [] };
const NULL_COORDS = { type: 'Polygon', coordinates: [[[null, null], [null, 1], [2, null], [null, null]]] };
const EMPTY_PART = { type: 'MultiPolygon', coordinates: [[], [[[-0.8985, 9.3862], [-0.8982, 9.3862], [-0.8982, 9.3865], [-0.8985, 9.3862]]]] };

function site(id: string, cls: 1 | 2 | 4, lon: number): void {
  insertSite(db, { id, campaignId: 'mini', cls, cell: square(lon, 9.385, 0.005), sceneIds: [] });
}
function work(siteId: string, labellerId: string, geoms: unknown[], status: 'submitted' | 'assigned' = 'submitted', category = 'annualcropland'): number {
  const id = insertAssignment(db, { siteId, labellerId, status, startedAt: AT, submittedAt: status === 'assigned' ? null : AT });
  // raw rows (the store's writers refuse some of these; an older file or another tool may not)
  const ins = db.prepare("INSERT INTO labels (assignment_id, category, geometry, provenance, created_at) VALUES (?, ?, ?, 'imported', ?)");
  for (const g of geoms) ins.run(id, category, JSON.stringify(g), AT);
  return id;
}

beforeAll(async () => {
  const mini = await makeMiniCampaign();
  db = openDatabase(mini.db);
  db.transaction(() => {
    insertLabeller(db, { id: 'lab-c', name: 'Careless', role: 'labeller' });
    insertLabeller(db, { id: 'lab-d', name: 'New', role: 'labeller' });
    site('GH0000003', 1, -0.9);
    insertReferenceLabel(db, { siteId: 'GH0000003', category: 'annualcropland', geometry: square(-0.899, 9.386, 0.001), source: 'expert' });
    work('GH0000003', 'lab-c', [BOWTIE, TWO_POINTS, EMPTY, NULL_COORDS, EMPTY_PART]);
    site('GH0000004', 1, -0.895); // a Class 1 site nobody drew a reference for
    work('GH0000004', 'lab-a', [square(-0.894, 9.386, 0.001)]);
    site('GH0000005', 4, -0.89); // three maps, one by a labeller without history
    work('GH0000005', MINI.labellerA, [square(-0.889, 9.386, 0.001)]);
    work('GH0000005', MINI.labellerB, [square(-0.8889, 9.3861, 0.001)]);
    work('GH0000005', 'lab-d', [square(-0.8891, 9.3859, 0.001), square(-0.887, 9.388, 0.0005)], 'submitted', 'unsure');
    site('GH0000006', 4, -0.885); // one map
    work('GH0000006', MINI.labellerA, [square(-0.884, 9.386, 0.001)]);
    site('GH0000007', 4, -0.88); // nothing finished
    work('GH0000007', MINI.labellerB, [], 'assigned');
    site('GH0000008', 4, -0.875); // only invalid geometry
    work('GH0000008', 'lab-c', [BOWTIE, EMPTY, NULL_COORDS]);
    work('GH0000008', MINI.labellerB, []);
  })();
  scored = await scoreCampaign(db);
  for (const m of ['bayes', 'staple', 'majority'] as const) merged[m] = await consensusCampaign(db, { method: m });
});

afterAll(() => {
  const dir = db ? dirname(db.name) : '';
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('scoring and consensus on bad input', () => {
  it('scores invalid and empty geometries as what survives repair, and a site without reference as a site without fields', () => {
    const c = scored.assignments.find((a) => a.labellerId === 'lab-c')!;
    expect(c.score).toBeGreaterThanOrEqual(0);
    expect(c.score).toBeLessThanOrEqual(1);
    const noRef = scored.assignments.find((a) => a.siteId === 'GH0000004')!;
    expect(noRef.fieldSkill).toBe(1); // no reference field: 0/0
    expect(noRef.fragmentation).toBe(0); // exactly one map has fields
    expect(scored.notes.join(' ')).toMatch(/GH0000004/);
    expect(scored.skipped).toEqual([]);
  });

  it('says which labellers have no Class 1 history, merges one-map sites, skips sites with none', () => {
    for (const m of Object.values(merged)) {
      expect(m.noHistory).toEqual(['lab-d']);
      expect(m.skipped).toEqual([{ siteId: 'GH0000007', reason: 'no finished map' }]);
      expect(m.sites.map((s) => s.siteId).sort()).toEqual(['GH0000005', 'GH0000006', 'GH0000008']);
    }
    expect(merged.bayes!.notes.join(' ')).toMatch(/lab-d.*|no Class 1 history/);
    const row = db.prepare("SELECT details FROM consensus_results WHERE site_id = 'GH0000005' AND method = 'staple'").get() as { details: string };
    const d = JSON.parse(row.details) as { noHistory: string[]; notes: string[] };
    expect(d.noHistory).toEqual(['lab-d']);
    expect(d.notes.join(' ')).toMatch(/lab-d has no Class 1 history/);
    const one = JSON.parse((db.prepare("SELECT details FROM consensus_results WHERE site_id = 'GH0000006' AND method = 'bayes'").get() as { details: string }).details) as { notes: string[] };
    expect(one.notes.join(' ')).toMatch(/one labeller/);
    expect(merged.bayes!.sites.find((s) => s.siteId === 'GH0000006')!.meanRisk).toBe(0);
  });

  it('never stores NaN or NULL where not allowed', () => {
    const nullScores = db
      .prepare(
        `SELECT count(*) FROM scores WHERE score IS NULL OR area IS NULL OR fragmentation IS NULL OR edge IS NULL OR legacy_edge IS NULL OR categorical IS NULL
           OR field_skill IS NULL OR no_field_skill IS NULL OR metrics IS NULL OR score != score OR area != area`,
      )
      .pluck()
      .get();
    expect(nullScores).toBe(0);
    expect(db.prepare('SELECT count(*) FROM scores').pluck().get()).toBe(4);
    for (const text of db.prepare('SELECT metrics FROM scores').pluck().all() as string[]) {
      const m = JSON.parse(text) as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) {
        if (k === 'meanBoundaryDistance' || k === 'p95BoundaryDistance') expect(v === null || Number.isFinite(v)).toBe(true);
        else if (typeof v !== 'object') expect(Number.isFinite(v), k).toBe(true);
      }
      expect(text).not.toMatch(/NaN|Infinity/);
    }
    const nullConsensus = db.prepare('SELECT count(*) FROM consensus_results WHERE mean_risk IS NULL OR risky_fraction IS NULL OR consensus IS NULL OR details IS NULL OR mean_risk != mean_risk').pluck().get();
    expect(nullConsensus).toBe(0);
    for (const text of db.prepare('SELECT details || consensus FROM consensus_results').pluck().all() as string[]) expect(text.replace('"caveat":null', '')).not.toMatch(/NaN|Infinity|null,|:null[,}]|\[null/);
  });

  it('labeller quality: unscored labellers, trust, and re-serving of thin Class 4 sites', () => {
    const q = new Map(listLabellerQuality(db).map((l) => [l.id, l]));
    expect(q.get('lab-d')).toMatchObject({ scored: 0, meanScore: null, runningQuality: null, trust: 'unscored', fieldSkill: null });
    expect(q.get(MINI.labellerA)!.scored).toBe(2);
    const h = labellerHistory(db, MINI.labellerA);
    expect(h.history).toHaveLength(2);
    expect(h.categories.map((c) => c.category)).toContain('annualcropland');
    expect(() => labellerHistory(db, 'nobody')).toThrow(/no labeller nobody/);
    expect(siteReserve(db, 'GH0000006')).toMatchObject({ reserve: true, needed: 3, counted: 1 });
    expect(siteReserve(db, 'GH0000007')).toMatchObject({ reserve: true, pending: 1 });
  });

  it('feedback: never before submitting (whatever the class), never on work that is not Class 1', () => {
    const id = (siteId: string, lab: string) => db.prepare('SELECT id FROM assignments WHERE site_id = ? AND labeller_id = ?').pluck().get(siteId, lab) as number;
    const b = { userId: MINI.labellerB, role: 'labeller' as const };
    const a = { userId: MINI.labellerA, role: 'labeller' as const };
    expect(() => apiGetMyFeedback(db, b, id('GH0000007', MINI.labellerB))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => apiGetMyFeedback(db, a, id('GH0000005', MINI.labellerA))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => apiGetMyFeedback(db, a, id('GH0000005', MINI.labellerB))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const f = apiGetMyFeedback(db, a, id('GH0000004', MINI.labellerA));
    expect(f.reference.features).toEqual([]);
    expect(f.scores.fieldSkill).toBe(1);
  });
});

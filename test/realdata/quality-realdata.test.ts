/**
 * Real per-assignment scores (ActiveMapper Ghana: 8,984 Class 1 scores of 20 labellers on 98
 * gold sites, ../shared/realdata) drive the running-quality, trust and aggregation logic:
 *  - per-labeller distributions (N, mean, SD) match the published qscore_stats_by_worker_uuid;
 *  - running quality / trust / rejection sequences behave as defined (DOMAIN.md 1);
 *  - the same scores loaded into a campaign database give the same figures through
 *    listLabellerQuality / labellerHistory (repeats of a site to the same labeller dropped,
 *    as the analysis did: our schema serves a site to a labeller once).
 * The file has no timestamps: tasks are ordered by platform instance (aoi), then assignment id.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSample as stats, isRejected, qualitySeries, trustStatus } from '../../src/common/quality';
import { labellerHistory, listLabellerQuality } from '../../src/node/quality/labeller-quality';
import { DEFAULT_SETTINGS, insertCampaign, insertLabeller } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';
import { insertAssignment } from '../../src/node/store/label.repo';
import { insertSite } from '../../src/node/store/site.repo';
import { bboxPolygon } from '../../src/common/geo/geojson';

const DIR = resolve(__dirname, '../../../shared/realdata/labels/activemapper_ghana/derived');
const SCORES = join(DIR, 'qsite_assignment_scores.csv');
const STATS = join(DIR, 'qscore_stats_by_worker_uuid.csv');
const present = existsSync(SCORES) && existsSync(STATS);

function csv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const split = (l: string) => [...l.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[2] ?? m[1]!);
  const head = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [head[i]!, v])));
}

interface Rec {
  aoi: string;
  site: string;
  assignment: number;
  uuid: string;
  score: number;
}

const records: Rec[] = present
  ? csv(SCORES)
      .map((r) => ({ aoi: r.aoi!, site: r.name!, assignment: Number(r.assignment_id), uuid: r.uuid!, score: Number(r.score) }))
      .sort((a, b) => a.aoi.localeCompare(b.aoi) || a.assignment - b.assignment)
  : [];
const byLabeller = new Map<string, Rec[]>();
for (const r of records) byLabeller.set(r.uuid, [...(byLabeller.get(r.uuid) ?? []), r]);
let tmp = '';
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!present)('quality logic on the real ActiveMapper Ghana scores', () => {
  it('reads 8,984 scores of 20 labellers whose distributions match the published table', () => {
    expect(records).toHaveLength(8984);
    expect(records.every((r) => Number.isFinite(r.score) && r.score >= 0 && r.score <= 1)).toBe(true);
    const table = csv(STATS);
    expect(table).toHaveLength(20);
    expect(byLabeller.size).toBe(20);
    for (const row of table) {
      const s = stats(byLabeller.get(row.uuid!)!.map((r) => r.score));
      expect(s.n, row.uuid).toBe(Number(row.N));
      expect(s.mean!).toBeCloseTo(Number(row.Mean), 6);
      if (row.StDev === 'NA') expect(s.sd).toBeNull();
      else expect(s.sd!).toBeCloseTo(Number(row.StDev), 6);
    }
    const all = stats(records.map((r) => r.score));
    const sorted = records.map((r) => r.score).sort((a, b) => a - b);
    console.log(`real Class 1 scores: n ${all.n}, mean ${all.mean!.toFixed(3)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}, SD ${all.sd!.toFixed(3)}`);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeCloseTo(0.71, 1); // DOMAIN.md: median 0.71
  });

  it('running quality, trust and rejection sequences behave as defined', () => {
    let rejected = 0;
    let flips = 0;
    const finalTrust: Record<string, number> = { trusted: 0, untrusted: 0, unscored: 0 };
    for (const [uuid, recs] of byLabeller) {
      const series = qualitySeries(recs.map((r) => ({ returned: false, score: r.score })));
      let prev: string | null = null;
      series.forEach((s, i) => {
        const last = recs.slice(Math.max(0, i - 4), i + 1).map((r) => r.score);
        const mean = last.reduce((a, b) => a + b, 0) / last.length;
        expect(s.quality!, `${uuid} #${i}`).toBeCloseTo(mean, 12); // no returns in this table
        expect(s.scored).toBe(i + 1);
        const t = trustStatus(s.quality);
        expect(t).toBe(mean < 0.45 ? 'untrusted' : 'trusted');
        if (prev !== null && t !== prev) flips++;
        prev = t;
      });
      rejected += recs.filter((r) => isRejected(r.score)).length;
      finalTrust[trustStatus(series[series.length - 1]!.quality)]!++;
    }
    expect(rejected).toBe(records.filter((r) => r.score < 0.4).length);
    console.log(`rejected (< 0.4): ${rejected} of ${records.length}; trust flips: ${flips}; final trust: ${JSON.stringify(finalTrust)}`);
    expect(rejected).toBeGreaterThan(0);
    expect(finalTrust.unscored).toBe(0);
    // With a return rate, quality drops by exactly that rate.
    const one = byLabeller.values().next().value!.slice(0, 9).map((r) => ({ returned: false, score: r.score }));
    const withReturn = qualitySeries([...one, { returned: true }]);
    expect(withReturn[9]!.quality!).toBeCloseTo(qualitySeries(one)[8]!.quality! - 0.1, 12);
  });

  it('the same scores in a campaign database aggregate the same way (repeats dropped)', () => {
    tmp = mkdtempSync(join(tmpdir(), 'fm-realq-'));
    const db = openDatabase(join(tmp, 'campaign.db'), { create: true });
    const seen = new Set<string>();
    const kept: Rec[] = [];
    for (const r of records) {
      const key = `${r.uuid}|${r.aoi}:${r.site}`;
      if (seen.has(key)) continue; // the old platform served some Q sites twice to the same labeller
      seen.add(key);
      kept.push(r);
    }
    const t0 = Date.UTC(2019, 0, 1);
    db.transaction(() => {
      insertCampaign(db, { id: 'real', name: 'ActiveMapper Ghana Q scores', settings: DEFAULT_SETTINGS });
      for (const uuid of byLabeller.keys()) insertLabeller(db, { id: `u${uuid}`, name: uuid, role: 'labeller' });
      const sites = new Set<string>();
      const ins = db.prepare("INSERT INTO scores (assignment_id, computed_at, score, area, fragmentation, edge, legacy_edge, categorical, field_skill, no_field_skill, metrics) VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0, '{}')");
      kept.forEach((r, i) => {
        const site = `${r.aoi}:${r.site}`;
        if (!sites.has(site)) insertSite(db, { id: site, campaignId: 'real', cls: 1, cell: bboxPolygon([0, 0, 0.005, 0.005]), sceneIds: [] }), sites.add(site);
        const at = new Date(t0 + i * 60_000).toISOString();
        const id = insertAssignment(db, { siteId: site, labellerId: `u${r.uuid}`, status: isRejected(r.score) ? 'rejected' : 'approved', startedAt: at, submittedAt: at });
        ins.run(id, at, r.score);
      });
    })();
    console.log(`loaded ${kept.length} of ${records.length} scores (${records.length - kept.length} repeats of a site to the same labeller dropped)`);
    const q = new Map(listLabellerQuality(db).map((l) => [l.id, l]));
    expect(q.size).toBe(20);
    for (const [uuid] of byLabeller) {
      const mine = kept.filter((r) => r.uuid === uuid);
      const l = q.get(`u${uuid}`)!;
      expect(l.scored).toBe(mine.length);
      expect(l.meanScore!).toBeCloseTo(stats(mine.map((r) => r.score)).mean!, 9);
      expect(l.rejected).toBe(mine.filter((r) => r.score < 0.4).length);
      const last5 = mine.slice(-5).map((r) => r.score);
      expect(l.runningQuality!).toBeCloseTo(last5.reduce((a, b) => a + b, 0) / last5.length, 9);
    }
    const busiest = [...byLabeller.keys()].sort((a, b) => byLabeller.get(b)!.length - byLabeller.get(a)!.length)[0]!;
    const h = labellerHistory(db, `u${busiest}`);
    const series = qualitySeries(kept.filter((r) => r.uuid === busiest).map((r) => ({ returned: false, score: r.score })));
    expect(h.history.map((e) => e.runningQuality)).toEqual(series.map((s) => s.quality));
    db.close();
  });
});

/**
 * A campaign the size of the paper's for `fieldmark bench score`, made with the demo generator's
 * world model and labeller simulation (src/node/demo: buildLayout, siteCandidates,
 * makeLabellers, simulateLabels, referenceLabels) but no imagery: Class 1 sites with their true
 * fields as reference and `perClass1` labellers each (the paper: 7,204 assignments over ~800
 * sites), and Class 4 sites of 3 labellers each (the paper: 3,032). Cells are drawn from a few
 * demo worlds (with replacement: site ids are unique, cells may repeat). Deterministic per seed.
 */
import type { AreaGeometry, Polygon } from '../../common/geo/geojson';
import { DEFAULT_SETTINGS, insertCampaign, insertLabeller } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { labelWriter } from '../store/label-writer';
import { insertSite } from '../store/site.repo';
import { referenceLabels, toPolygon } from '../demo/assignments';
import { buildLayout, type WorldLayout } from '../demo/fields';
import { quadExtent } from '../demo/generate-demo';
import { mercInverse } from '../demo/geo';
import { CATEGORIES, makeLabellers, simulateLabels } from '../demo/labellers';
import { Rng, rngFor } from '../demo/rng';
import { siteCandidates, type SiteCandidate } from '../demo/sites';

export interface BenchCampaignOptions {
  seed?: number;
  /** Class 1 assignments (default 7204) */
  class1Assignments?: number;
  /** labellers per Class 1 site (default 9: 7,204 over ~800 sites) */
  perClass1?: number;
  /** Class 4 sites of 3 labellers (default 3032) */
  class4Sites?: number;
  labellers?: number;
  worlds?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BenchCampaign {
  class1Sites: number;
  class1Assignments: number;
  class4Sites: number;
  class4Assignments: number;
  labels: number;
}

const rect = (c: readonly number[]): Polygon => ({ type: 'Polygon', coordinates: [[[c[0]!, c[1]!], [c[2]!, c[1]!], [c[2]!, c[3]!], [c[0]!, c[3]!], [c[0]!, c[1]!]]] });

export function generateBenchCampaign(db: Db, opts: BenchCampaignOptions = {}): BenchCampaign {
  const seed = opts.seed ?? 7;
  const n1 = opts.class1Assignments ?? 7204;
  const per = opts.perClass1 ?? 9;
  const n4 = opts.class4Sites ?? 3032;
  const nLab = opts.labellers ?? 60;
  const worlds: { world: WorldLayout; cands: SiteCandidate[]; fielded: SiteCandidate[] }[] = [];
  for (let w = 0; w < (opts.worlds ?? 4); w++) {
    const world = buildLayout(seed + w, quadExtent(seed + w, 2048));
    const [a, b] = mercInverse(world.extent[0], world.extent[1]);
    const [c, d] = mercInverse(world.extent[2], world.extent[3]);
    const cands = siteCandidates(world, [a, b, c, d]);
    worlds.push({ world, cands, fielded: cands.filter((x) => x.fieldFrac > 0.15) });
  }
  const rng = rngFor(seed, 'bench-score');
  const labellers = makeLabellers(nLab, rng);
  const sites1 = Math.ceil(n1 / per);
  const total = n1 + n4 * 3;
  const w = labelWriter(db);
  const at = '2025-01-13T09:00:00.000Z';
  let done = 0;
  let labels = 0;
  let slot = 0;
  db.transaction(() => {
    insertCampaign(db, { id: `bench-${seed}`, name: `bench score (seed ${seed})`, settings: { ...DEFAULT_SETTINGS, categories: CATEGORIES.map((c) => ({ id: c.id, group: c.group })) } });
    for (const l of labellers) insertLabeller(db, { id: l.id, name: l.name, role: 'labeller', profile: l.profile });
    const site = (cls: 1 | 4, i: number, labCount: number): void => {
      const wd = worlds[i % worlds.length]!;
      const pool = cls === 1 ? wd.fielded : wd.cands;
      const cand = pool[rng.int(pool.length)]!;
      const id = `B${cls}${String(i).padStart(6, '0')}`;
      insertSite(db, { id, campaignId: `bench-${seed}`, cls, cell: rect(cand.cell), sceneIds: [] });
      if (cls === 1) for (const r of referenceLabels(wd.world, cand.fieldIdx)) w.reference({ siteId: id, category: r.category, geometry: r.polygon as AreaGeometry, source: 'demo-truth', createdAt: at });
      for (let j = 0; j < labCount; j++) {
        const lab = labellers[slot++ % labellers.length]!;
        const arng = new Rng((rng.next() * 4294967296) >>> 0);
        const polys = simulateLabels(wd.world, cand.fieldIdx, cand.rect, lab.profile, arng);
        const aid = w.assignment(id, lab.id, 'submitted', at).id;
        for (const p of polys) w.label({ assignmentId: aid, category: p.category, geometry: toPolygon(p.ring) as AreaGeometry, provenance: 'simulated', createdAt: at });
        labels += polys.length;
        opts.onProgress?.(++done, total);
      }
    };
    for (let i = 0; i < sites1; i++) site(1, i, Math.min(per, n1 - i * per));
    for (let i = 0; i < n4; i++) site(4, i, 3);
  }).immediate();
  return { class1Sites: sites1, class1Assignments: n1, class4Sites: n4, class4Assignments: n4 * 3, labels };
}

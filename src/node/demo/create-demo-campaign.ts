/**
 * `fieldmark demo`: generates the synthetic campaign (imagery + truth + simulated labellers) and
 * stores it in DIR/campaign.db in one transaction. Scene paths are stored relative to the
 * database's folder so the campaign folder can be moved as a whole.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry, Polygon } from '../../common/geo/geojson';
import { DEFAULT_SETTINGS, insertCampaign, insertLabeller } from '../store/campaign.repo';
import { openDatabase } from '../store/database';
import { insertAssignment, insertLabel, insertReferenceLabel } from '../store/label.repo';
import { insertScene, insertSite } from '../store/site.repo';
import { generateDemo } from './generate-demo';

export interface CreateDemoOptions {
  outDir: string;
  seed?: number;
  sites?: number;
  labellers?: number;
  quadSize?: number;
  onProgress?: (done: number, total: number, note: string) => void;
}

export interface CreateDemoResult {
  db: string;
  images: string[];
  sites: number;
  labellers: number;
  assignments: number;
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

export async function createDemoCampaign(opts: CreateDemoOptions): Promise<CreateDemoResult> {
  const dbPath = join(opts.outDir, 'campaign.db');
  if (existsSync(dbPath)) throw new ApiError('BAD_ARGUMENTS', `demo: ${dbPath} already exists: choose another --out folder or delete it`);
  mkdirSync(opts.outDir, { recursive: true });
  const demo = await generateDemo({
    outDir: opts.outDir,
    seed: opts.seed ?? 1,
    sites: opts.sites ?? 24,
    labellers: opts.labellers ?? 6,
    ...(opts.quadSize ? { quadSize: opts.quadSize } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });

  // Written to a temporary file and renamed: a crash never leaves a half campaign behind.
  const tmp = `${dbPath}.partial`;
  removeDb(tmp);
  const db = openDatabase(tmp, { create: true });
  try {
    let assignments = 0;
    db.transaction(() => {
      const campaignId = `demo-${demo.seed}`;
      insertCampaign(db, { id: campaignId, name: demo.name, settings: { ...DEFAULT_SETTINGS, categories: demo.categories } });
      for (const l of demo.labellers) insertLabeller(db, { id: l.id, name: l.name, role: 'labeller', profile: l.profile });
      for (const s of demo.scenes) {
        insertScene(db, {
          id: s.id,
          campaignId,
          path: s.file,
          maskPath: s.udmFile ?? null,
          date: s.date,
          season: s.season,
          kind: s.kind,
          crs: `EPSG:${s.epsg}`,
          width: s.width,
          height: s.height,
          bands: s.bandRoles.length,
          bandRoles: [...s.bandRoles],
          bounds4326: s.bounds4326,
        });
      }
      for (const s of demo.sites) insertSite(db, { id: s.id, campaignId, cls: s.cls, cell: s.cell as Polygon, sceneIds: s.sceneIds });
      const truth = db.prepare('INSERT INTO truth_fields (id, campaign_id, crop, area_ha, geometry) VALUES (?, ?, ?, ?, ?)');
      for (const f of demo.fields) truth.run(f.id, campaignId, f.crop, f.areaHa, JSON.stringify(f.polygon));
      for (const r of demo.reference) {
        for (const l of r.labels) {
          insertReferenceLabel(db, { siteId: r.siteId, category: l.category, geometry: l.polygon as AreaGeometry, source: 'demo-truth' });
        }
      }
      for (const a of demo.assignments) {
        const id = insertAssignment(db, { siteId: a.siteId, labellerId: a.labellerId, status: a.status, startedAt: a.startedAt, submittedAt: a.submittedAt });
        assignments++;
        for (const l of a.labels) {
          insertLabel(db, { assignmentId: id, category: l.category, geometry: l.polygon as AreaGeometry, provenance: 'simulated', createdAt: a.submittedAt });
        }
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(tmp, dbPath);
    removeDb(tmp);
    return {
      db: dbPath,
      images: demo.scenes.map((s) => join(opts.outDir, s.file)),
      sites: demo.sites.length,
      labellers: demo.labellers.length,
      assignments,
    };
  } catch (e) {
    if (db.open) db.close();
    removeDb(tmp);
    throw e;
  }
}

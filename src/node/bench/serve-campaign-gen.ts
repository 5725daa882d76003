/**
 * The campaign `fieldmark bench serve` runs against (also used by tests): grid sites near
 * (-0.9, 9.4) without imagery (the API's task flow needs none), a qualification site, hidden Q
 * sites with one reference field each (a square at the cell's centre, the "true field" every site
 * has), Class 2 and Class 4 work, and labellers with static tokens.
 */
import { randomBytes } from 'node:crypto';
import type { BBox } from '../../common/geo/geojson';
import { bboxPolygon } from '../../common/geo/geojson';
import { CELL_DEGREES } from '../../common/geo/site-cell';
import { addSites } from '../campaign/sites';
import { createCampaign } from '../campaign/settings';
import { hashToken } from '../store/campaign.repo';
import { openDatabase } from '../store/database';
import { insertReferenceLabel } from '../store/label.repo';

export interface ServeCampaign {
  db: string;
  labellers: { id: string; token: string; skill: number }[];
  sites: number;
}

/** The true field of a cell: a square of 40 % of the cell at its centre. */
export function trueField(cell: BBox): BBox {
  const cx = (cell[0] + cell[2]) / 2;
  const cy = (cell[1] + cell[3]) / 2;
  const h = (cell[2] - cell[0]) * 0.2;
  return [cx - h, cy - h, cx + h, cy + h];
}

export function generateServeCampaign(path: string, o: { labellers: number; sites: number; qRate?: number; qShare?: number; nShare?: number; seed?: number }): ServeCampaign {
  const db = openDatabase(path, { create: true });
  try {
    createCampaign(db, { id: 'bench', name: 'Bench campaign', settings: { qRate: o.qRate ?? 0.1, labellersPerClass4: 3 } });
    const side = Math.ceil(Math.sqrt(o.sites));
    const x0 = -0.9;
    const y0 = 9.4;
    addSites(db, { area: { bbox: [x0 + 0.001, y0 + 0.001, x0 + 0.004, y0 + 0.004] }, country: 'GH', qualification: true });
    const span = CELL_DEGREES * side;
    addSites(db, {
      area: { bbox: [x0 + 0.0001, y0 + CELL_DEGREES + 0.0001, x0 + span - 0.0001, y0 + CELL_DEGREES + CELL_DEGREES * Math.ceil(o.sites / side) - 0.0001] },
      country: 'GH',
      shares: { q: o.qShare ?? 0.05, n: o.nShare ?? 0.1 },
      seed: o.seed ?? 7,
      maxSites: Math.max(o.sites * 2, 100),
    });
    const labellers: ServeCampaign['labellers'] = [];
    db.transaction(() => {
      for (const s of db.prepare('SELECT id, min_lon, min_lat, max_lon, max_lat FROM sites WHERE cls = 1').all() as { id: string; min_lon: number; min_lat: number; max_lon: number; max_lat: number }[]) {
        insertReferenceLabel(db, { siteId: s.id, category: 'annualcropland', geometry: bboxPolygon(trueField([s.min_lon, s.min_lat, s.max_lon, s.max_lat])), source: 'expert' });
      }
      const ins = db.prepare("INSERT INTO labellers (id, name, role, token_hash, created_at) VALUES (?, ?, 'labeller', ?, ?)");
      for (let k = 1; k <= o.labellers; k++) {
        const id = `lab-${String(k).padStart(3, '0')}`;
        const token = randomBytes(32).toString('base64url');
        ins.run(id, `Labeller ${k}`, hashToken(token), new Date().toISOString());
        // Most labellers are good; every fifth one is careless (low Q scores: untrusted, their work re-served).
        labellers.push({ id, token, skill: k % 5 === 0 ? 0.2 : 0.95 });
      }
    })();
    const sites = db.prepare('SELECT count(*) FROM sites').pluck().get() as number;
    return { db: path, labellers, sites };
  } finally {
    db.close();
  }
}

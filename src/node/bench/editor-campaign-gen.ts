/**
 * The editor benchmark's campaign: one site, one open task holding `n` fields that tile a square
 * around the cell as a mosaic (a jittered lattice: neighbours share their corners exactly), each
 * ~30 m across, so that every field of the task is in view at once when the map fits them.
 */
import { bboxPolygon } from '../../common/geo/geojson';
import { DEFAULT_SETTINGS, insertCampaign, insertLabeller } from '../store/campaign.repo';
import { openDatabase } from '../store/database';
import { insertAssignment } from '../store/label.repo';
import { insertSite } from '../store/site.repo';

const LON0 = -0.95;
const LAT0 = 9.40;
const STEP = 0.00028; // ~31 m

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateEditorCampaign(path: string, n: number): { assignmentId: number; bbox: [number, number, number, number]; fields: number } {
  const side = Math.ceil(Math.sqrt(n));
  const rand = rng(11);
  const pts: [number, number][][] = [];
  for (let i = 0; i <= side; i++) {
    pts.push([]);
    for (let j = 0; j <= side; j++) {
      const edge = i === 0 || j === 0 || i === side || j === side;
      const jx = edge ? 0 : (rand() - 0.5) * STEP * 0.4;
      const jy = edge ? 0 : (rand() - 0.5) * STEP * 0.4;
      pts[i]!.push([Math.round((LON0 + i * STEP + jx) * 1e9) / 1e9, Math.round((LAT0 + j * STEP + jy) * 1e9) / 1e9]);
    }
  }
  const extent: [number, number, number, number] = [LON0, LAT0, LON0 + side * STEP, LAT0 + side * STEP];
  const cx = (extent[0] + extent[2]) / 2;
  const cy = (extent[1] + extent[3]) / 2;
  const db = openDatabase(path, { create: true });
  let assignmentId = 0;
  let count = 0;
  db.transaction(() => {
    insertCampaign(db, { id: 'bench', name: 'Editor benchmark', settings: { ...DEFAULT_SETTINGS, minFieldAreaM2: 400 } });
    insertLabeller(db, { id: 'L01', name: 'Bench labeller', role: 'labeller' });
    insertSite(db, { id: 'GH0000001', campaignId: 'bench', cls: 2, cell: bboxPolygon([cx - 0.0025, cy - 0.0025, cx + 0.0025, cy + 0.0025]), sceneIds: [] });
    assignmentId = insertAssignment(db, { siteId: 'GH0000001', labellerId: 'L01', status: 'assigned', startedAt: new Date().toISOString(), submittedAt: null });
    const ins = db.prepare(`INSERT INTO labels (assignment_id, category, geometry, provenance, created_at, field_key, comment) VALUES (?, ?, ?, 'imported', ?, ?, '')`);
    const box = db.prepare('INSERT INTO labels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
    const at = new Date().toISOString();
    for (let i = 0; i < side && count < n; i++) {
      for (let j = 0; j < side && count < n; j++) {
        const ring = [pts[i]![j]!, pts[i + 1]![j]!, pts[i + 1]![j + 1]!, pts[i]![j + 1]!, pts[i]![j]!];
        const id = Number(ins.run(assignmentId, count % 7 === 0 ? 'fallow' : 'annualcropland', JSON.stringify({ type: 'Polygon', coordinates: [ring] }), at, `b${count}`).lastInsertRowid);
        const xs = ring.map((p) => p[0]);
        const ys = ring.map((p) => p[1]);
        box.run(id, Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys));
        count++;
      }
    }
  })();
  db.close();
  return { assignmentId, bbox: extent, fields: count };
}

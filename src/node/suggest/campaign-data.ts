/**
 * A campaign's accepted labels as training data for the boundary model: per site, the reference
 * labels (Class 1) or else the labels of its latest approved assignment (fields only); per scene
 * of the site, the 512-px window around the cell with the labels in window pixels. Labels are
 * complete only inside the cell (labellers map the fields touching it, whole), so pixels outside
 * the cell count only where a label covers them (`known`).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AreaGeometry, Polygon } from '../../common/geo/geojson';
import { currentCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { listSites, scenesOfSite } from '../store/site.repo';
import { hash32 } from '../demo/rng';
import { truthFromRings, ringBox, type FieldPx, type WindowTruth } from './boundary/training-data';
import { chooseLevel, workLevel, lonLatToLevel, placeWindow, readImageWindow, type ImageWindow } from './image-window';
import { openImage } from '../imagery/open-image';

export interface CampaignSite {
  id: string;
  cell: Polygon;
  center: [number, number];
  labels: Polygon[];
  source: 'reference' | 'approved';
  scenes: { path: string; mask: string | null }[];
  heldOut: boolean;
}

function fieldPolygons(g: AreaGeometry): Polygon[] {
  return g.type === 'Polygon' ? [g] : g.coordinates.map((c) => ({ type: 'Polygon' as const, coordinates: c }));
}

/** Sites with accepted labels; about `heldOutShare` of them (by a hash of the id) held out. */
export function campaignSites(db: Db, heldOutShare = 0.25): { campaign: string; sites: CampaignSite[] } {
  const c = currentCampaign(db);
  if (!c) return { campaign: '', sites: [] };
  const fieldCats = new Set(c.settings.categories.filter((k) => k.group === 'field').map((k) => k.id));
  const base = dirname(db.name);
  const abs = (p: string) => (/^https?:\/\//i.test(p) || isAbsolute(p) ? p : resolve(base, p));
  const out: CampaignSite[] = [];
  for (const s of listSites(db, c.id)) {
    let rows = db.prepare('SELECT category, geometry FROM reference_labels WHERE site_id = ? ORDER BY id').all(s.id) as { category: string; geometry: string }[];
    let source: CampaignSite['source'] = 'reference';
    if (rows.length === 0) {
      const a = db.prepare("SELECT id FROM assignments WHERE site_id = ? AND status = 'approved' AND EXISTS (SELECT 1 FROM labels WHERE assignment_id = assignments.id) ORDER BY id DESC LIMIT 1").get(s.id) as { id: number } | undefined;
      if (!a) continue;
      rows = db.prepare('SELECT category, geometry FROM labels WHERE assignment_id = ? ORDER BY id').all(a.id) as { category: string; geometry: string }[];
      source = 'approved';
    }
    const labels = rows.filter((r) => fieldCats.has(r.category)).flatMap((r) => fieldPolygons(JSON.parse(r.geometry) as AreaGeometry));
    const scenes = scenesOfSite(db, s.id)
      .filter((sc) => ['blue', 'green', 'red', 'nir'].every((b) => sc.bandRoles.includes(b)))
      .map((sc) => ({ path: abs(sc.path), mask: sc.maskPath ? abs(sc.maskPath) : null }));
    if (scenes.length === 0) continue;
    out.push({ id: s.id, cell: s.cell, center: s.center, labels, source, scenes, heldOut: hash32(hashString(s.id)) / 4294967296 < heldOutShare });
  }
  // at least one site on each side when there are two or more
  if (out.length >= 2 && out.every((s) => !s.heldOut)) out[out.length - 1]!.heldOut = true;
  if (out.length >= 2 && out.every((s) => s.heldOut)) out[0]!.heldOut = false;
  return { campaign: c.id, sites: out };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export interface SiteWindow {
  site: CampaignSite;
  scene: { path: string; mask: string | null };
  win: ImageWindow;
  truth: WindowTruth;
  /** 1 where the labels say what the pixel is */
  known: Uint8Array;
  /** the label polygons, index = FieldPx.idx */
  labels: Polygon[];
}

/** The window of one site in one scene, with the labels rasterised. */
export async function siteWindow(site: CampaignSite, scene: { path: string; mask: string | null }, size: number, maxPixelM: number, resample?: { aboveM: number; toM: number }): Promise<SiteWindow | null> {
  const img = await openImage(scene.path);
  const mask = scene.mask ? await openImage(scene.mask).catch(() => null) : null;
  try {
    const level = workLevel(img, chooseLevel(img, maxPixelM), resample);
    const toPx = lonLatToLevel(img, level);
    const [cx, cy] = toPx(site.center[0], site.center[1]);
    if (!(cx >= 0 && cy >= 0 && cx < level.width && cy < level.height)) return null;
    const pl = placeWindow(level, cx, cy, size);
    const win = await readImageWindow(img, pl, mask);
    const [x0, y0] = pl.box;
    const px = (ring: number[][]): Float64Array => {
      const r = new Float64Array((ring.length - 1) * 2);
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x, y] = toPx(ring[k]![0]!, ring[k]![1]!);
        r[2 * k] = x - x0;
        r[2 * k + 1] = y - y0;
      }
      return r;
    };
    const fields: FieldPx[] = site.labels.map((p, idx) => {
      const ring = px(p.coordinates[0]!);
      return { idx, ring, bbox: ringBox(ring) };
    });
    const truth = truthFromRings(fields, win.width, win.height);
    const cell = px(site.cell.coordinates[0]!);
    const cellTruth = truthFromRings([{ idx: 0, ring: cell, bbox: ringBox(cell) }], win.width, win.height, 0);
    const known = new Uint8Array(win.width * win.height);
    for (let i = 0; i < known.length; i++) known[i] = cellTruth.fieldId[i]! > 0 || truth.fieldId[i]! > 0 ? 1 : 0;
    return { site, scene, win, truth, known, labels: site.labels };
  } finally {
    await img.close();
    await mask?.close();
  }
}

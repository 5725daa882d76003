/**
 * End-to-end quality of the suggestions on a synthetic world of a given seed (for the model's
 * validation metrics, `bench suggest` and the tests): the demo generator writes the scenes as
 * COGs with their UDM2 masks; every true field that lies in one 512-px tile of a scene and is
 * at least 95% cloud-free is clicked at its most interior pixel through the real host (file ->
 * window -> model -> basins -> polygon in lon/lat), and its polygon compared with the truth
 * (IoU); every tile is then proposed as a view, and recall counts the true fields matched by a
 * proposal with IoU > 0.5.
 */
import { join } from 'node:path';
import type { Polygon } from '../../../common/geo/geojson';
import { areaM2, iou } from '../../../common/suggest/geo';
import { generateDemoWithInternals } from '../../demo/generate-demo';
import { SceneGrid } from '../../demo/grid';
import { Rng } from '../../demo/rng';
import { udm2Unusable, windowTruth } from '../boundary/training-data';
import type { SuggestHost } from '../suggest-host';

export interface EvalOptions {
  seed: number;
  host: SuggestHost;
  workDir: string;
  model?: string;
  quadSize?: number;
  /** scene ids starting with one of these (default: every scene) */
  scenes?: string[];
  /** clicks per scene at most (seeded choice), default all */
  maxClicks?: number;
  /** whole-view proposals too (default true) */
  proposals?: boolean;
  tile?: number;
  /** also give the host the world's other scenes of the same kind (both NICFI quads: the two seasons a labeller sees) */
  otherDates?: boolean;
}

export interface SceneEval {
  scene: string;
  pixelSizeM: number;
  clicks: number;
  medianIoU: number;
  q25IoU: number;
  meanIoU: number;
  /** share of clicks with IoU >= 0.9 / 0.5 */
  atLeast90: number;
  atLeast50: number;
  fieldsInViews: number;
  recall50: number;
  proposals: number;
  precision50: number;
  clickMs: { median: number; p95: number };
  /** failed clicks (bad input: no field traced) */
  failed: number;
  /** the same figures for fields under and from 1 ha (DOMAIN: 4.77 m imagery is too coarse for fields under ~1 ha) */
  bySize: SizeEval[];
}

export interface SizeEval {
  size: 'under1ha' | 'from1ha';
  clicks: number;
  medianIoU: number;
  fieldsInViews: number;
  recall50: number;
}

const HECTARE = 10_000;

const q = (a: number[], p: number) => (a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))]! : NaN);

export async function evaluateSynthetic(o: EvalOptions): Promise<{ seed: number; scenes: SceneEval[] }> {
  const tile = o.tile ?? 512;
  const d = await generateDemoWithInternals({ outDir: o.workDir, seed: o.seed, sites: 1, labellers: 1, quadSize: o.quadSize ?? 1024 }, true);
  const out: SceneEval[] = [];
  for (const scene of d.campaign.scenes) {
    if (o.scenes && !o.scenes.some((s) => scene.id.startsWith(s))) continue;
    const spec = d.internals.specs.get(scene.id)!, r = d.internals.rasters.get(scene.id)!;
    const grid = new SceneGrid(spec);
    const image = join(o.workDir, scene.file), mask = scene.udmFile ? join(o.workDir, scene.udmFile) : null;
    const also = o.otherDates ? d.campaign.scenes.filter((x) => x.kind === scene.kind && x.id !== scene.id).map((x) => ({ image: join(o.workDir, x.file), mask: x.udmFile ? join(o.workDir, x.udmFile) : null })) : [];
    type Target = { field: number; lon: number; lat: number; tile: [number, number] };
    const targets: Target[] = [];
    const tiles: [number, number][] = [];
    for (let ty = 0; ty + tile <= spec.height; ty += tile) for (let tx = 0; tx + tile <= spec.width; tx += tile) tiles.push([tx, ty]);
    for (const [tx, ty] of tiles) {
      const truth = windowTruth(d.internals.world, spec, { x0: tx, y0: ty, width: tile, height: tile });
      for (const f of truth.fields) {
        const [bx0, by0, bx1, by1] = f.bbox;
        if (bx0 < 1 || by0 < 1 || bx1 > tile - 1 || by1 > tile - 1) continue;
        let area = 0, bad = 0, best = -1, bd = -1;
        for (let y = Math.floor(by0); y <= Math.ceil(by1); y++) {
          for (let x = Math.floor(bx0); x <= Math.ceil(bx1); x++) {
            const i = y * tile + x;
            if (truth.fieldId[i] !== f.idx + 1) continue;
            area++;
            const gi = (ty + y) * spec.width + tx + x;
            if (udm2Unusable(r.udm, gi) || r.bands[0]![gi] === 0) bad++;
            if (truth.bdist[i]! > bd) { bd = truth.bdist[i]!; best = i; }
          }
        }
        if (area < 20 || bad > 0.05 * area) continue;
        const [lon, lat] = grid.pixelToLonLat(tx + (best % tile) + 0.5, ty + Math.floor(best / tile) + 0.5);
        targets.push({ field: f.idx, lon, lat, tile: [tx, ty] });
      }
    }
    let chosen = targets;
    if (o.maxClicks !== undefined && targets.length > o.maxClicks) {
      const rng = new Rng(o.seed ^ 0x5eed);
      chosen = rng.shuffle([...targets]).slice(0, o.maxClicks);
    }
    // clicks in reading order, as a labeller works through a view (nearby clicks share windows)
    chosen = [...chosen].sort((a, b) => a.tile[1] - b.tile[1] || a.tile[0] - b.tile[0] || Math.round(b.lat * 2000) - Math.round(a.lat * 2000) || a.lon - b.lon);
    const truthOf = (i: number) => d.campaign.fields[i]!.polygon as Polygon;
    const large = new Map<number, boolean>();
    const isLarge = (i: number) => {
      if (!large.has(i)) large.set(i, areaM2(truthOf(i)) >= HECTARE);
      return large.get(i)!;
    };
    const ious: number[] = [], ms: number[] = [];
    const sized = { under1ha: { ious: [] as number[], views: 0, hits: 0 }, from1ha: { ious: [] as number[], views: 0, hits: 0 } };
    const bucket = (i: number) => (isLarge(i) ? sized.from1ha : sized.under1ha);
    let failed = 0;
    for (const t of chosen) {
      try {
        const res = await o.host.suggest({ image, mask, also, lon: t.lon, lat: t.lat, model: o.model });
        const v = iou(res.polygon, truthOf(t.field));
        ious.push(v);
        bucket(t.field).ious.push(v);
        ms.push(res.ms.click + res.ms.polygon);
      } catch {
        failed++;
        ious.push(0);
        bucket(t.field).ious.push(0);
      }
    }
    ious.sort((a, b) => a - b);
    ms.sort((a, b) => a - b);
    let inViews = 0, hits = 0, proposals = 0, good = 0;
    if (o.proposals !== false) {
      for (const [tx, ty] of tiles) {
        const inTile = targets.filter((t) => t.tile[0] === tx && t.tile[1] === ty);
        if (inTile.length === 0) continue;
        const c0 = grid.pixelToLonLat(tx, ty), c1 = grid.pixelToLonLat(tx + tile, ty + tile), c2 = grid.pixelToLonLat(tx, ty + tile), c3 = grid.pixelToLonLat(tx + tile, ty);
        const lons = [c0[0], c1[0], c2[0], c3[0]], lats = [c0[1], c1[1], c2[1], c3[1]];
        const view: [number, number, number, number] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
        let props: { polygon: Polygon }[];
        try {
          // no cap that binds: a 512-px NICFI tile (2.4 km) holds up to ~300 fields, more than the
          // app's default of 300 proposals per view would return (its views are a task's surroundings)
          props = (await o.host.propose({ image, mask, also, bbox: view, model: o.model, max: 2000 })).proposals;
        } catch {
          props = [];
        }
        proposals += props.length;
        const matched = new Set<number>();
        for (const t of inTile) {
          inViews++;
          bucket(t.field).views++;
          const tp = truthOf(t.field);
          let best = 0, bi = -1;
          props.forEach((p, i) => {
            const v = iou(p.polygon, tp);
            if (v > best) { best = v; bi = i; }
          });
          if (best > 0.5) { hits++; bucket(t.field).hits++; matched.add(bi); }
        }
        good += matched.size;
      }
    }
    out.push({
      scene: scene.id,
      pixelSizeM: Math.round(scene.pixelSize * 1000) / 1000,
      clicks: ious.length,
      medianIoU: q(ious, 0.5),
      q25IoU: q(ious, 0.25),
      meanIoU: ious.reduce((s, v) => s + v, 0) / Math.max(1, ious.length),
      atLeast90: ious.filter((v) => v >= 0.9).length / Math.max(1, ious.length),
      atLeast50: ious.filter((v) => v >= 0.5).length / Math.max(1, ious.length),
      fieldsInViews: inViews,
      recall50: inViews ? hits / inViews : NaN,
      proposals,
      precision50: proposals ? good / proposals : NaN,
      clickMs: { median: q(ms, 0.5), p95: q(ms, 0.95) },
      failed,
      bySize: (['under1ha', 'from1ha'] as const).map((size) => {
        const b = sized[size];
        b.ious.sort((x, y) => x - y);
        return { size, clicks: b.ious.length, medianIoU: q(b.ious, 0.5), fieldsInViews: b.views, recall50: b.views ? b.hits / b.views : NaN };
      }),
    });
  }
  return { seed: o.seed, scenes: out };
}

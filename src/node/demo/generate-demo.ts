/**
 * Synthetic Planet-style labelling campaign for northern Ghana: imagery (NICFI-like EPSG:3857
 * quads for a growing-season and an off-season month, a PlanetScope-like UTM scene, UDM2 masks)
 * written as COGs under outDir/imagery, plus the true fields, sites, simulated labellers and
 * their assignments as data. Deterministic: the same seed gives byte-identical files and JSON.
 *
 *   layout (fields.ts) -> features (features.ts) -> per scene: render (scene-render.ts, udm2.ts)
 *   -> COG (../imagery/cog-writer.ts) -> sites (sites.ts) -> labellers (labellers.ts, assignments.ts)
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCog } from '../imagery/cog-writer.js';
import { rngFor } from './rng.js';
import { mercForward, mercInverse, utmForward } from './geo.js';
import { type Pt, pointInRing } from './geom.js';
import { buildLayout, type WorldLayout } from './fields.js';
import { buildFeatures, type Features } from './features.js';
import { SceneGrid } from './grid.js';
import { makeWorldNoise, renderScene, type RenderedScene, type SceneSpec } from './scene-render.js';
import { UDM2_BANDS } from './udm2.js';
import { contextWindow, ghanaCellId, pickSites, siteCandidates, type SiteCandidate } from './sites.js';
import { CATEGORIES, makeLabellers } from './labellers.js';
import { planAssignments, referenceLabels, toPolygon, type PlannedSite } from './assignments.js';
import type { DemoCampaign, DemoOptions, DemoScene, DemoSite } from './types.js';

export type { DemoOptions, DemoScene, DemoField, DemoSite, DemoLabellerProfile, DemoLabeller, DemoLabel, DemoAssignment, DemoCampaign, Polygon } from './types.js';

/** web-mercator zoom-15 pixel: the NICFI basemap resolution */
export const NICFI_RES = 156543.03392804097 / 2 ** 15;
const HALF_WORLD = 20037508.342789244;

interface ScenePlan { scene: DemoScene; spec: SceneSpec }

export interface DemoInternals {
  world: WorldLayout;
  features: Features;
  /** rendered rasters by scene id (only when keepRasters) */
  rasters: Map<string, RenderedScene>;
  specs: Map<string, SceneSpec>;
}

/** The NICFI-like quad grid cell (EPSG:3857) near the target, aligned like the real basemap tiles. */
export function quadExtent(seed: number, quadSize: number): [number, number, number, number] {
  const rng = rngFor(seed, 'place');
  const lon = -0.9 + rng.range(-0.15, 0.15), lat = 9.4 + rng.range(-0.12, 0.12);
  const [mx, my] = mercForward(lon, lat);
  const span = quadSize * NICFI_RES;
  const ix = Math.floor((mx + HALF_WORLD) / span), iy = Math.floor((HALF_WORLD - my) / span);
  const x0 = -HALF_WORLD + ix * span, y1 = HALF_WORLD - iy * span;
  return [x0, y1 - span, x0 + span, y1];
}

function planScenes(world: WorldLayout, quadSize: number): ScenePlan[] {
  const [x0, , x1, y1] = world.extent;
  const cloudN = Math.max(2, Math.round(7 * (quadSize / 2048) ** 2));
  const quad = (date: string, season: 'growing' | 'off', phase: SceneSpec['phase'], clouds: number, haze: number, gains: SceneSpec['gains']): ScenePlan => {
    const spec: SceneSpec = {
      id: `nicfi_${date.slice(0, 7)}`, epsg: 3857, width: quadSize, height: quadSize, originX: x0, originY: y1, pixelSize: NICFI_RES,
      phase, clouds, haze, blur: 0.18, gains,
    };
    return {
      spec,
      scene: {
        id: spec.id, file: `imagery/quad_${date}.tif`, udmFile: `imagery/quad_${date}_udm2.tif`, date, season, epsg: 3857,
        width: quadSize, height: quadSize, pixelSize: NICFI_RES, bounds4326: new SceneGrid(spec).bounds4326(), bandRoles: ['blue', 'green', 'red', 'nir'], kind: 'nicfi-quad',
      },
    };
  };
  // PlanetScope-like scene: 3 m UTM 30N grid over part of the quad, footprint rotated ~9 degrees
  const epsg = 32630, ps = 3;
  const span = x1 - x0;
  const [clon, clat] = mercInverse(world.center[0] + 0.12 * span, world.center[1] - 0.08 * span);
  const [ce, cn] = utmForward(epsg, clon, clat);
  const groundSpan = span / world.k;
  const W = Math.round((0.6 * groundSpan) / ps), H = Math.round((0.46 * groundSpan) / ps);
  const originX = Math.round((ce - (W * ps) / 2) / ps) * ps, originY = Math.round((cn + (H * ps) / 2) / ps) * ps;
  const rot = (9 * Math.PI) / 180, a = 0.88 * W, b = 0.8 * H;
  const footprint: Pt[] = ([[-1, -1], [1, -1], [1, 1], [-1, 1]] as const).map(([u, v]) => [
    W / 2 + (u * a) / 2 * Math.cos(rot) - (v * b) / 2 * Math.sin(rot),
    H / 2 + (u * a) / 2 * Math.sin(rot) + (v * b) / 2 * Math.cos(rot),
  ]);
  const psSpec: SceneSpec = { id: 'ps_2024-10-06', epsg, width: W, height: H, originX, originY, pixelSize: ps, phase: 'late', clouds: 0, haze: 0.05, blur: 0.24, gains: [1.04, 1.02, 0.97, 1.03], footprint };
  return [
    quad('2024-08-15', 'growing', 'peak', cloudN, 0.08, [1, 1, 1, 1]),
    quad('2024-12-15', 'off', 'dry', 0, 0.3, [1.0, 0.99, 1.0, 1.01]),
    {
      spec: psSpec,
      scene: {
        id: psSpec.id, file: 'imagery/ps_2024-10-06_32630.tif', udmFile: 'imagery/ps_2024-10-06_32630_udm2.tif', date: '2024-10-06', season: 'growing',
        epsg, width: W, height: H, pixelSize: ps, bounds4326: new SceneGrid(psSpec).bounds4326(), bandRoles: ['blue', 'green', 'red', 'nir'], kind: 'planetscope-utm',
      },
    },
  ];
}

/** Does the scene hold valid data over the whole lon/lat window? */
function coversWindow(plan: ScenePlan, win: readonly [number, number, number, number]): boolean {
  const grid = new SceneGrid(plan.spec);
  const pts: Pt[] = [];
  for (let t = 0; t <= 4; t++) {
    const lon = win[0] + ((win[2] - win[0]) * t) / 4, lat = win[1] + ((win[3] - win[1]) * t) / 4;
    pts.push([lon, win[1]], [lon, win[3]], [win[0], lat], [win[2], lat]);
  }
  return pts.every(([lon, lat]) => {
    const [x, y] = mercForward(lon, lat);
    const [px, py] = grid.toPixel(x, y);
    if (px < 0 || py < 0 || px > plan.spec.width || py > plan.spec.height) return false;
    return !plan.spec.footprint || pointInRing(px, py, plan.spec.footprint);
  });
}

function rectPolygon(b: readonly [number, number, number, number]) {
  return { type: 'Polygon' as const, coordinates: [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]] };
}

export async function generateDemo(opts: DemoOptions): Promise<DemoCampaign> {
  return (await generateDemoWithInternals(opts, false)).campaign;
}

/** generateDemo plus the world model and (optionally) the rendered rasters, for tests and tools. */
export async function generateDemoWithInternals(opts: DemoOptions, keepRasters: boolean): Promise<{ campaign: DemoCampaign; internals: DemoInternals }> {
  const seed = opts.seed >>> 0;
  const quadSize = opts.quadSize ?? 2048;
  const nSites = opts.sites ?? 24, nLab = opts.labellers ?? 6;
  if (!Number.isInteger(quadSize) || quadSize < 512 || quadSize > 8192 || quadSize % 256 !== 0) throw new Error(`demo: quadSize must be a multiple of 256 in 512..8192, got ${quadSize}`);
  if (!Number.isInteger(nSites) || nSites < 1) throw new Error(`demo: sites must be a positive integer, got ${nSites}`);
  if (!Number.isInteger(nLab) || nLab < 1) throw new Error(`demo: labellers must be a positive integer, got ${nLab}`);
  const total = 8;
  let done = 0;
  const progress = (note: string) => opts.onProgress?.(++done, total, note);

  const world = buildLayout(seed, quadExtent(seed, quadSize));
  progress(`layout: ${world.fields.length} fields`);
  const features = buildFeatures(world);
  progress(`features: ${features.trees.n} trees`);
  const e = world.extent, c = world.center;
  const noise = makeWorldNoise(seed, [e[0] - c[0], e[1] - c[1], e[2] - c[0], e[3] - c[1]], world.k);
  const plans = planScenes(world, quadSize);
  await mkdir(join(opts.outDir, 'imagery'), { recursive: true });
  const rasters = new Map<string, RenderedScene>();
  // COG compression runs on the thread pool while the next scene renders
  const writes: Promise<unknown>[] = [];
  for (const p of plans) {
    // at most one scene's files in flight while the next renders (memory)
    if (writes.length > 2) await Promise.all(writes.slice(0, writes.length - 2));
    const r = renderScene(world, features, noise, p.spec);
    progress(`rendered ${p.scene.id}`);
    const geo = { epsg: p.spec.epsg, originX: p.spec.originX, originY: p.spec.originY, pixelSizeX: p.spec.pixelSize, pixelSizeY: p.spec.pixelSize };
    const desc = JSON.stringify({ generator: 'fieldmark demo', seed, scene: p.scene.id, date: p.scene.date, kind: p.scene.kind, units: 'surface reflectance x 10000' });
    writes.push(writeCog(join(opts.outDir, p.scene.file), { width: p.spec.width, height: p.spec.height, dtype: 'uint16', bands: r.bands, geo, nodata: 0, description: desc, bandDescriptions: ['blue', 'green', 'red', 'nir'] }));
    if (p.scene.udmFile) {
      writes.push(writeCog(join(opts.outDir, p.scene.udmFile), { width: p.spec.width, height: p.spec.height, dtype: 'uint8', bands: r.udm, geo, overviewResampling: 'nearest', description: `UDM2 of ${p.scene.id}`, bandDescriptions: [...UDM2_BANDS] }));
    }
    if (keepRasters) rasters.set(p.scene.id, r);
  }
  await Promise.all(writes);
  progress('imagery written');

  // sites
  const rng = rngFor(seed, 'campaign');
  const quadPlan = plans[0] as ScenePlan;
  const cands = siteCandidates(world, quadPlan.scene.bounds4326);
  const psPlan = plans[2] as ScenePlan;
  const picked = pickSites(cands, nSites, rng, (cand: SiteCandidate) => coversWindow(psPlan, contextWindow(cand.cell)));
  const sites: DemoSite[] = picked.map(({ cand, cls }) => ({
    id: ghanaCellId(cand.cell[0], cand.cell[3]),
    cls,
    cell: rectPolygon(cand.cell),
    center: [+((cand.cell[0] + cand.cell[2]) / 2).toFixed(6), +((cand.cell[1] + cand.cell[3]) / 2).toFixed(6)],
    sceneIds: plans.filter((p) => coversWindow(p, contextWindow(cand.cell))).map((p) => p.scene.id),
  }));

  // labellers and their work
  const labellers = makeLabellers(nLab, rng);
  const planned: PlannedSite[] = picked.map(({ cand, cls }, i) => ({ id: (sites[i] as DemoSite).id, cls, rect: cand.rect, truth: cand.fieldIdx }));
  const assignments = planAssignments(planned, labellers, world, rng);
  progress(`${assignments.length} assignments simulated`);

  const campaign: DemoCampaign = {
    name: `Fieldmark demo: northern Ghana smallholder fields (seed ${seed})`,
    seed,
    categories: CATEGORIES.map((x) => ({ id: x.id, group: x.group })),
    scenes: plans.map((p) => p.scene),
    fields: world.fields.map((f) => ({ id: f.id, polygon: toPolygon(f.ring), crop: f.crop, areaHa: Math.round(f.areaHa * 1e4) / 1e4 })),
    sites,
    labellers: labellers.map((l) => ({ id: l.id, name: l.name, profile: { ...l.profile } })),
    assignments,
    reference: planned.filter((s) => s.cls === 1).map((s) => ({ siteId: s.id, labels: referenceLabels(world, s.truth) })),
  };
  progress('done');
  return { campaign, internals: { world, features, rasters, specs: new Map(plans.map((p) => [p.scene.id, p.spec])) } };
}

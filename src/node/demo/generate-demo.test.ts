import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { generateDemo, generateDemoWithInternals, type DemoInternals } from './generate-demo.js';
import type { DemoCampaign, Polygon } from './types.js';
import { type Pt, isSimpleRing, ringArea, ringsOverlap, bbox, centroid } from './geom.js';
import { mercForward } from './geo.js';
import { SceneGrid } from './grid.js';
import { fieldLook } from './spectra.js';
import { contextWindow, CELL_DEG } from './sites.js';

const OPTS = { seed: 3, sites: 6, labellers: 6, quadSize: 1024 };
let dirA = '', dirB = '';
let A: { campaign: DemoCampaign; internals: DemoInternals };
let ms = 0;

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'demo-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'demo-b-'));
  const t = performance.now();
  A = await generateDemoWithInternals({ ...OPTS, outDir: dirA }, true);
  ms = performance.now() - t;
}, 120_000);
afterAll(() => {
  for (const d of [dirA, dirB]) if (d) rmSync(d, { recursive: true, force: true });
});

const ringOf = (p: Polygon) => (p.coordinates[0] as number[][]).slice(0, -1) as Pt[];
function checkPolygon(p: Polygon): void {
  const outer = p.coordinates[0] as number[][];
  expect(p.type).toBe('Polygon');
  expect(p.coordinates.length).toBe(1);
  expect(outer[0]).toEqual(outer[outer.length - 1]);
  const ring = ringOf(p);
  expect(ringArea(ring)).toBeGreaterThan(0); // RFC 7946: outer ring counter-clockwise
  expect(isSimpleRing(ring)).toBe(true);
}
function hashDir(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(d, 'imagery')).sort()) out[f] = createHash('sha256').update(readFileSync(join(d, 'imagery', f))).digest('hex');
  return out;
}
function pixel(grid: SceneGrid, lon: number, lat: number): Pt {
  const [x, y] = mercForward(lon, lat);
  return grid.toPixel(x, y);
}

describe('generateDemo (small campaign: 6 sites, 1024 px quads)', () => {
  it('is fast', () => {
    console.log(`demo: 6 sites, 1024 px quads generated in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(30_000);
  });

  it('is deterministic: same seed -> byte-identical COGs and identical JSON', async () => {
    const b = await generateDemo({ ...OPTS, outDir: dirB });
    expect(JSON.stringify(b)).toBe(JSON.stringify(A.campaign));
    const ha = hashDir(dirA), hb = hashDir(dirB);
    expect(Object.keys(ha).length).toBe(6);
    expect(hb).toEqual(ha);
  }, 120_000);

  it('writes Planet-like COGs: B,G,R,NIR uint16 with nodata 0, NICFI quads in EPSG:3857 and a UTM PlanetScope scene', async () => {
    const c = A.campaign;
    const seasons = new Set(c.scenes.filter((s) => s.kind === 'nicfi-quad').map((s) => s.season));
    expect(seasons).toEqual(new Set(['growing', 'off']));
    const ps = c.scenes.find((s) => s.kind === 'planetscope-utm');
    expect(ps?.epsg).toBe(32630);
    expect(ps?.pixelSize).toBe(3);
    for (const s of c.scenes) {
      expect(s.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const tiff = await fromFile(join(dirA, s.file));
      const img = await tiff.getImage(0);
      expect([img.getWidth(), img.getHeight(), img.getSamplesPerPixel()]).toEqual([s.width, s.height, 4]);
      expect(img.getBitsPerSample()).toBe(16);
      expect(img.getGDALNoData()).toBe(0);
      expect(await tiff.getImageCount()).toBeGreaterThan(1);
      const keys = img.getGeoKeys();
      expect(keys?.ProjectedCSTypeGeoKey).toBe(s.epsg);
      expect(Math.abs((img.getResolution()[0] as number) - s.pixelSize)).toBeLessThan(1e-9);
      const udm = await (await fromFile(join(dirA, s.udmFile as string))).getImage(0);
      expect(udm.getSamplesPerPixel()).toBe(8);
      expect(udm.getBitsPerSample()).toBe(8);
      // a window of pixels: plausible reflectance x 10000
      const r = await img.readRasters({ window: [0, 0, 256, 256], interleave: false });
      for (let b = 0; b < 4; b++) {
        const band = r[b] as Uint16Array;
        let max = 0;
        for (const v of band) if (v > max) max = v;
        expect(max).toBeLessThan(12000);
      }
    }
    const q = c.scenes[0];
    expect(q?.bounds4326[0]).toBeGreaterThan(-1.2);
    expect(q?.bounds4326[2]).toBeLessThan(-0.6);
    expect(q?.bounds4326[1]).toBeGreaterThan(9.1);
    expect(q?.bounds4326[3]).toBeLessThan(9.7);
  });

  it('true fields: smallholder sizes, valid RFC 7946 polygons that never overlap', () => {
    const { fields } = A.campaign;
    expect(fields.length).toBeGreaterThan(300);
    const inRange = fields.filter((f) => f.areaHa >= 0.1 && f.areaHa <= 5).length;
    expect(inRange / fields.length).toBeGreaterThan(0.97);
    const med = fields.map((f) => f.areaHa).sort((a, b) => a - b)[Math.floor(fields.length / 2)] as number;
    expect(med).toBeGreaterThan(0.4);
    expect(med).toBeLessThan(2);
    for (const f of fields) checkPolygon(f.polygon);
    // pairwise overlap among neighbours (bbox grid)
    const rings = fields.map((f) => ringOf(f.polygon));
    const boxes = rings.map(bbox);
    const cell = 0.003;
    const grid = new Map<string, number[]>();
    boxes.forEach((b, i) => {
      for (let x = Math.floor(b[0] / cell); x <= Math.floor(b[2] / cell); x++) {
        for (let y = Math.floor(b[1] / cell); y <= Math.floor(b[3] / cell); y++) grid.set(`${x},${y}`, [...(grid.get(`${x},${y}`) ?? []), i]);
      }
    });
    let overlaps = 0;
    const seen = new Set<string>();
    for (const ids of grid.values()) {
      for (let a = 0; a < ids.length; a++) {
        for (let b = a + 1; b < ids.length; b++) {
          const i = ids[a] as number, j = ids[b] as number, key = `${i},${j}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const p = boxes[i] as [number, number, number, number], q = boxes[j] as [number, number, number, number];
          if (p[0] > q[2] || p[2] < q[0] || p[1] > q[3] || p[3] < q[1]) continue;
          if (ringsOverlap(rings[i] as Pt[], rings[j] as Pt[])) overlaps++;
        }
      }
    }
    expect(overlaps).toBe(0);
  });

  it('sites: GH ids on the 0.005-degree grid, class mix, context window inside the scenes', () => {
    const { sites, scenes } = A.campaign;
    expect(sites.length).toBe(6);
    expect(new Set(sites.map((s) => s.id)).size).toBe(6);
    expect(sites.filter((s) => s.cls === 1).length).toBe(2);
    expect(sites.filter((s) => s.cls === 4).length).toBe(1);
    expect(sites.filter((s) => s.cls === 2).length).toBe(3);
    for (const s of sites) {
      expect(s.id).toMatch(/^GH\d{7}$/);
      checkPolygon(s.cell);
      const ring = ringOf(s.cell);
      const b = bbox(ring);
      for (const v of b) expect(Math.abs(v / CELL_DEG - Math.round(v / CELL_DEG))).toBeLessThan(1e-6);
      expect(s.center).toEqual([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2].map((v) => +v.toFixed(6)));
      expect(s.sceneIds).toContain('nicfi_2024-08');
      expect(s.sceneIds).toContain('nicfi_2024-12');
      const win = contextWindow(b);
      for (const id of s.sceneIds) {
        const sc = scenes.find((x) => x.id === id);
        expect(sc).toBeDefined();
        const grid = new SceneGrid(A.internals.specs.get(id) as never);
        const raster = A.internals.rasters.get(id);
        for (const [lon, lat] of [[win[0], win[1]], [win[2], win[1]], [win[2], win[3]], [win[0], win[3]]] as const) {
          const [px, py] = pixel(grid, lon, lat);
          expect(px).toBeGreaterThanOrEqual(0);
          expect(py).toBeGreaterThanOrEqual(0);
          expect(px).toBeLessThanOrEqual(sc?.width as number);
          expect(py).toBeLessThanOrEqual(sc?.height as number);
          const i = Math.min(sc!.height - 1, Math.floor(py)) * sc!.width + Math.min(sc!.width - 1, Math.floor(px));
          expect((raster?.bands[0] as Uint16Array)[i]).toBeGreaterThan(0); // valid data, not no-data
        }
      }
    }
  });

  it('reference = the true fields touching each class 1 cell, whole', () => {
    const { reference, sites, fields } = A.campaign;
    const q = sites.filter((s) => s.cls === 1);
    expect(reference.map((r) => r.siteId).sort()).toEqual(q.map((s) => s.id).sort());
    const byKey = new Set(fields.map((f) => JSON.stringify(f.polygon)));
    for (const r of reference) {
      expect(r.labels.length).toBeGreaterThan(0);
      for (const l of r.labels) {
        checkPolygon(l.polygon);
        expect(byKey.has(JSON.stringify(l.polygon))).toBe(true);
        expect(['annualcropland', 'fallow']).toContain(l.category);
      }
    }
  });

  it('assignments and labellers: categories, profiles, valid polygons', () => {
    const c = A.campaign;
    expect(c.categories).toEqual([
      { id: 'annualcropland', group: 'field' }, { id: 'fallow', group: 'field' },
      { id: 'noncropland', group: 'no_field' }, { id: 'unsure', group: 'no_field' },
    ]);
    expect(c.labellers.map((l) => l.profile.kind)).toEqual(['near-perfect', 'misses-small', 'merges', 'jitter', 'false-fields', 'sloppy']);
    const cats = new Set(c.categories.map((x) => x.id));
    const siteIds = new Set(c.sites.map((s) => s.id));
    for (const a of c.assignments) {
      expect(siteIds.has(a.siteId)).toBe(true);
      expect(['submitted', 'approved', 'rejected', 'returned']).toContain(a.status);
      if (a.status === 'returned') expect(a.labels).toEqual([]);
      for (const l of a.labels) { checkPolygon(l.polygon); expect(cats.has(l.category)).toBe(true); }
    }
    for (const s of c.sites) {
      const n = c.assignments.filter((a) => a.siteId === s.id).length;
      if (s.cls === 2) expect(n).toBe(1);
      else expect(n).toBeGreaterThanOrEqual(3);
    }
  });

  it('reflectance: green crops NDVI > 0.5 in the growing season, bare fields < 0.25 off season', () => {
    const { world, rasters, specs } = A.internals;
    const ndviAround = (id: string, p: Pt) => {
      const spec = specs.get(id) as never as { width: number; height: number };
      const r = rasters.get(id)!;
      const [px, py] = new SceneGrid(specs.get(id) as never).toPixel(p[0], p[1]);
      const vals: number[] = [];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = Math.floor(px) + dx, y = Math.floor(py) + dy;
          if (x < 0 || y < 0 || x >= spec.width || y >= spec.height) continue;
          const i = y * spec.width + x;
          if ((r.atmosphere.alpha[i] as number) > 0.01 || (r.atmosphere.shadow[i] as number) > 0.01) continue;
          const red = (r.bands[2] as Uint16Array)[i] as number, nir = (r.bands[3] as Uint16Array)[i] as number;
          vals.push((nir - red) / (nir + red));
        }
      }
      vals.sort((a, b) => a - b);
      return vals.length ? (vals[Math.floor(vals.length / 2)] as number) : null;
    };
    let green = 0, greenOk = 0, bare = 0, bareOk = 0;
    for (const f of world.fields) {
      const c = centroid(f.inner);
      const g = fieldLook(f.crop, f.rand, f.soilT, 'peak');
      if (g.green) {
        const v = ndviAround('nicfi_2024-08', c);
        if (v !== null) { green++; if (v > 0.5) greenOk++; }
      }
      const d = fieldLook(f.crop, f.rand, f.soilT, 'dry');
      if (d.fv < 0.05 && d.fd < 0.2 && d.burn === 0) {
        const v = ndviAround('nicfi_2024-12', c);
        if (v !== null) { bare++; if (v < 0.25) bareOk++; }
      }
    }
    expect(green).toBeGreaterThan(100);
    expect(bare).toBeGreaterThan(30);
    expect(greenOk / green).toBeGreaterThan(0.95);
    expect(bareOk / bare).toBeGreaterThan(0.95);
  });

  it('clouds are drawn on one date and masked in its UDM2 (and the file holds the same mask)', async () => {
    const { rasters } = A.internals;
    const g = rasters.get('nicfi_2024-08')!;
    const n = g.atmosphere.alpha.length;
    let cloudy = 0, shadowed = 0, bad = 0;
    const [clear, , shadow, , , cloud] = g.udm as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const blue = g.bands[0] as Uint16Array;
    for (let i = 0; i < n; i++) {
      const a = g.atmosphere.alpha[i] as number, sh = g.atmosphere.shadow[i] as number;
      if (a >= 0.4) { cloudy++; if (cloud[i] !== 1 || clear[i] !== 0 || (blue[i] as number) < 2000) bad++; }
      if (clear[i] && (a >= 0.02 || sh >= 0.25)) bad++;
      if (sh >= 0.25 && a < 0.4) { shadowed++; if (shadow[i] !== 1) bad++; }
    }
    expect(bad).toBe(0);
    expect(cloudy).toBeGreaterThan(100);
    expect(cloudy / n).toBeLessThan(0.15);
    expect(shadowed).toBeGreaterThan(100);
    const off = rasters.get('nicfi_2024-12')!;
    expect(off.atmosphere.alpha.every((v) => v === 0)).toBe(true);
    const img = await (await fromFile(join(dirA, A.campaign.scenes[0]!.udmFile as string))).getImage(0);
    const fileUdm = await img.readRasters({ interleave: false });
    for (let b = 0; b < 8; b++) expect(Buffer.from((fileUdm[b] as Uint8Array).buffer).equals(Buffer.from((g.udm[b] as Uint8Array).buffer))).toBe(true);
  });

  it.skipIf(!existsSync('/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py') || spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal']).status !== 0)(
    'GDAL: the demo imagery are valid COGs', () => {
      for (const s of A.campaign.scenes) {
        const r = spawnSync('/usr/bin/python3', ['/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py', join(dirA, s.file)], { encoding: 'utf8' });
        expect(r.stdout).toContain('is a valid cloud optimized GeoTIFF');
      }
    });
});

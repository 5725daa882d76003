/**
 * The common tail of every reader: raw polygons in the source CRS -> reprojected to EPSG:4326 ->
 * repaired or refused -> `features` / `skipped`.
 */
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';
import { checkCoordinates, repairPolygons, type Pt, type RingPts } from './repair';
import type { Transform } from './reproject';
import { featureLabel, type ImportedFeature, type SkippedFeature } from './types';

/** Polygons as read: [polygon][ring][vertex] = [x, y] in the source CRS. */
export interface RawArea {
  multi: boolean;
  polygons: RingPts[][];
  /** Things the reader already changed (e.g. dropped non-area members of a collection). */
  notes?: string[];
}
export type RawGeometry = RawArea | { skip: string };

export class Collector {
  readonly features: ImportedFeature[] = [];
  readonly skipped: SkippedFeature[] = [];

  constructor(
    private readonly crsLabel: string,
    private readonly transform: Transform | null,
    private readonly windingIsRepair: boolean,
  ) {}

  skip(index: number, id: string | number | null, reason: string): void {
    this.skipped.push({ feature: featureLabel(index, id), reason });
  }

  add(index: number, id: string | number | null, geom: RawGeometry | null, properties: Record<string, unknown>): void {
    if (geom === null) return this.skip(index, id, 'no geometry (null)');
    if ('skip' in geom) return this.skip(index, id, geom.skip);
    let polys = geom.polygons;
    if (this.transform) {
      const bad = checkCoordinates(polys);
      if (bad) return this.skip(index, id, bad);
      const t = this.transform;
      let failed: Pt | null = null;
      polys = polys.map((rings) =>
        rings.map((ring) =>
          ring.map((p): Pt => {
            let q: Pt;
            try {
              q = t(p[0], p[1]);
            } catch {
              q = [NaN, NaN];
            }
            if (!failed && !(Number.isFinite(q[0]) && Number.isFinite(q[1]) && Math.abs(q[0]) <= 180 && Math.abs(q[1]) <= 90)) failed = p;
            return q;
          }),
        ),
      );
      if (failed) {
        const f = failed as Pt;
        return this.skip(index, id, `coordinates out of range after reprojection from ${this.crsLabel} (x ${f[0]}, y ${f[1]})`);
      }
    }
    const r = repairPolygons(polys, this.windingIsRepair);
    if ('error' in r) {
      const hint = !this.transform && /out of lon\/lat range/.test(r.error) ? ` (data declared as ${this.crsLabel}; is the CRS right?)` : '';
      return this.skip(index, id, r.error + hint);
    }
    const geometry: Polygon | MultiPolygon =
      geom.multi || r.polygons.length > 1
        ? { type: 'MultiPolygon', coordinates: r.polygons }
        : { type: 'Polygon', coordinates: r.polygons[0]! };
    const notes = [...(geom.notes ?? []), ...r.notes];
    const f: ImportedFeature = { index, id, geometry, properties };
    if (notes.length) f.repaired = notes.join('; ');
    this.features.push(f);
  }
}

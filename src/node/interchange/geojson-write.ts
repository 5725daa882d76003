/**
 * RFC 7946 GeoJSON writer: a FeatureCollection in lon/lat, exterior rings counter-clockwise and
 * holes clockwise, no `crs` member, coordinates rounded to `precision` decimals (7 = ~1 cm),
 * optional bbox. Streamed to a temporary file in chunks and renamed into place when complete.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { BBox, MultiPolygon, Polygon } from '../../common/geo/geojson';
import { ApiError } from '../../common/api/errors';
import { signedArea2, type RingPts } from './repair';
import type { WritableFeature } from './types';

export interface GeoJsonWriteOptions {
  /** Decimal places of the coordinates (default 7). */
  precision?: number;
  /** Write a bbox on the collection and on every feature (default false). */
  bbox?: boolean;
}

export interface GeoJsonWriteResult {
  path: string;
  features: number;
  bbox: BBox | null;
}

function roundRing(ring: number[][], f: number, exterior: boolean): RingPts {
  const r: RingPts = ring.map((p) => [Math.round(p[0]! * f) / f + 0, Math.round(p[1]! * f) / f + 0]);
  // Rounding can merge neighbours; drop the repeats unless that would break the ring.
  const dedup = r.filter((p, i) => i === 0 || p[0] !== r[i - 1]![0] || p[1] !== r[i - 1]![1]);
  const out = dedup.length >= 4 ? dedup : r;
  const first = out[0], last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  const a = signedArea2(out);
  if ((exterior && a < 0) || (!exterior && a > 0)) out.reverse();
  return out;
}

/** The geometry as it will be written: rounded, closed, RFC 7946 winding. */
export function rfc7946Geometry(g: Polygon | MultiPolygon, precision = 7): Polygon | MultiPolygon {
  const f = 10 ** precision;
  const poly = (rings: number[][][]) => rings.map((ring, i) => roundRing(ring, f, i === 0));
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: poly(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(poly) };
}

function bboxOf(g: Polygon | MultiPolygon): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
    for (const p of rings[0] ?? []) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  return [minX, minY, maxX, maxY];
}

function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

export async function writeGeoJson(
  path: string,
  features: Iterable<WritableFeature> | AsyncIterable<WritableFeature>,
  opts: GeoJsonWriteOptions = {},
): Promise<GeoJsonWriteResult> {
  const precision = opts.precision ?? 7;
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const out = createWriteStream(tmp);
  let failed: Error | null = null;
  out.on('error', (e) => (failed = e));
  let pending = '{"type":"FeatureCollection","features":[\n';
  const flush = async (force: boolean) => {
    if (failed) throw failed;
    if (pending.length < 1 << 20 && !force) return;
    if (!out.write(pending)) await once(out, 'drain');
    pending = '';
  };
  let n = 0;
  const all: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  try {
    for await (const feat of features as AsyncIterable<WritableFeature>) {
      const g = feat.geometry;
      if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
        throw new ApiError('BAD_ARGUMENTS', `writeGeoJson: feature ${n} has no Polygon/MultiPolygon geometry`);
      }
      const geometry = rfc7946Geometry(g, precision);
      const o: Record<string, unknown> = { type: 'Feature' };
      if (feat.id !== undefined && feat.id !== null) o.id = feat.id;
      if (opts.bbox) {
        const b = bboxOf(geometry);
        o.bbox = b;
        all[0] = Math.min(all[0], b[0]);
        all[1] = Math.min(all[1], b[1]);
        all[2] = Math.max(all[2], b[2]);
        all[3] = Math.max(all[3], b[3]);
      }
      o.geometry = geometry;
      o.properties = feat.properties ?? {};
      pending += (n ? ',\n' : '') + JSON.stringify(o, (_k, v) => jsonSafe(v));
      n++;
      await flush(false);
    }
    const bbox = opts.bbox && n ? all : null;
    pending += `\n]${bbox ? `,"bbox":${JSON.stringify(bbox)}` : ''}}\n`;
    await flush(true);
    out.end();
    await once(out, 'finish');
    if (failed) throw failed;
    renameSync(tmp, path);
    return { path, features: n, bbox };
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Checks a parsed GeoJSON document against the RFC 7946 rules our exports promise: a
 * FeatureCollection of Features, Polygon/MultiPolygon geometries, closed rings of >= 4 positions,
 * exterior rings counter-clockwise and holes clockwise, lon/lat ranges, no `crs` member, a
 * well-formed bbox. Returns the problems found (empty = conforming).
 */
import { signedArea2, type RingPts } from './repair';

export function checkRfc7946(doc: unknown, maxProblems = 20): string[] {
  const problems: string[] = [];
  const add = (p: string) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(doc) || doc.type !== 'FeatureCollection') return ['root is not a FeatureCollection'];
  if ('crs' in doc) add('has a "crs" member (removed by RFC 7946)');
  const bbox = (b: unknown, where: string) => {
    if (b === undefined) return;
    if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every((x) => typeof x === 'number')) add(`${where}: bbox must be 4 or 6 numbers`);
  };
  bbox(doc.bbox, 'collection');
  if (!Array.isArray(doc.features)) return [...problems, '"features" is not an array'];
  doc.features.forEach((f: unknown, i: number) => {
    if (!isObj(f) || f.type !== 'Feature') return add(`feature ${i}: not a Feature`);
    if ('crs' in f) add(`feature ${i}: has a "crs" member`);
    bbox(f.bbox, `feature ${i}`);
    if (f.properties !== null && !isObj(f.properties)) add(`feature ${i}: properties is not an object or null`);
    if (f.id !== undefined && typeof f.id !== 'string' && typeof f.id !== 'number') add(`feature ${i}: id is not a string or number`);
    const g = f.geometry;
    if (!isObj(g) || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return add(`feature ${i}: geometry is not a Polygon or MultiPolygon`);
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
    if (!Array.isArray(polys)) return add(`feature ${i}: coordinates are not an array`);
    polys.forEach((rings, pi) => {
      if (!Array.isArray(rings) || rings.length === 0) return add(`feature ${i} polygon ${pi}: no rings`);
      rings.forEach((ring: unknown, ri: number) => {
        const where = `feature ${i} polygon ${pi} ring ${ri}`;
        if (!Array.isArray(ring) || ring.length < 4) return add(`${where}: fewer than 4 positions`);
        for (const p of ring as unknown[]) {
          if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) return add(`${where}: bad position ${JSON.stringify(p)}`);
          if (Math.abs(p[0] as number) > 180 || Math.abs(p[1] as number) > 90) return add(`${where}: position out of range ${JSON.stringify(p)}`);
        }
        const r = ring as RingPts;
        const a = r[0]!, b = r[r.length - 1]!;
        if (a[0] !== b[0] || a[1] !== b[1]) add(`${where}: not closed`);
        const area = signedArea2(r);
        if (ri === 0 && !(area > 0)) add(`${where}: exterior ring is not counter-clockwise`);
        if (ri > 0 && !(area < 0)) add(`${where}: hole is not clockwise`);
      });
    });
  });
  return problems;
}

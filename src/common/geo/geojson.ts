/** Minimal GeoJSON geometry types (RFC 7946, EPSG:4326 lon/lat) shared by every layer. */
export type Position = [number, number] | [number, number, number];
export type Ring = Position[];
export interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type AreaGeometry = Polygon | MultiPolygon;
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export function bboxOf(geom: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  for (const poly of polys) {
    for (const ring of poly) {
      for (const p of ring) {
        const x = p[0];
        const y = p[1];
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** An axis-aligned lon/lat box as a closed, counter-clockwise (RFC 7946) polygon. */
export function bboxPolygon([minX, minY, maxX, maxY]: BBox): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minX, minY],
        [maxX, minY],
        [maxX, maxY],
        [minX, maxY],
        [minX, minY],
      ],
    ],
  };
}

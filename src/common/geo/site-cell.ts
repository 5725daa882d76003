import { type BBox, bboxPolygon, type Polygon } from './geojson';

/** Site cells are 0.005-degree squares (~550 m); the labeller sees a window 2.56x larger (DOMAIN.md 1). */
export const CELL_DEGREES = 0.005;
export const CONTEXT_FACTOR = 2.56;

/** The context window around a cell: same centre, sides CONTEXT_FACTOR times longer. */
export function contextWindow(cell: BBox, factor = CONTEXT_FACTOR): BBox {
  const cx = (cell[0] + cell[2]) / 2;
  const cy = (cell[1] + cell[3]) / 2;
  const hw = ((cell[2] - cell[0]) * factor) / 2;
  const hh = ((cell[3] - cell[1]) * factor) / 2;
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}

export function contextWindowPolygon(cell: BBox, factor = CONTEXT_FACTOR): Polygon {
  return bboxPolygon(contextWindow(cell, factor));
}

/** The validation context of a task, built the same way by the server (submit) and the renderer. */
import type { Category } from '../api/contract';
import { bboxOf, type Polygon } from '../geo/geojson';
import { DEFAULT_CONTEXT, type ValidationContext } from './issue';

export function taskValidationContext(t: { minAreaM2: number; site: { cell: Polygon }; categories: readonly Category[] }): ValidationContext {
  return { ...DEFAULT_CONTEXT, minAreaM2: t.minAreaM2, cell: bboxOf(t.site.cell), categories: t.categories.map((c) => c.id) };
}

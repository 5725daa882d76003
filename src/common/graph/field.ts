/** One field polygon of a labeller's map, as the editor's graph holds it. */
import type { BBox } from '../geo/geojson';
import { type EditPolygon, polygonBBox } from '../editing/geom';

export type FieldProvenance = 'drawn' | 'suggested' | 'imported' | 'simulated';

export interface Field {
  /** Stable key inside one assignment: client-made for new fields, `L<label id>` for stored ones. */
  readonly id: string;
  readonly geometry: EditPolygon;
  readonly category: string;
  readonly comment: string;
  readonly provenance: FieldProvenance;
  /** The suggestion this field was accepted from, if any. */
  readonly suggestionId?: string;
}

/** Field ids: short printable keys (the API schema allows the same set). */
export const FIELD_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

const boxes = new WeakMap<Field, BBox>();

/** A field's bounding box, cached per (immutable) field object. */
export function fieldBBox(f: Field): BBox {
  let b = boxes.get(f);
  if (!b) {
    b = polygonBBox(f.geometry);
    boxes.set(f, b);
  }
  return b;
}

export interface GraphDiff {
  /** ids present in `next` but not in `prev` */
  added: string[];
  /** ids in both whose field object differs */
  changed: string[];
  /** ids present in `prev` but not in `next` */
  removed: string[];
}

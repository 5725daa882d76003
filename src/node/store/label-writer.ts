/**
 * Fast label writes for bulk paths (import, bench, the API's addLabel): statements prepared once
 * per connection, each label and its R*Tree row written together. The caller owns the
 * transaction (see ARCHITECTURE.md "Store and interchange": one write = one transaction).
 */
import type { AssignmentStatus, LabelProvenance } from '../../common/api/contract';
import { type AreaGeometry, bboxOf } from '../../common/geo/geojson';
import type { Db } from './database';

export interface LabelWriter {
  label(l: { assignmentId: number; category: string; geometry: AreaGeometry; provenance: LabelProvenance; createdAt: string }): number;
  reference(r: { siteId: string; category: string; geometry: AreaGeometry; source: string; createdAt: string }): number;
  /** The assignment of (site, labeller), created with `status` when missing; `created` says which. */
  assignment(siteId: string, labellerId: string, status: AssignmentStatus, at: string): { id: number; created: boolean };
}

const cache = new WeakMap<Db, LabelWriter>();

export function labelWriter(db: Db): LabelWriter {
  const hit = cache.get(db);
  if (hit) return hit;
  const insLabel = db.prepare('INSERT INTO labels (assignment_id, category, geometry, provenance, created_at) VALUES (?, ?, ?, ?, ?)');
  const insLabelBox = db.prepare('INSERT INTO labels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const insRef = db.prepare('INSERT INTO reference_labels (site_id, category, geometry, source, created_at) VALUES (?, ?, ?, ?, ?)');
  const insRefBox = db.prepare('INSERT INTO reference_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const findAssignment = db.prepare('SELECT id FROM assignments WHERE site_id = ? AND labeller_id = ?').pluck();
  const insAssignment = db.prepare('INSERT INTO assignments (site_id, labeller_id, status, started_at, submitted_at) VALUES (?, ?, ?, ?, ?)');
  const w: LabelWriter = {
    label(l) {
      const id = Number(insLabel.run(l.assignmentId, l.category, JSON.stringify(l.geometry), l.provenance, l.createdAt).lastInsertRowid);
      const [minX, minY, maxX, maxY] = bboxOf(l.geometry);
      insLabelBox.run(id, minX, maxX, minY, maxY);
      return id;
    },
    reference(r) {
      const id = Number(insRef.run(r.siteId, r.category, JSON.stringify(r.geometry), r.source, r.createdAt).lastInsertRowid);
      const [minX, minY, maxX, maxY] = bboxOf(r.geometry);
      insRefBox.run(id, minX, maxX, minY, maxY);
      return id;
    },
    assignment(siteId, labellerId, status, at) {
      const found = findAssignment.get(siteId, labellerId) as number | undefined;
      if (found !== undefined) return { id: found, created: false };
      const submitted = status === 'assigned' ? null : at;
      return { id: Number(insAssignment.run(siteId, labellerId, status, at, submitted).lastInsertRowid), created: true };
    },
  };
  cache.set(db, w);
  return w;
}

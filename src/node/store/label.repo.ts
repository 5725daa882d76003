/** Assignments, their labels (with an R*Tree over label extents) and reference labels. */
import type { AssignmentStatus, AssignmentSummary, LabelCollection, LabelFeature, LabelProvenance } from '../../common/api/contract';
import { type AreaGeometry, bboxOf } from '../../common/geo/geojson';
import type { Db } from './database';

export function insertAssignment(
  db: Db,
  a: { siteId: string; labellerId: string; status: AssignmentStatus; startedAt: string; submittedAt: string | null },
): number {
  const info = db
    .prepare('INSERT INTO assignments (site_id, labeller_id, status, started_at, submitted_at) VALUES (?, ?, ?, ?, ?)')
    .run(a.siteId, a.labellerId, a.status, a.startedAt, a.submittedAt);
  return Number(info.lastInsertRowid);
}

export function insertLabel(
  db: Db,
  l: { assignmentId: number; category: string; geometry: AreaGeometry; provenance: LabelProvenance; createdAt?: string },
): number {
  const info = db
    .prepare('INSERT INTO labels (assignment_id, category, geometry, provenance, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(l.assignmentId, l.category, JSON.stringify(l.geometry), l.provenance, l.createdAt ?? new Date().toISOString());
  const id = Number(info.lastInsertRowid);
  const [minX, minY, maxX, maxY] = bboxOf(l.geometry);
  db.prepare('INSERT INTO labels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)').run(id, minX, maxX, minY, maxY);
  return id;
}

export function insertReferenceLabel(
  db: Db,
  r: { siteId: string; category: string; geometry: AreaGeometry; source: string; createdAt?: string },
): number {
  const info = db
    .prepare('INSERT INTO reference_labels (site_id, category, geometry, source, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(r.siteId, r.category, JSON.stringify(r.geometry), r.source, r.createdAt ?? new Date().toISOString());
  const id = Number(info.lastInsertRowid);
  const [minX, minY, maxX, maxY] = bboxOf(r.geometry);
  db.prepare('INSERT INTO reference_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)').run(id, minX, maxX, minY, maxY);
  return id;
}

export function assignmentsOfSite(db: Db, siteId: string, onlyLabeller?: string): AssignmentSummary[] {
  const sql = `SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, l.name AS labellerName, a.status,
                      a.submitted_at AS submittedAt, (SELECT count(*) FROM labels x WHERE x.assignment_id = a.id) AS labels
                 FROM assignments a JOIN labellers l ON l.id = a.labeller_id
                WHERE a.site_id = ? ${onlyLabeller ? 'AND a.labeller_id = ?' : ''}
                ORDER BY a.id`;
  const params = onlyLabeller ? [siteId, onlyLabeller] : [siteId];
  return db.prepare(sql).all(...params) as AssignmentSummary[];
}

export function labelsOfSite(db: Db, siteId: string, filter: { assignmentId?: number; labellerId?: string } = {}): LabelCollection {
  const where = ['a.site_id = ?'];
  const params: (string | number)[] = [siteId];
  if (filter.assignmentId !== undefined) {
    where.push('a.id = ?');
    params.push(filter.assignmentId);
  }
  if (filter.labellerId !== undefined) {
    where.push('a.labeller_id = ?');
    params.push(filter.labellerId);
  }
  const rows = db
    .prepare(
      `SELECT x.id, x.category, x.geometry, x.provenance, a.id AS assignment_id, a.labeller_id
         FROM labels x JOIN assignments a ON a.id = x.assignment_id
        WHERE ${where.join(' AND ')} ORDER BY x.id`,
    )
    .all(...params) as { id: number; category: string; geometry: string; provenance: LabelProvenance; assignment_id: number; labeller_id: string }[];
  const features: LabelFeature[] = rows.map((r) => ({
    type: 'Feature',
    id: r.id,
    geometry: JSON.parse(r.geometry) as AreaGeometry,
    properties: { siteId, assignmentId: r.assignment_id, labellerId: r.labeller_id, category: r.category, provenance: r.provenance },
  }));
  return { type: 'FeatureCollection', features };
}

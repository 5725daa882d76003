/**
 * Export of a campaign's layers: labels (with their assignment, labeller, status, scores and
 * times), reference labels and consensus polygons, as RFC 7946 GeoJSON (one layer) or a
 * GeoPackage 1.3 (one table per layer, R*Tree indexed). The writers build a temporary file and
 * rename it into place, so a failed export leaves no half-written output.
 */
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry } from '../../common/geo/geojson';
import { writeGeoJson } from '../interchange/geojson-write';
import type { GpkgField } from '../interchange/gpkg-write';
import type { WritableFeature } from '../interchange/types';
import type { Db } from './database';
import { exportGeoPackage } from './export-gpkg';
import { areaHa, checkOutPath, exportWhere, LAYER_FIELDS, type ExportFilter, type ExportWhat } from './export-fields';

export interface ExportReport {
  features: number;
  path: string;
  format: 'geojson' | 'gpkg';
  layers: { name: ExportWhat; features: number; emptySkipped: number }[];
}

/** Per-assignment attributes of the labels layer, joined once per assignment, not per label. */
const ASSIGNMENTS_SQL = `SELECT a.id AS assignment, s.id AS site, s.cls AS class, a.labeller_id AS labeller, lb.name AS labeller_name,
      a.status, a.started_at AS started, a.submitted_at AS submitted,
      sc.score, sc.area AS score_area, sc.fragmentation AS score_fragmentation, sc.edge AS score_edge, sc.legacy_edge AS score_legacy_edge,
      sc.categorical AS score_categorical, sc.field_skill, sc.no_field_skill
    FROM assignments a JOIN sites s ON s.id = a.site_id JOIN labellers lb ON lb.id = a.labeller_id
    LEFT JOIN scores sc ON sc.assignment_id = a.id`;

const SQL: Record<Exclude<ExportWhat, 'labels'>, string> = {
  reference: `SELECT r.id AS reference_id, r.geometry, s.id AS site, s.cls AS class, r.category, r.source, r.created_at AS created
    FROM reference_labels r JOIN sites s ON s.id = r.site_id`,
  consensus: `SELECT c.consensus AS geometry, s.id AS site, s.cls AS class, c.method, c.mean_risk, c.risky_fraction,
      (SELECT count(*) FROM assignments a WHERE a.site_id = s.id) AS assignments, c.computed_at AS computed, c.risk_path
    FROM consensus_results c JOIN sites s ON s.id = c.site_id`,
};
const ORDER: Record<Exclude<ExportWhat, 'labels'>, string> = { reference: 'ORDER BY r.id', consensus: 'ORDER BY s.id, c.method' };

export interface LayerRows {
  fields: GpkgField[];
  /** Features in id order; empty geometries (a consensus without fields) are counted, not yielded. */
  features(): Generator<WritableFeature>;
  emptySkipped(): number;
}

/** Rows of a layer: its geometry text, id and attributes (fetched whole: the writers await between
 * features, and a connection must not be left mid-query while the service answers others). */
interface Row {
  geometry: string;
  id?: number;
  attrs: Record<string, unknown>;
  /** Attributes shared by every label of an assignment. */
  shared?: Record<string, unknown> | undefined;
}

function fetchRows(db: Db, what: ExportWhat, filter: ExportFilter): Row[] {
  const { sql, params } = exportWhere(filter, what);
  if (what !== 'labels') {
    return (db.prepare(`${SQL[what]} ${sql} ${ORDER[what]}`).all(...params) as Record<string, unknown>[]).map((r) => ({
      geometry: r.geometry as string,
      ...(typeof r.reference_id === 'number' ? { id: r.reference_id } : {}),
      attrs: r,
    }));
  }
  const byAssignment = new Map<number, Record<string, unknown>>();
  for (const a of db.prepare(`${ASSIGNMENTS_SQL} ${sql}`).all(...params) as Record<string, unknown>[]) byAssignment.set(a.assignment as number, a);
  const labels = db
    .prepare(
      `SELECT x.id, x.assignment_id, x.category, x.provenance, x.created_at, x.geometry FROM labels x
        WHERE x.assignment_id IN (SELECT a.id FROM assignments a JOIN sites s ON s.id = a.site_id ${sql}) ORDER BY x.id`,
    )
    .raw()
    .all(...params) as [number, number, string, string, string, string][];
  return labels.map(([id, assignment, category, provenance, created, geometry]) => ({
    geometry,
    id,
    attrs: { label_id: id, category, provenance, created },
    shared: byAssignment.get(assignment),
  }));
}

/** One layer of the database as features with flat properties (see LAYER_FIELDS). */
export function layerRows(db: Db, what: ExportWhat, filter: ExportFilter = {}): LayerRows {
  const rows = fetchRows(db, what, filter);
  const groups = new Map<string, string>();
  for (const row of db.prepare('SELECT settings FROM campaigns').pluck().all() as string[]) {
    for (const c of (JSON.parse(row) as { categories?: { id: string; group: string }[] }).categories ?? []) groups.set(c.id, c.group);
  }
  const names = LAYER_FIELDS[what].map((f) => f.name);
  let empty = 0;
  return {
    fields: LAYER_FIELDS[what],
    emptySkipped: () => empty,
    *features() {
      empty = 0;
      for (const row of rows) {
        const geometry = JSON.parse(row.geometry) as AreaGeometry;
        if (geometry.coordinates.length === 0) {
          empty++;
          continue;
        }
        const properties: Record<string, unknown> = {};
        for (const n of names) properties[n] = row.attrs[n] ?? row.shared?.[n] ?? null;
        properties.area_ha = areaHa(geometry);
        if ('category_group' in properties) properties.category_group = groups.get(row.attrs.category as string) ?? null;
        yield row.id !== undefined ? { geometry, properties, id: row.id } : { geometry, properties };
      }
    },
  };
}

export async function exportLayers(
  db: Db,
  opts: { format: 'geojson' | 'gpkg'; what: ExportWhat[]; out: string; filter?: ExportFilter; precision?: number },
): Promise<ExportReport> {
  const path = checkOutPath(db, opts.out);
  const what = [...new Set(opts.what)];
  if (what.length === 0) throw new ApiError('BAD_ARGUMENTS', 'export: nothing to export');
  if (opts.format === 'geojson' && what.length > 1) throw new ApiError('BAD_ARGUMENTS', 'export: GeoJSON holds one layer; pick one --what or use --format gpkg');
  const layers = what.map((w) => ({ name: w, rows: layerRows(db, w, opts.filter) }));
  const report: ExportReport = { features: 0, path, format: opts.format, layers: [] };
  if (opts.format === 'geojson') {
    const { rows, name } = layers[0]!;
    const r = await writeGeoJson(path, rows.features(), { precision: opts.precision ?? 7 });
    report.layers.push({ name, features: r.features, emptySkipped: rows.emptySkipped() });
  } else {
    report.layers.push(...(await exportGeoPackage(db, path, what, opts.filter)));
  }
  report.features = report.layers.reduce((s, l) => s + l.features, 0);
  return report;
}

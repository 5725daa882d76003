/**
 * What every export shares: the layers, their fields (the attributes a data user needs), the
 * filters as SQL, polygon areas, and the output path check.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AssignmentStatus, SiteClass } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry } from '../../common/geo/geojson';
import type { GpkgField } from '../interchange/gpkg-write';
import type { Db } from './database';

export type ExportWhat = 'labels' | 'reference' | 'consensus';
export const EXPORT_LAYERS: readonly ExportWhat[] = ['labels', 'reference', 'consensus'];

export interface ExportFilter {
  campaign?: string;
  cls?: SiteClass;
  site?: string;
  /** Labels layer (and catalog) only. */
  labeller?: string;
  status?: AssignmentStatus;
}

const F = (name: string, type: GpkgField['type']): GpkgField => ({ name, type });
const SCORE_FIELDS = ['score', 'score_area', 'score_fragmentation', 'score_edge', 'score_legacy_edge', 'score_categorical', 'field_skill', 'no_field_skill'];

export const LAYER_FIELDS: Record<ExportWhat, GpkgField[]> = {
  labels: [
    F('label_id', 'INTEGER'), F('site', 'TEXT'), F('class', 'INTEGER'), F('labeller', 'TEXT'), F('labeller_name', 'TEXT'),
    F('assignment', 'INTEGER'), F('category', 'TEXT'), F('category_group', 'TEXT'), F('status', 'TEXT'), F('provenance', 'TEXT'),
    F('created', 'DATETIME'), F('started', 'DATETIME'), F('submitted', 'DATETIME'), F('area_ha', 'REAL'),
    ...SCORE_FIELDS.map((n) => F(n, 'REAL')),
  ],
  reference: [
    F('reference_id', 'INTEGER'), F('site', 'TEXT'), F('class', 'INTEGER'), F('category', 'TEXT'), F('category_group', 'TEXT'),
    F('source', 'TEXT'), F('created', 'DATETIME'), F('area_ha', 'REAL'),
  ],
  consensus: [
    F('site', 'TEXT'), F('class', 'INTEGER'), F('method', 'TEXT'), F('mean_risk', 'REAL'), F('risky_fraction', 'REAL'),
    F('assignments', 'INTEGER'), F('computed', 'DATETIME'), F('risk_path', 'TEXT'), F('area_ha', 'REAL'),
  ],
};

const R = 6371008.8;
/** Area in hectares on a local equirectangular projection (good to ~0.1 % for field-sized polygons). */
export function areaHa(g: AreaGeometry): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let s = 0;
  for (const rings of polys) {
    const lat0 = (((rings[0]?.[0]?.[1] ?? 0) * Math.PI) / 180);
    const kx = (Math.PI / 180) * R * Math.cos(lat0), ky = (Math.PI / 180) * R;
    rings.forEach((r, i) => {
      let a = 0;
      for (let k = 0, j = r.length - 1; k < r.length; j = k++) a += (r[j]![0] - r[k]![0]) * kx * (r[j]![1] + r[k]![1]) * ky;
      s += (i === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return Math.round(s / 100) / 100;
}

export function exportWhere(filter: ExportFilter, what: ExportWhat | 'catalog'): { sql: string; params: (string | number)[] } {
  const w: string[] = [];
  const p: (string | number)[] = [];
  const add = (cond: string, v: string | number | undefined) => {
    if (v === undefined) return;
    w.push(cond);
    p.push(v);
  };
  add('s.campaign_id = ?', filter.campaign);
  add('s.cls = ?', filter.cls);
  add('s.id = ?', filter.site);
  if (what === 'labels' || what === 'catalog') {
    add('a.labeller_id = ?', filter.labeller);
    add('a.status = ?', filter.status);
  } else if (filter.labeller !== undefined || filter.status !== undefined) {
    throw new ApiError('BAD_ARGUMENTS', `export: --labeller and --status filter labels and the catalog, not the ${what} layer`);
  }
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', params: p };
}

/** Refuses an output path that would replace the database or land in a missing folder. */
export function checkOutPath(db: Db, out: string): string {
  const path = resolve(out);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ApiError('BAD_ARGUMENTS', `export: ${dir}: no such folder`);
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(realpathSync(dirname(p)), p.replace(/^.*[\\/]/, '')));
  const dbReal = real(db.name);
  const outReal = real(path);
  if ([dbReal, `${dbReal}-wal`, `${dbReal}-shm`, `${dbReal}-journal`].includes(outReal)) {
    throw new ApiError('BAD_ARGUMENTS', `export: --out ${out} is the campaign database itself`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new ApiError('BAD_ARGUMENTS', `export: --out ${out} is a folder`);
  return path;
}


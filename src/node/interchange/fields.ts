/**
 * Field list for writeGeoPackage from the properties of the features: every key seen, typed
 * BOOLEAN when all its non-null values are booleans, INTEGER when all are integers, REAL when all
 * are numbers, DATETIME when all are GeoPackage timestamps (YYYY-MM-DDTHH:MM:SS.sssZ), else
 * TEXT. Keys keep first-seen order; `fid` and `geom` (the GeoPackage's own columns) and keys
 * differing only in case from an earlier one (SQLite columns are case-insensitive) are left out.
 */
import type { GpkgField, GpkgFieldType } from './gpkg-write';

/** Only the GeoPackage DATETIME form, so that the text reads back unchanged. */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function kindOf(v: unknown): GpkgFieldType {
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'INTEGER' : 'REAL';
  if (v instanceof Date) return 'DATETIME';
  if (typeof v === 'string' && DATETIME.test(v)) return 'DATETIME';
  return 'TEXT';
}

export function inferFields(features: Iterable<{ properties: Record<string, unknown> | null | undefined }>): GpkgField[] {
  const types = new Map<string, GpkgFieldType | null>();
  const lower = new Set<string>(['fid', 'geom']);
  for (const f of features) {
    for (const [k, v] of Object.entries(f.properties ?? {})) {
      if (!types.has(k)) {
        if (k === '' || lower.has(k.toLowerCase())) continue;
        lower.add(k.toLowerCase());
        types.set(k, null);
      }
      if (v === null || v === undefined) continue;
      const was = types.get(k);
      const now = kindOf(v);
      if (was === null || was === undefined) types.set(k, now);
      else if (was !== now) types.set(k, (was === 'INTEGER' && now === 'REAL') || (was === 'REAL' && now === 'INTEGER') ? 'REAL' : 'TEXT');
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? 'TEXT' }));
}

/**
 * `GET /export/<what>.<format>` (staff only): the campaign's exports as files for the supervisor's
 * UI, the same writers as `fieldmark export` (src/node/store/export-*.ts). `what` is labels,
 * reference, consensus or catalog (with .csv); `format` geojson or gpkg. Query filters: status
 * (e.g. status=approved: exactly the approved work), class, labeller, site.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssignmentStatus, Caller, SiteClass } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { writeCatalogCsv } from '../store/catalog-csv';
import type { Db } from '../store/database';
import { EXPORT_LAYERS, type ExportFilter, type ExportWhat } from '../store/export-fields';
import { exportLayers } from '../store/export-labels';
import { fileAnswer, type TransferAnswer } from '../server/file-answer';

export interface ExportHost {
  /** The export file for `GET <url>` (host-neutral: src/node/server/file-answer.ts); dispose it once sent. */
  open(caller: Caller, url: URL): Promise<TransferAnswer>;
}

const STATUSES: AssignmentStatus[] = ['assigned', 'submitted', 'approved', 'rejected', 'untrusted', 'returned', 'abandoned'];
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function filterOf(q: URLSearchParams): ExportFilter {
  const f: ExportFilter = {};
  const status = q.get('status');
  if (status !== null) {
    if (!STATUSES.includes(status as AssignmentStatus)) throw new ApiError('BAD_ARGUMENTS', `export: status must be one of ${STATUSES.join(', ')}`);
    f.status = status as AssignmentStatus;
  }
  const cls = q.get('class');
  if (cls !== null) {
    if (!['1', '2', '4'].includes(cls)) throw new ApiError('BAD_ARGUMENTS', 'export: class must be 1, 2 or 4');
    f.cls = Number(cls) as SiteClass;
  }
  for (const k of ['labeller', 'site'] as const) {
    const v = q.get(k);
    if (v === null) continue;
    if (!ID.test(v)) throw new ApiError('BAD_ARGUMENTS', `export: bad ${k} id`);
    f[k] = v;
  }
  return f;
}

export function exportHost(s: { db: Db }): ExportHost {
  return {
    async open(caller, url) {
      if (caller.role !== 'admin' && caller.role !== 'supervisor') throw new ApiError('FORBIDDEN', 'exports are for supervisors');
      const m = /^\/export\/(labels|reference|consensus|catalog)\.(geojson|gpkg|csv)$/.exec(url.pathname);
      if (!m) throw new ApiError('NOT_FOUND', `no export ${url.pathname.slice(0, 80)} (try /export/labels.gpkg?status=approved)`);
      const [, what, format] = m as unknown as [string, string, 'geojson' | 'gpkg' | 'csv'];
      if ((what === 'catalog') !== (format === 'csv')) throw new ApiError('BAD_ARGUMENTS', 'export: the catalog is CSV, the layers GeoJSON or GeoPackage');
      const filter = filterOf(url.searchParams);
      const dir = mkdtempSync(join(tmpdir(), 'fm-export-'));
      const dispose = () => rmSync(dir, { recursive: true, force: true });
      try {
        const out = join(dir, `${what}.${format}`);
        if (format === 'csv') writeCatalogCsv(s.db, out, filter);
        else {
          if (!EXPORT_LAYERS.includes(what as ExportWhat)) throw new ApiError('NOT_FOUND', `no export layer ${what}`);
          await exportLayers(s.db, { format, what: [what as ExportWhat], out, filter });
        }
        const type = format === 'gpkg' ? 'application/geopackage+sqlite3' : format === 'csv' ? 'text/csv; charset=utf-8' : 'application/geo+json';
        return fileAnswer(out, statSync(out).size, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${what}${filter.status ? `-${filter.status}` : ''}.${format}"` }, dispose);
      } catch (e) {
        dispose();
        throw e;
      }
    },
  };
}

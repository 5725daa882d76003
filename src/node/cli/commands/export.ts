import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssignmentStatus, SiteClass } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/errors';
import { idSchema } from '../../../common/api/schemas';
import { writeCatalogCsv } from '../../store/catalog-csv';
import { openDatabase } from '../../store/database';
import { EXPORT_LAYERS, type ExportFilter, type ExportWhat } from '../../store/export-fields';
import { exportLayers } from '../../store/export-labels';
import { requireString } from '../args';
import type { CliCommand } from '../command';

const STATUSES: AssignmentStatus[] = ['assigned', 'submitted', 'approved', 'rejected', 'untrusted', 'returned', 'abandoned'];
const bad = (m: string) => new ApiError('BAD_ARGUMENTS', `export: ${m}`);

function filterOf(opts: Record<string, unknown>): ExportFilter {
  const f: ExportFilter = {};
  if (opts.class !== undefined) {
    const c = Number(opts.class);
    if (![1, 2, 4].includes(c) || !/^\d$/.test(String(opts.class))) throw bad(`--class must be 1, 2 or 4, got "${String(opts.class).slice(0, 20)}"`);
    f.cls = c as SiteClass;
  }
  if (opts.status !== undefined) {
    if (!STATUSES.includes(opts.status as AssignmentStatus)) throw bad(`--status must be one of ${STATUSES.join(', ')}`);
    f.status = opts.status as AssignmentStatus;
  }
  for (const k of ['labeller', 'site', 'campaign'] as const) {
    const v = opts[k];
    if (v === undefined) continue;
    if (!idSchema.safeParse(v).success) throw bad(`--${k} "${String(v).slice(0, 40)}" is not a valid id`);
    f[k] = v as string;
  }
  return f;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export labels, reference labels or consensus polygons (GeoJSON, GeoPackage) or the assignment catalog (CSV).',
  usage:
    '--db FILE --format geojson|gpkg|csv --out FILE [--what labels|reference|consensus|catalog] ' +
    '[--class 1|2|4] [--labeller ID] [--status S] [--site ID] [--campaign ID]',
  options: {
    db: { type: 'string', description: 'the campaign database' },
    format: { type: 'string', description: 'geojson (RFC 7946, one layer), gpkg (GeoPackage 1.3) or csv (with --what catalog)' },
    out: { type: 'string', description: 'the file to write (written to a temporary file, then renamed)' },
    what: { type: 'string', description: 'labels (default), reference, consensus; gpkg takes a comma list; catalog with csv' },
    class: { type: 'string', description: 'only sites of this class (1, 2 or 4)' },
    labeller: { type: 'string', description: "only this labeller's labels (labels, catalog)" },
    status: { type: 'string', description: `only assignments with this status (labels, catalog): ${STATUSES.join(', ')}` },
    site: { type: 'string', description: 'only this site' },
    campaign: { type: 'string', description: 'only this campaign' },
    precision: { type: 'string', description: 'GeoJSON decimal places (default 7, about 1 cm)' },
  },
  async run(opts, _pos, ctx) {
    const db = resolve(ctx.cwd, requireString(opts, 'db', 'export'));
    const out = resolve(ctx.cwd, requireString(opts, 'out', 'export'));
    const format = requireString(opts, 'format', 'export');
    if (!['geojson', 'gpkg', 'csv'].includes(format)) throw bad(`--format must be geojson, gpkg or csv, got "${format.slice(0, 20)}"`);
    const what = (typeof opts.what === 'string' ? opts.what : format === 'csv' ? 'catalog' : 'labels').split(',').map((s) => s.trim());
    if (format === 'csv' ? what.join() !== 'catalog' : what.some((w) => !EXPORT_LAYERS.includes(w as ExportWhat))) {
      throw bad(format === 'csv' ? '--format csv writes --what catalog' : `--what must be ${EXPORT_LAYERS.join(', ')} (catalog needs --format csv)`);
    }
    let precision = 7;
    if (opts.precision !== undefined) {
      precision = Number(opts.precision);
      if (!/^\d+$/.test(String(opts.precision)) || precision < 1 || precision > 15) throw bad('--precision must be an integer from 1 to 15');
    }
    const filter = filterOf(opts);
    if (!existsSync(db)) throw new ApiError('NOT_FOUND', `${db}: no such database`);
    const handle = openDatabase(db, { create: false });
    try {
      if (format === 'csv') {
        const r = writeCatalogCsv(handle, out, filter);
        return { value: { features: r.rows, rows: r.rows, path: r.path, format }, text: `wrote ${r.rows} assignment(s) to ${r.path}` };
      }
      const r = await exportLayers(handle, { format: format as 'geojson' | 'gpkg', what: what as ExportWhat[], out, filter, precision });
      const layers = r.layers.map((l) => `${l.name} ${l.features}${l.emptySkipped ? ` (${l.emptySkipped} empty left out)` : ''}`).join(', ');
      return { value: r, text: `wrote ${r.features} feature(s) to ${r.path} (${layers})` };
    } finally {
      handle.close();
    }
  },
};

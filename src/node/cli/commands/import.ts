import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import { readLabels } from '../../interchange/read-labels';
import { openDatabase } from '../../store/database';
import { checkImportOptions, importFeatures, type ImportOptions } from '../../store/import-labels';
import { requireString } from '../args';
import type { CliCommand } from '../command';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import label polygons (GeoJSON, GeoPackage, KML/KMZ, zipped shapefile) into a campaign, all or nothing.',
  usage:
    '--db FILE --labels FILE (--labeller ID | --labeller-field NAME | --reference) [--site ID | --site-field NAME] ' +
    '[--layer NAME] [--category ID] [--category-field NAME] [--create-labeller] [--strict]',
  options: {
    db: { type: 'string', description: 'the campaign database' },
    labels: { type: 'string', description: 'the file to import (reprojected to EPSG:4326; invalid polygons repaired or skipped)' },
    labeller: { type: 'string', description: 'the labeller whose work this is (an unknown id is refused without --create-labeller)' },
    'labeller-field': { type: 'string', description: 'take the labeller from this attribute of each feature instead' },
    'create-labeller': { type: 'boolean', description: 'create missing labellers as labeller accounts (no token)' },
    reference: { type: 'boolean', description: 'import expert reference labels of Class 1 sites instead of labeller work' },
    site: { type: 'string', description: 'attach every feature to this site (default: the site whose cell each feature overlaps)' },
    'site-field': { type: 'string', description: 'take the site from this attribute of each feature' },
    layer: { type: 'string', description: 'GeoPackage layer / shapefile name inside a zip (default: the first polygon layer)' },
    category: { type: 'string', description: "category of features without one (default: the campaign's first field category)" },
    'category-field': { type: 'string', description: 'attribute holding the category (default: category)' },
    strict: { type: 'boolean', description: 'refuse the whole file when any feature would be skipped' },
  },
  async run(opts, _pos, ctx) {
    const db = resolve(ctx.cwd, requireString(opts, 'db', 'import'));
    const file = resolve(ctx.cwd, requireString(opts, 'labels', 'import'));
    const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
    const o: ImportOptions = {};
    const set = <K extends keyof ImportOptions>(k: K, v: ImportOptions[K] | undefined) => {
      if (v !== undefined) o[k] = v;
    };
    set('labeller', str('labeller'));
    set('labellerField', str('labeller-field'));
    set('site', str('site'));
    set('siteField', str('site-field'));
    set('layer', str('layer'));
    set('category', str('category'));
    set('categoryField', str('category-field'));
    if (opts['create-labeller'] === true) o.createLabeller = true;
    if (opts.reference === true) o.reference = true;
    if (opts.strict === true) o.strict = true;
    checkImportOptions(o);
    if (!existsSync(db)) throw new ApiError('NOT_FOUND', `${db}: no such database (run \`fieldmark demo --out DIR\` to make one)`);
    // The file is read (and refused) before the database is opened: bad input never touches it.
    const read = await readLabels(file, o.layer !== undefined ? { layer: o.layer } : {});
    const handle = openDatabase(db, { create: false });
    try {
      const r = importFeatures(handle, read, file, o);
      const lines = [
        `imported ${r.imported} ${r.target === 'reference' ? 'reference labels' : 'labels'} into ${r.sites} site(s) from ${file}` +
          `${r.layer ? ` (layer ${r.layer})` : ''}, ${r.sourceCrs} -> EPSG:4326`,
      ];
      if (r.assignmentsCreated) lines.push(`created ${r.assignmentsCreated} assignment(s) (status submitted)`);
      if (r.labellersCreated.length) lines.push(`created labeller(s): ${r.labellersCreated.join(', ')}`);
      if (r.repaired.length) lines.push(`repaired ${r.repaired.length} feature(s)`);
      if (r.skipped.length) {
        lines.push(`skipped ${r.skipped.length} feature(s):`);
        for (const s of r.skipped.slice(0, 20)) lines.push(`  ${s.feature}: ${s.reason}`);
        if (r.skipped.length > 20) lines.push(`  ... and ${r.skipped.length - 20} more (--json lists them all)`);
      }
      return { value: r, text: lines.join('\n') };
    } finally {
      handle.close();
    }
  },
};

/**
 * The figures on real PlanetScope data (../shared/realdata, MANIFEST.md section 1): the Whittier
 * (Massachusetts) 4-band surface-reflectance chips of 10 dates with their UDM2 masks, and the 4
 * hand-digitised fields of `field_polygons_qgis_shapefile/whittier.*` (read with our shapefile
 * reader). Every field is clicked at its most interior point on every date; whole-chip proposals
 * give the recall at IoU > 0.5. Reported, not tuned for: the model never saw this data.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Polygon } from '../../../common/geo/geojson';
import { interiorPoint, iou } from '../../../common/suggest/geo';
import { readLabels } from '../../interchange/index';
import { openImage } from '../../imagery/open-image';
import { builtinModelsDir } from '../model-manifest';
import { nearestDates } from '../protocol';
import type { SuggestHost } from '../suggest-host';

export function realDataDir(): string | null {
  const env = process.env['FIELDMARK_REALDATA'];
  if (env && existsSync(env)) return env;
  const models = builtinModelsDir();
  const repo = models ? dirname(models) : process.cwd();
  const p = resolve(repo, '../shared/realdata');
  return existsSync(p) ? p : null;
}

export interface RealEval {
  chips: number;
  fields: number;
  clicks: number;
  medianIoU: number;
  meanIoU: number;
  /** per date: median IoU of the 4 fields */
  byDate: { date: string; medianIoU: number; ious: number[] }[];
  recall50: number;
  proposals: number;
}

/** `otherDates`: each chip with the series' other dates nearest it given as `also` (8 at most, as the app picks them). */
export async function evaluateWhittier(host: SuggestHost, root: string, model?: string, otherDates = false): Promise<RealEval | null> {
  const base = join(root, 'imagery/planetscope_whittier_MA');
  const shp = join(base, 'field_polygons_qgis_shapefile/whittier.shp');
  const series = join(base, 'utm19n_timeseries');
  if (!existsSync(shp) || !existsSync(series)) return null;
  const labels = await readLabels(shp);
  const fields: Polygon[] = labels.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry] : f.geometry.coordinates.map((c) => ({ type: 'Polygon' as const, coordinates: c }))));
  const chips = readdirSync(series).filter((f) => f.endsWith('_BGRN_SR_clip.tif')).sort();
  const all: number[] = [];
  const byDate: RealEval['byDate'] = [];
  let hits = 0, tried = 0, proposals = 0;
  const dateOf = (chip: string) => /_(\d{4}-\d{2}-\d{2})_/.exec(chip)?.[1] ?? chip;
  const maskOf = (chip: string) => {
    const m = join(series, chip.replace('_BGRN_SR_clip.tif', '_udm2_clip.tif'));
    return existsSync(m) ? m : null;
  };
  for (const chip of chips) {
    const image = join(series, chip);
    const mask = maskOf(chip);
    const also = otherDates ? nearestDates(chips.filter((c) => c !== chip).map((c) => ({ chip: c, date: dateOf(c) })), dateOf(chip)).map(({ chip: c }) => ({ image: join(series, c), mask: maskOf(c) })) : [];
    const date = dateOf(chip);
    const ious: number[] = [];
    for (const f of fields) {
      const [lon, lat] = interiorPoint(f);
      try {
        const r = await host.suggest({ image, mask, also, lon, lat, model });
        ious.push(iou(r.polygon, f));
      } catch {
        ious.push(0);
      }
    }
    all.push(...ious);
    const s = [...ious].sort((a, b) => a - b);
    byDate.push({ date, medianIoU: s[Math.floor(s.length / 2)] ?? 0, ious: ious.map((v) => Math.round(v * 1000) / 1000) });
    const img = await openImage(image);
    const bbox = img.bounds4326;
    await img.close();
    try {
      const props = (await host.propose({ image, mask, also, bbox, model })).proposals;
      proposals += props.length;
      for (const f of fields) {
        tried++;
        if (props.some((p) => iou(p.polygon, f) > 0.5)) hits++;
      }
    } catch {
      tried += fields.length;
    }
  }
  const sorted = [...all].sort((a, b) => a - b);
  return {
    chips: chips.length,
    fields: fields.length,
    clicks: all.length,
    medianIoU: sorted[Math.floor(sorted.length / 2)] ?? 0,
    meanIoU: all.reduce((a, v) => a + v, 0) / Math.max(1, all.length),
    byDate,
    recall50: tried ? hits / tried : 0,
    proposals,
  };
}

/**
 * `fieldmark compare --reference A --labels B [--cell C] [--edge-tolerance 9]`: scores one
 * labeller map against a reference map (DOMAIN.md 2). Files in any format readLabels reads,
 * each in its own CRS (reprojected to EPSG:4326). Without --cell the cell is the bounding box
 * of the reference map (of the labeller map when the reference is empty).
 */
import { resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import type { Polygon } from '../../../common/geo/geojson';
import { DEFAULT_EDGE_TOLERANCE_M, scoreAssignment } from '../../../common/quality';
import { categoriesFor, cellFromMaps, overlaps, readCellFile, readMapFile, type MapFile } from '../../quality/map-files';
import { toScores } from '../../quality/store-io';
import { requireString } from '../args';
import type { CliCommand } from '../command';

export function parseNumber(opts: Record<string, unknown>, name: string, command: string, [min, max]: [number, number], fallback: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const text = String(v);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new ApiError('BAD_ARGUMENTS', `${command}: --${name} must be a number, got "${text.slice(0, 40)}"`);
  if (n < min || n > max) throw new ApiError('BAD_ARGUMENTS', `${command}: --${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function listOption(opts: Record<string, unknown>, name: string): string[] | undefined {
  const v = opts[name];
  if (typeof v !== 'string') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Every feature of a non-empty file skipped: an error naming the first reason. */
export function requireSomeFeatures(m: MapFile): void {
  if (m.features.length === 0 && m.skipped.length > 0) {
    const s = m.skipped[0]!;
    throw new ApiError('BAD_INPUT', `${m.path}: no usable polygon (${m.skipped.length} feature(s) skipped; feature ${s.feature}: ${s.reason})`);
  }
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Score one labeller map against a reference map (area, fragmentation, edge, categorical, IoU, boundary F, ...).',
  usage: '--reference A --labels B [--cell C] [--edge-tolerance 9] [--pixel 1.5] [--field-categories a,b]',
  options: {
    reference: { type: 'string', description: 'the reference map (GeoJSON, GeoPackage, KML/KMZ, zipped shapefile)' },
    labels: { type: 'string', description: "the labeller's map (same formats; any CRS)" },
    cell: { type: 'string', description: 'a file whose first polygon is the task cell (default: the bounding box of the reference map)' },
    'edge-tolerance': { type: 'string', description: 'edge / boundary tolerance in metres (default 9)' },
    pixel: { type: 'string', description: 'raster pixel size in metres (default 1.5)' },
    'field-categories': { type: 'string', description: 'categories that are fields (default: annualcropland, fallow and unknown names)' },
  },
  async run(opts, _pos, ctx) {
    const refPath = resolve(ctx.cwd, requireString(opts, 'reference', 'compare'));
    const labPath = resolve(ctx.cwd, requireString(opts, 'labels', 'compare'));
    const tol = parseNumber(opts, 'edge-tolerance', 'compare', [0.01, 1000], DEFAULT_EDGE_TOLERANCE_M);
    const pixelM = parseNumber(opts, 'pixel', 'compare', [0.05, 100], 1.5);
    const [reference, labels] = [await readMapFile(refPath), await readMapFile(labPath)];
    requireSomeFeatures(reference);
    requireSomeFeatures(labels);
    let cell: Polygon;
    let cellSource: string;
    if (typeof opts.cell === 'string') {
      cell = await readCellFile(resolve(ctx.cwd, opts.cell));
      cellSource = 'file';
    } else {
      cell = cellFromMaps([reference, labels], 'compare');
      cellSource = reference.bbox ? 'reference-bbox' : 'labels-bbox';
    }
    const { categories, notes } = categoriesFor([reference, labels], listOption(opts, 'field-categories'));
    if (!overlaps(reference.bbox, labels.bbox)) {
      notes.push(`the maps do not overlap at all (reference read as ${reference.crs}, labels as ${labels.crs}): check that each file declares its CRS`);
    }
    for (const m of [reference, labels]) if (m.skipped.length > 0) notes.push(`${m.path}: ${m.skipped.length} feature(s) skipped (first: ${m.skipped[0]!.feature}: ${m.skipped[0]!.reason})`);
    let r;
    try {
      r = scoreAssignment({ reference: reference.features, labels: labels.features, cell, categories, edgeToleranceM: tol, pixelM });
    } catch (e) {
      if (e instanceof RangeError) throw new ApiError('BAD_INPUT', `compare: ${cellSource === 'file' ? `${opts.cell}: ` : ''}${e.message}`);
      throw e;
    }
    for (const n of notes) ctx.say(`note: ${n}`);
    const value = {
      ...toScores(r),
      nReference: r.nReference,
      nLabels: r.nLabels,
      matched: r.matched,
      objectMatches: r.objectMatches,
      areas: r.areas,
      edgeToleranceM: tol,
      pixelM: r.pixelM,
      cell: cellSource,
      crs: { reference: reference.crs, labels: labels.crs },
      skipped: { reference: reference.skipped.length, labels: labels.skipped.length },
      repair: r.repair,
      notes,
    };
    const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
    const text = [
      `score ${f(r.score)}  (area ${f(r.area)}, fragmentation ${f(r.fragmentation)}, edge ${f(r.edge)}, categorical ${f(r.categorical)}; legacyEdge ${f(r.legacyEdge)})`,
      `fieldSkill ${f(r.fieldSkill)}  noFieldSkill ${f(r.noFieldSkill)}  IoU ${f(r.iou)}  F1 ${f(r.f1)}`,
      `objects: precision ${f(r.objectPrecision)} recall ${f(r.objectRecall)} F1 ${f(r.objectF1)} (${r.objectMatches} matches of ${r.nReference} reference / ${r.nLabels} labelled)`,
      `boundary F ${f(r.boundaryF)} at ${tol} m; distance mean ${f(r.meanBoundaryDistance)} m, p95 ${f(r.p95BoundaryDistance)} m`,
      `over-segmentation ${f(r.overSegmentation)}  under-segmentation ${f(r.underSegmentation)}`,
    ].join('\n');
    return { value, text };
  },
};

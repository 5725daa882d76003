/**
 * `fieldmark consensus`: merges several labellers' maps of one site (DOMAIN.md 3), from files:
 *   consensus --labels A B C... [--weights q1,q2,...] [--skills fs1:nfs1,...] [--method bayes|staple|majority]
 *             [--cell C] [--pixels 200] --out DIR
 * writes DIR/consensus.geojson and DIR/risk.tif (float32 COG). Without --cell the cell is the
 * bounding box of all maps. Or for every Class 4 site of a campaign:
 *   consensus --db FILE [--method ...] [--pixels 200]
 * (src/node/quality/consensus-campaign.ts: weights from each labeller's Class 1 history).
 */
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import { DEFAULT_RISK_THRESHOLD, mergeSite, type LabellerInput, type MergeMethod } from '../../../common/consensus';
import type { Polygon } from '../../../common/geo/geojson';
import { writeGeoJson } from '../../interchange';
import { consensusCampaign } from '../../quality/consensus-campaign';
import { bboxUnion, categoriesFor, overlaps, readCellFile, readMapFile, type MapFile } from '../../quality/map-files';
import { writeRiskCog } from '../../quality/risk-cog';
import { openDatabase } from '../../store/database';
import { optionalInt } from '../args';
import type { CliCommand, CliContext } from '../command';
import { listOption, parseNumber, requireSomeFeatures } from './compare';

const METHODS: MergeMethod[] = ['bayes', 'staple', 'majority'];

function methodOf(opts: Record<string, unknown>): MergeMethod {
  const m = opts.method ?? 'bayes';
  if (!METHODS.includes(m as MergeMethod)) throw new ApiError('BAD_ARGUMENTS', `consensus: --method must be bayes, staple or majority, got "${String(m).slice(0, 40)}"`);
  return m as MergeMethod;
}

function unit(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new ApiError('BAD_ARGUMENTS', `consensus: ${what} must be numbers in [0, 1], got "${text.slice(0, 40)}"`);
  return n;
}

async function fromDb(path: string, opts: Record<string, unknown>, ctx: CliContext) {
  const db = openDatabase(path, { create: false });
  try {
    let bar: ReturnType<typeof ctx.progress> | null = null;
    let last = 0;
    const r = await consensusCampaign(db, {
      method: methodOf(opts),
      pixels: optionalInt(opts as Record<string, string>, 'pixels', 'consensus', [8, 4096], 200),
      riskThreshold: parseNumber(opts, 'risk-threshold', 'consensus', [0, 0.5], DEFAULT_RISK_THRESHOLD),
      onProgress: (done, total) => {
        bar ??= ctx.progress('consensus', total);
        bar.tick(done - last);
        last = done;
      },
    });
    (bar as ReturnType<typeof ctx.progress> | null)?.done();
    for (const n of r.notes) ctx.say(`note: ${n}`);
    const risks = r.sites.map((s) => s.meanRisk).sort((a, b) => a - b);
    const median = risks.length ? risks[Math.floor((risks.length - 1) / 2)]! : null;
    return {
      value: { ...r, merged: r.sites.length, medianMeanRisk: median },
      text: `consensus (${r.method}) of ${r.sites.length} Class 4 sites; median site mean risk ${median === null ? 'n/a' : median.toFixed(3)}; ${r.skipped.length} skipped`,
    };
  } finally {
    db.close();
  }
}

export const consensusCommand: CliCommand = {
  name: 'consensus',
  summary: "Merge several labellers' maps of a site into a consensus with a risk map (or every Class 4 site of a campaign with --db).",
  usage: '--labels A B C... [--weights q1,q2,...] [--skills fs1:nfs1,...] [--method bayes|staple|majority] [--cell C] [--pixels 200] --out DIR | --db FILE [--method ...]',
  allowPositionals: true,
  options: {
    labels: { type: 'string', description: "the labellers' maps (files; more follow as plain arguments)" },
    weights: { type: 'string', description: "the labellers' mean Class 1 scores Q, comma-separated, in --labels order" },
    skills: { type: 'string', description: 'fieldSkill:noFieldSkill per labeller, comma-separated (Bayes weights, STAPLE priors)' },
    method: { type: 'string', description: 'bayes (default), staple or majority' },
    cell: { type: 'string', description: 'a file whose first polygon is the site cell (default: the bounding box of all maps)' },
    pixels: { type: 'string', description: 'grid side in pixels (default 200)' },
    'risk-threshold': { type: 'string', description: 'risky fraction threshold on r = min(C, 1-C) (default 0.34)' },
    out: { type: 'string', description: 'output folder for consensus.geojson and risk.tif' },
    db: { type: 'string', description: 'a campaign database: merge every Class 4 site' },
  },
  async run(opts, positionals, ctx) {
    if (typeof opts.db === 'string') {
      if (opts.labels !== undefined || positionals.length > 0) throw new ApiError('BAD_ARGUMENTS', 'consensus: give either --db or --labels, not both');
      return fromDb(resolve(ctx.cwd, opts.db), opts, ctx);
    }
    const files = [...(typeof opts.labels === 'string' ? [opts.labels] : []), ...positionals].map((p) => resolve(ctx.cwd, p));
    if (files.length === 0) throw new ApiError('BAD_ARGUMENTS', 'consensus: --labels A B C... (or --db FILE) is required');
    if (typeof opts.out !== 'string' || opts.out === '') throw new ApiError('BAD_ARGUMENTS', 'consensus: --out DIR is required');
    const method = methodOf(opts);
    const pixels = optionalInt(opts as Record<string, string>, 'pixels', 'consensus', [8, 4096], 200);
    const threshold = parseNumber(opts, 'risk-threshold', 'consensus', [0, 0.5], DEFAULT_RISK_THRESHOLD);
    const weights = listOption(opts, 'weights')?.map((w) => unit(w, '--weights'));
    const skills = listOption(opts, 'skills')?.map((s) => {
      const parts = s.split(':');
      if (parts.length !== 2) throw new ApiError('BAD_ARGUMENTS', `consensus: --skills entries are fieldSkill:noFieldSkill, got "${s.slice(0, 40)}"`);
      return [unit(parts[0]!, '--skills'), unit(parts[1]!, '--skills')] as const;
    });
    if (weights && weights.length !== files.length) throw new ApiError('BAD_ARGUMENTS', `consensus: ${weights.length} --weights for ${files.length} label files`);
    if (skills && skills.length !== files.length) throw new ApiError('BAD_ARGUMENTS', `consensus: ${skills.length} --skills for ${files.length} label files`);
    const maps: MapFile[] = [];
    for (const f of files) {
      const m = await readMapFile(f);
      requireSomeFeatures(m);
      maps.push(m);
    }
    const { categories, notes } = categoriesFor(maps);
    let cell: Polygon;
    if (typeof opts.cell === 'string') cell = await readCellFile(resolve(ctx.cwd, opts.cell));
    else {
      const b = bboxUnion(maps);
      if (!b || !(b[2] > b[0] && b[3] > b[1])) throw new ApiError('BAD_INPUT', 'consensus: no map holds a polygon and no --cell was given: nothing to merge');
      cell = { type: 'Polygon', coordinates: [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]] };
    }
    maps.forEach((m, i) => {
      if (m.bbox && maps.some((o, j) => j !== i && o.bbox && !overlaps(m.bbox, o.bbox))) notes.push(`${m.path} (read as ${m.crs}) does not overlap every other map: check the CRS of each file`);
      if (m.skipped.length > 0) notes.push(`${m.path}: ${m.skipped.length} feature(s) skipped (first: ${m.skipped[0]!.feature}: ${m.skipped[0]!.reason})`);
    });
    const names = files.map((f) => basename(f));
    const labellers: LabellerInput[] = maps.map((m, i) => ({
      id: names.filter((n) => n === names[i]).length > 1 ? `${i + 1}:${names[i]}` : names[i]!,
      features: m.features,
      ...(weights ? { q: weights[i]! } : {}),
      ...(skills ? { fieldSkill: skills[i]![0], noFieldSkill: skills[i]![1] } : {}),
    }));
    let r;
    try {
      r = mergeSite({ labellers, cell, method, pixels, riskThreshold: threshold, categories });
    } catch (e) {
      if (e instanceof RangeError) throw new ApiError('BAD_INPUT', `consensus: ${e.message}`);
      throw e;
    }
    const outDir = resolve(ctx.cwd, opts.out);
    mkdirSync(outDir, { recursive: true });
    const consensusPath = join(outDir, 'consensus.geojson');
    const riskPath = join(outDir, 'risk.tif');
    await writeGeoJson(consensusPath, r.consensus.map((geometry, i) => ({ id: i + 1, geometry, properties: { method, field: 1 } })));
    await writeRiskCog(riskPath, r.grid, `consensus risk (${method})`);
    const all = [...notes, ...r.notes];
    for (const n of all) ctx.say(`note: ${n}`);
    const value = {
      meanRisk: r.meanRisk,
      riskyFraction: r.riskyFraction,
      meanEntropy: r.meanEntropy,
      riskThreshold: r.riskThreshold,
      method,
      ...(r.iterations !== undefined ? { iterations: r.iterations, converged: r.converged, sensitivity: r.sensitivity, specificity: r.specificity } : {}),
      polygons: r.consensus.length,
      consensus: consensusPath,
      risk: riskPath,
      labellers: r.labellers,
      crs: Object.fromEntries(maps.map((m, i) => [labellers[i]!.id, m.crs])),
      notes: all,
    };
    return {
      value,
      text: `consensus (${method}) of ${files.length} maps: ${r.consensus.length} polygons, mean risk ${r.meanRisk.toFixed(3)}, risky fraction ${r.riskyFraction.toFixed(3)}\n${consensusPath}\n${riskPath}`,
    };
  },
};

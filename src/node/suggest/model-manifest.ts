/**
 * Model folders (models/README.md): `<dir>/<id>/model.json` + its ONNX file(s). Reads and checks
 * the manifest (zod), the files it names and their sha256, so that a missing, corrupt or
 * replaced model is refused with one clear line. Kinds: 'boundary' (ours: one ONNX, boundary +
 * extent maps, plus the region-merging post-processing) and 'sam' (a SAM-family encoder + decoder
 * pair, DOMAIN.md 4). Folders are searched in: the repository's / app's `models/`, every folder
 * of FIELDMARK_MODELS (path-list), and extra folders (a campaign's retrained models).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ApiError } from '../../common/api/errors';

const denseNet = z.object({
  sizes: z.array(z.number().int().positive()).min(2),
  W: z.array(z.array(z.number())),
  b: z.array(z.array(z.number())),
  mean: z.array(z.number()),
  std: z.array(z.number()),
});

const fileRef = z.object({ file: z.string().min(1).regex(/^[^/\\]+$/, 'a file name inside the model folder'), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const common = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  version: z.string().min(1),
  description: z.string().optional(),
  license: z.string().optional(),
  made: z.record(z.string(), z.unknown()).optional(),
  validation: z.record(z.string(), z.unknown()).optional(),
};

export const boundaryManifestSchema = z.object({
  ...common,
  kind: z.literal('boundary'),
  ...fileRef.shape,
  inputs: z.object({ name: z.string(), bands: z.array(z.string()).length(4), channels: z.array(z.string()) }),
  outputs: z.object({ name: z.string(), channels: z.tuple([z.literal('boundary'), z.literal('extent')]) }),
  /** the raw network weights (weights.json), for retraining */
  weights: fileRef.optional(),
  normalisation: z.object({ method: z.literal('window-robust'), reflectanceScale: z.number().positive(), cloudReflectance: z.number().positive(), description: z.string().optional() }),
  window: z.object({
    size: z.number().int().min(64).max(4096),
    pixelSizeM: z.tuple([z.number(), z.number()]),
    /** imagery coarser than aboveM (m) is resampled (bilinear) to toM before the model */
    resample: z.object({ aboveM: z.number().positive(), toM: z.number().positive() }).optional(),
  }),
  postprocess: z.object({
    core: z.number(),
    neck: z.number(),
    minCore: z.number(),
    threshold: z.number(),
    maxArea: z.number(),
    merge: denseNet.nullable(),
  }),
});

export const samManifestSchema = z.object({
  ...common,
  kind: z.literal('sam'),
  encoder: fileRef.extend({ input: z.string().default('image'), output: z.string().default('image_embeddings'), layout: z.enum(['NCHW', 'HWC']).default('NCHW') }),
  decoder: fileRef,
  imageSize: z.number().int().positive().default(1024),
  normalisation: z.object({ mean: z.tuple([z.number(), z.number(), z.number()]), std: z.tuple([z.number(), z.number(), z.number()]) }),
  bands: z.tuple([z.string(), z.string(), z.string()]).default(['red', 'green', 'blue']),
});

export const manifestSchema = z.discriminatedUnion('kind', [boundaryManifestSchema, samManifestSchema]);
export type BoundaryManifest = z.infer<typeof boundaryManifestSchema>;
export type SamManifest = z.infer<typeof samManifestSchema>;
export type ModelManifest = z.infer<typeof manifestSchema>;

export interface ModelEntry {
  manifest: ModelManifest;
  dir: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The repository's (or installed app's) models/ folder, found from this module or the bundle. */
export function builtinModelsDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../models', '../../models', '../../../models', '../../../../models']) {
    const p = resolve(here, rel);
    if (existsSync(join(p, 'README.md')) || existsSync(join(p, 'boundary-v1'))) return p;
  }
  return null;
}

export function modelDirs(extra: readonly string[] = []): string[] {
  const dirs = [...extra];
  const env = process.env['FIELDMARK_MODELS'];
  if (env) dirs.push(...env.split(delimiter).filter(Boolean));
  const b = builtinModelsDir();
  if (b) dirs.push(b);
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** Reads and checks `<dir>/model.json`; throws ApiError BAD_INPUT naming the file and the problem. */
export function readManifest(dir: string): ModelEntry {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) throw new ApiError('BAD_INPUT', `${file}: model manifest missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ApiError('BAD_INPUT', `${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ApiError('BAD_INPUT', `${file}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  return { manifest: r.data, dir };
}

/** The bytes of a model file, checked against the manifest's sha256. */
export function readModelFile(entry: ModelEntry, ref: { file: string; sha256: string }): Uint8Array {
  const p = join(entry.dir, ref.file);
  if (!existsSync(p) || !statSync(p).isFile()) throw new ApiError('BAD_INPUT', `model ${entry.manifest.id}: ${p} is missing`);
  const bytes = new Uint8Array(readFileSync(p));
  const got = sha256(bytes);
  if (got !== ref.sha256) throw new ApiError('BAD_INPUT', `model ${entry.manifest.id}: ${p} does not match its manifest (sha256 ${got.slice(0, 12)}..., expected ${ref.sha256.slice(0, 12)}...): corrupt or replaced`);
  return bytes;
}

export interface ModelListing {
  models: ModelEntry[];
  /** folders with a model.json that could not be read, and why */
  broken: { dir: string; problem: string }[];
}

export function listModels(dirs: readonly string[]): ModelListing {
  const models: ModelEntry[] = [], broken: { dir: string; problem: string }[] = [];
  const seen = new Set<string>();
  for (const root of dirs) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'model.json'))) continue;
      try {
        const e = readManifest(dir);
        if (seen.has(e.manifest.id)) continue; // earlier folders win
        seen.add(e.manifest.id);
        models.push(e);
      } catch (err) {
        broken.push({ dir, problem: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { models, broken };
}

export function findModel(listing: ModelListing, id: string): ModelEntry {
  const m = listing.models.find((e) => e.manifest.id === id);
  if (m) return m;
  const bad = listing.broken.find((b) => b.dir.endsWith(`/${id}`) || b.dir.endsWith(`\\${id}`));
  if (bad) throw new ApiError('BAD_INPUT', bad.problem);
  const known = listing.models.map((e) => e.manifest.id).join(', ') || 'none';
  throw new ApiError('NOT_FOUND', `no model "${id}" (available: ${known})`);
}

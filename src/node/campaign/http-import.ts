/**
 * Uploads into the campaign (staff only; a labeller gets FORBIDDEN before any byte is read), the
 * file as the request body (application/octet-stream), host-neutral (src/node/server/file-answer.ts):
 *  - `POST /import/labels?name=F.geojson&reference=1&category=C&labeller=ID&...` → `importLabels`
 *    (the ImportLabelsOptions: labeller, labellerField, createLabeller, reference, site,
 *    siteField, layer, category, categoryField, strict); .geojson .json .gpkg .kml .kmz .zip;
 *  - `POST /import/sites?name=F.csv&country=GH&cls=2|q=0.1&n=0.1&seed=1&qualification=1&maxSites=N`
 *    → `addSites({area: {file}})` (GeoJSON polygons / points, or a CSV of centres);
 *  - `POST /import/scene?name=S.tif&date=YYYY-MM-DD&season=&kind=&id=&bands=blue,green,red,nir`
 *    → `addScene`: the GeoTIFF (checked by its magic bytes) is kept in `<db folder>/<db name>.scenes/`
 *    under a name no other file has, stored relative to the database's folder.
 * Every parameter is checked against the method's schema before the upload is read. Files go to
 * a private temporary folder under their original name (so messages name the user's file, never
 * a server path), size-limited (2 GiB), always removed. The call goes through `dispatch` with the
 * caller's API, so the answer is the API envelope with the error code's HTTP status.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Caller, FieldmarkApi, MethodName } from '../../common/api/contract';
import { dispatch, type Envelope } from '../../common/api/dispatch';
import { ApiError, HTTP_STATUS } from '../../common/api/errors';
import { METHODS } from '../../common/api/schemas';
import type { Db } from '../store/database';
import { jsonAnswer, receiveUpload, type TransferAnswer, type TransferRequest } from '../server/file-answer';

export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export interface ImportHost {
  /** Answers `POST /import/<kind>` (see the module comment). */
  handle(req: TransferRequest, opts?: { maxBytes?: number }): Promise<TransferAnswer>;
}

type Kind = 'labels' | 'sites' | 'scene';
type Param = { key: string; type: 'bool' | 'text' | 'int' | 'number' | 'list' };

const EXTENSIONS: Record<Kind, RegExp> = {
  labels: /\.(geojson|json|gpkg|kml|kmz|zip)$/i,
  sites: /\.(geojson|json|csv)$/i,
  scene: /\.(tiff?)$/i,
};
const EXTENSION_TEXT: Record<Kind, string> = { labels: '.geojson, .json, .gpkg, .kml, .kmz or .zip', sites: '.geojson, .json or .csv', scene: '.tif or .tiff' };

const PARAMS: Record<Kind, Param[]> = {
  labels: [
    { key: 'reference', type: 'bool' },
    { key: 'labeller', type: 'text' },
    { key: 'labellerField', type: 'text' },
    { key: 'createLabeller', type: 'bool' },
    { key: 'site', type: 'text' },
    { key: 'siteField', type: 'text' },
    { key: 'layer', type: 'text' },
    { key: 'category', type: 'text' },
    { key: 'categoryField', type: 'text' },
    { key: 'strict', type: 'bool' },
  ],
  sites: [
    { key: 'country', type: 'text' },
    { key: 'cls', type: 'int' },
    { key: 'q', type: 'number' },
    { key: 'n', type: 'number' },
    { key: 'seed', type: 'int' },
    { key: 'qualification', type: 'bool' },
    { key: 'maxSites', type: 'int' },
  ],
  scene: [
    { key: 'date', type: 'text' },
    { key: 'season', type: 'text' },
    { key: 'kind', type: 'text' },
    { key: 'id', type: 'text' },
    { key: 'bands', type: 'list' },
  ],
};

const METHOD: Record<Kind, MethodName> = { labels: 'importLabels', sites: 'addSites', scene: 'addScene' };

/** A plain file name: no folder parts, no control or reserved characters, not hidden. */
const PLAIN_NAME = /^[^\\/\u0000-\u001f:*?"<>|]{1,200}$/;

function bad(kind: Kind, message: string): ApiError {
  return new ApiError('BAD_ARGUMENTS', `import ${kind}: ${message}`);
}

/** The query as typed values (every key known, every value of its type), and the file name. */
export function parseImportQuery(kind: Kind, q: URLSearchParams): { name: string; values: Record<string, unknown> } {
  const known = new Map(PARAMS[kind].map((p) => [p.key, p]));
  const values: Record<string, unknown> = {};
  let name: string | null = null;
  for (const [key, raw] of q) {
    if (key === 'token') continue; // the network server's ?token=
    const show = raw.slice(0, 40).replace(/[\u0000-\u001f]/g, '?');
    if (key === 'name') {
      if (name !== null) throw bad(kind, 'give name once');
      name = raw;
      continue;
    }
    const p = known.get(key);
    if (!p) throw bad(kind, `unknown parameter "${key.slice(0, 40)}" (known: name, ${[...known.keys()].join(', ')})`);
    if (key in values) throw bad(kind, `give ${key} once`);
    if (p.type === 'bool') {
      if (!['1', '0', 'true', 'false'].includes(raw)) throw bad(kind, `${key} must be 1 or 0, got "${show}"`);
      values[key] = raw === '1' || raw === 'true';
    } else if (p.type === 'int') {
      if (!/^\d{1,10}$/.test(raw)) throw bad(kind, `${key} must be a whole number, got "${show}"`);
      values[key] = Number(raw);
    } else if (p.type === 'number') {
      if (!/^\d{1,3}(\.\d{1,12})?$/.test(raw)) throw bad(kind, `${key} must be a number, got "${show}"`);
      values[key] = Number(raw);
    } else if (p.type === 'list') {
      values[key] = raw.split(',').map((s) => s.trim());
    } else values[key] = raw;
  }
  if (name === null) throw bad(kind, 'name (the file name, e.g. name=fields.geojson) is missing');
  if (!PLAIN_NAME.test(name) || name.startsWith('.') || name.trim() !== name) throw bad(kind, `name "${name.slice(0, 60).replace(/[\u0000-\u001f]/g, '?')}" must be a plain file name without folders`);
  if (!EXTENSIONS[kind].test(name)) throw bad(kind, `${name}: not a ${EXTENSION_TEXT[kind]} file`);
  return { name, values };
}

/** The method's arguments for an uploaded file at `path`. */
function argsOf(kind: Kind, path: string, v: Record<string, unknown>): unknown[] {
  if (kind === 'labels') return [path, v];
  if (kind === 'sites') {
    const { q, n, ...rest } = v;
    const shares = q !== undefined || n !== undefined ? { ...(q !== undefined ? { q } : {}), ...(n !== undefined ? { n } : {}) } : undefined;
    return [{ area: { file: path }, ...rest, ...(shares ? { shares } : {}) }];
  }
  const { bands, ...rest } = v;
  return [path, { ...rest, ...(bands ? { bandRoles: bands } : {}) }];
}

/** The method's schema over the arguments (with a stand-in path), so bad parameters are refused before the upload is read. */
function checkArgs(kind: Kind, name: string, v: Record<string, unknown>): void {
  if (kind === 'labels' && v['reference'] !== true && (v['labeller'] === undefined) === (v['labellerField'] === undefined)) {
    throw bad(kind, 'give labeller=ID (or labellerField=ATTRIBUTE), or reference=1 for reference labels');
  }
  if (kind === 'labels' && v['reference'] === true && (v['labeller'] !== undefined || v['labellerField'] !== undefined)) throw bad(kind, 'reference labels take no labeller');
  if (kind === 'scene' && v['date'] === undefined) throw bad(kind, 'date=YYYY-MM-DD (the acquisition date) is missing');
  if (kind === 'sites' && v['country'] === undefined) throw bad(kind, 'country (a two-letter code, e.g. country=GH) is missing');
  const parsed = METHODS[METHOD[kind]].args.safeParse(argsOf(kind, `/upload/${name}`, v));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p) => typeof p === 'string' && p !== 'area' && p !== 'shares');
    throw bad(kind, `${path.length ? `${path.join('.')}: ` : ''}${issue.message}`);
  }
}

const TIFF_MAGIC = ['49492a00', '4d4d002a', '49492b00', '4d4d002b'];

function isTiff(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && TIFF_MAGIC.includes(b.toString('hex'));
  } finally {
    closeSync(fd);
  }
}

/** `<db folder>/<db name>.scenes`, where uploaded scenes live (relative paths resolve from the db folder). */
export function scenesFolder(dbPath: string): { dir: string; rel: string } {
  const full = resolve(dbPath);
  const rel = `${basename(full).replace(/\.[^.]*$/, '') || 'campaign'}.scenes`;
  return { dir: join(dirname(full), rel), rel };
}

/** Moves the upload to a name no file has yet (stem, stem-2, ...); never overwrites. */
function keepScene(tmp: string, dir: string, stem: string): string {
  for (let k = 1; k < 10_000; k++) {
    const name = `${k === 1 ? stem : `${stem}-${k}`}.tif`;
    try {
      linkSync(tmp, join(dir, name));
      rmSync(tmp, { force: true });
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new ApiError('CONFLICT', `import scene: too many files named ${stem}*.tif in the scenes folder`);
}

/** Hides the server's temporary paths in messages: only the user's file name remains. */
function scrub(env: Envelope, dir: string): Envelope {
  if (env.ok) return env;
  return { ok: false, error: { ...env.error, message: env.error.message.split(dir + sep).join('').split(dir).join('') } };
}

export function importHost(s: { db: Db; as(caller: Caller): FieldmarkApi }): ImportHost {
  return {
    async handle(req, opts = {}) {
      const { caller, url } = req;
      const m = /^\/import\/(labels|sites|scene)$/.exec(url.pathname);
      if (!m) throw new ApiError('NOT_FOUND', `no import ${url.pathname.slice(0, 80)} (POST /import/labels, /import/sites or /import/scene)`);
      const kind = m[1] as Kind;
      if (req.method !== 'POST') throw bad(kind, 'use POST with the file as the body');
      if (caller.role !== 'admin' && caller.role !== 'supervisor') throw new ApiError('FORBIDDEN', 'imports are for supervisors');
      const { name, values } = parseImportQuery(kind, url.searchParams);
      checkArgs(kind, name, values);
      const limit = opts.maxBytes ?? MAX_UPLOAD_BYTES;
      const what = `import ${kind}: ${name}`;
      const api = s.as(caller);

      if (kind === 'scene') {
        const folder = scenesFolder(s.db.name);
        mkdirSync(folder.dir, { recursive: true });
        const tmp = join(folder.dir, `.upload-${randomBytes(8).toString('hex')}.part`);
        let kept: string | null = null;
        try {
          await receiveUpload(req, tmp, limit, what);
          if (!isTiff(tmp)) throw new ApiError('BAD_INPUT', `${name}: not a GeoTIFF (the file does not start with a TIFF header)`);
          const id = values['id'];
          const stem = (typeof id === 'string' ? id : name.replace(/\.tiff?$/i, '')).replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100) || 'scene';
          kept = keepScene(tmp, folder.dir, stem);
          // the scene id is the stem (or id=), whatever name the file had to take on disk
          const env = await dispatch(api, caller, 'addScene', argsOf(kind, `${folder.rel}/${kept}`, { ...values, id: typeof id === 'string' ? id : stem }));
          if (env.ok) kept = null; // the catalog holds it now
          return jsonAnswer(env.ok ? 200 : (HTTP_STATUS[env.error.code] ?? 500), env);
        } finally {
          rmSync(tmp, { force: true });
          if (kept) rmSync(join(folder.dir, kept), { force: true });
        }
      }

      const dir = mkdtempSync(join(tmpdir(), 'fm-import-'));
      try {
        const file = join(dir, name);
        await receiveUpload(req, file, limit, what);
        const env = scrub(await dispatch(api, caller, METHOD[kind], argsOf(kind, file, values)), dir);
        return jsonAnswer(env.ok ? 200 : (HTTP_STATUS[env.error.code] ?? 500), env);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

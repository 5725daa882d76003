/**
 * `fieldmark campaign create|sites|scene|qualification|info`: campaign setup from a terminal,
 * through the same API methods (and argument checks) the supervisor's UI uses, as the local admin.
 * Reference labels of Class 1 sites: `fieldmark import --reference`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Caller, MethodName } from '../../../common/api/contract';
import { unwrap } from '../../../common/api/client';
import { dispatch } from '../../../common/api/dispatch';
import { ApiError } from '../../../common/api/errors';
import { openService } from '../../service/open-service';
import { requireString } from '../args';
import type { CliCommand } from '../command';

const ADMIN: Caller = { userId: null, role: 'admin' };
const SUBS = ['create', 'sites', 'scene', 'qualification', 'info'];
const bad = (m: string) => new ApiError('BAD_ARGUMENTS', `campaign: ${m}`);
type Opts = Record<string, string | boolean | string[] | undefined>;

function num(opts: Opts, name: string): number | undefined {
  const v = opts[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw bad(`--${name} must be a number, got "${String(v).slice(0, 20)}"`);
  return n;
}

function numbers(text: string, n: number, what: string): number[] {
  const parts = text.split(',').map(Number);
  if (parts.length !== n || parts.some((x) => !Number.isFinite(x))) throw bad(`${what} must be ${n} comma-separated numbers`);
  return parts;
}

function settingsOf(opts: Opts, cwd: string): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (typeof opts.settings === 'string') {
    const file = resolve(cwd, opts.settings);
    try {
      Object.assign(s, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    } catch (e) {
      throw new ApiError('BAD_INPUT', `${file}: cannot read the settings JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (typeof opts.categories === 'string') {
    s.categories = opts.categories.split(',').map((c) => {
      const [id, group] = c.split(':').map((x) => x.trim());
      if (!id || (group !== 'field' && group !== 'no_field')) throw bad(`--categories takes id:field or id:no_field items, got "${c.slice(0, 40)}"`);
      return { id, group };
    });
  }
  if (typeof opts.weights === 'string') {
    const [area, fragmentation, edge, categorical] = numbers(opts.weights, 4, '--weights (area,fragmentation,edge,categorical)');
    s.weights = { area, fragmentation, edge, categorical };
  }
  const map: [string, string][] = [
    ['q-rate', 'qRate'],
    ['trust-threshold', 'trustThreshold'],
    ['reject-below', 'rejectBelow'],
    ['min-area', 'minFieldAreaM2'],
    ['labellers-per-class4', 'labellersPerClass4'],
    ['pass-score', 'qualificationPassScore'],
    ['timeout-hours', 'taskTimeoutHours'],
    ['offline-hours', 'offlineTimeoutHours'],
  ];
  for (const [flag, key] of map) {
    const v = num(opts, flag);
    if (v !== undefined) s[key] = v;
  }
  return s;
}

export const campaignCommand: CliCommand = {
  name: 'campaign',
  summary: 'Campaign setup: create, sites (grid cells over an area, or centres), scene, qualification (set), info.',
  usage:
    'create --db FILE --name N [--id ID] [--settings FILE.json] [--categories id:field,...] [--q-rate R] [--trust-threshold T] [--labellers-per-class4 N] [--min-area M2] [--timeout-hours H] | ' +
    'sites --db FILE --country CC (--bbox W,S,E,N | --file FILE.geojson|csv) [--class 1|2|4 | --q-share S --n-share S] [--seed N] [--qualification] | ' +
    'scene --db FILE --image FILE|URL --date YYYY-MM-DD [--mask FILE] [--bands blue,green,red,nir] [--season S] [--kind K] [--id ID] | ' +
    'qualification --db FILE --sites ID,ID,... | info --db FILE',
  allowPositionals: true,
  options: {
    db: { type: 'string', description: 'the campaign database (create makes it when missing)' },
    name: { type: 'string', description: 'create: the campaign name' },
    id: { type: 'string', description: 'create: campaign id; scene: scene id' },
    settings: { type: 'string', description: 'create: a JSON file of settings (categories, weights, qRate, ...)' },
    categories: { type: 'string', description: 'create: id:field|no_field,... (default annualcropland, fallow: field; noncropland, unsure: no_field)' },
    weights: { type: 'string', description: 'create: score weights area,fragmentation,edge,categorical (default 0.55,0.225,0.1,0.125)' },
    'q-rate': { type: 'string', description: 'create: share of requests served a hidden Q site (default 0.1)' },
    'trust-threshold': { type: 'string', description: 'create: running quality below this is untrusted (default 0.45)' },
    'reject-below': { type: 'string', description: 'create: Q scores below this are rejected (default 0.4)' },
    'min-area': { type: 'string', description: 'create: minimum field area, m2 (default 400)' },
    'labellers-per-class4': { type: 'string', description: 'create: labellers per Class 4 site (default 3)' },
    'pass-score': { type: 'string', description: 'create: qualification pass score (default 0.4)' },
    'timeout-hours': { type: 'string', description: 'create: an online task is abandoned after this (default 24)' },
    'offline-hours': { type: 'string', description: 'create: deadline of tasks taken offline (default 336)' },
    country: { type: 'string', description: 'sites: two-letter country code of the site ids' },
    bbox: { type: 'string', description: 'sites: W,S,E,N in degrees: the cells whose centre lies inside' },
    file: { type: 'string', description: 'sites: GeoJSON polygons (area) or points (centres), or CSV of centres (lon,lat)' },
    class: { type: 'string', description: 'sites: class of every new site (1, 2 or 4; default 2)' },
    'q-share': { type: 'string', description: 'sites: share of new sites made Class 1 (random, seeded)' },
    'n-share': { type: 'string', description: 'sites: share of new sites made Class 4 (random, seeded)' },
    seed: { type: 'string', description: 'sites: seed of the class split (default 1)' },
    qualification: { type: 'boolean', description: 'sites: the new sites (Class 1) join the qualification set' },
    sites: { type: 'string', description: 'qualification: Class 1 site ids, in order' },
    image: { type: 'string', description: 'scene: the GeoTIFF / COG (path or URL)' },
    date: { type: 'string', description: 'scene: acquisition date YYYY-MM-DD' },
    mask: { type: 'string', description: 'scene: its UDM2 cloud mask' },
    bands: { type: 'string', description: 'scene: band roles, e.g. blue,green,red,nir' },
    season: { type: 'string', description: 'scene: season label' },
    kind: { type: 'string', description: 'scene: e.g. nicfi-quad, planetscope' },
  },
  async run(opts, pos, ctx) {
    const sub = pos[0] ?? '';
    if (!SUBS.includes(sub) || pos.length > 1) throw bad(`give one of ${SUBS.join(', ')}`);
    const db = resolve(ctx.cwd, requireString(opts, 'db', `campaign ${sub}`));
    if (sub !== 'create' && !existsSync(db)) throw new ApiError('NOT_FOUND', `${db}: no such database (make one with \`fieldmark campaign create\`)`);
    const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
    let method: MethodName;
    let args: unknown[];
    if (sub === 'create') {
      method = 'createCampaign';
      args = [{ name: requireString(opts, 'name', 'campaign create'), ...(str('id') ? { id: str('id') } : {}), settings: settingsOf(opts, ctx.cwd) }];
    } else if (sub === 'sites') {
      const bbox = str('bbox');
      const file = str('file');
      if ((bbox === undefined) === (file === undefined)) throw bad('sites: give --bbox W,S,E,N or --file FILE');
      const spec: Record<string, unknown> = { country: requireString(opts, 'country', 'campaign sites'), area: bbox ? { bbox: numbers(bbox, 4, '--bbox') } : { file: resolve(ctx.cwd, file!) } };
      const cls = num(opts, 'class');
      if (cls !== undefined) spec.cls = cls;
      const q = num(opts, 'q-share');
      const n = num(opts, 'n-share');
      if (q !== undefined || n !== undefined) spec.shares = { ...(q !== undefined ? { q } : {}), ...(n !== undefined ? { n } : {}) };
      const seed = num(opts, 'seed');
      if (seed !== undefined) spec.seed = seed;
      if (opts.qualification === true) spec.qualification = true;
      method = 'addSites';
      args = [spec];
    } else if (sub === 'scene') {
      const image = requireString(opts, 'image', 'campaign scene');
      const o: Record<string, unknown> = { date: requireString(opts, 'date', 'campaign scene') };
      const abs = (p: string) => (/^https?:\/\//i.test(p) ? p : resolve(ctx.cwd, p));
      if (str('mask')) o.maskPath = abs(str('mask')!);
      if (str('bands')) o.bandRoles = str('bands')!.split(',').map((b) => b.trim());
      for (const k of ['season', 'kind', 'id']) if (str(k)) o[k] = str(k);
      method = 'addScene';
      args = [abs(image), o];
    } else if (sub === 'qualification') {
      method = 'setQualificationSet';
      args = [requireString(opts, 'sites', 'campaign qualification').split(',').map((s) => s.trim()).filter(Boolean)];
    } else {
      method = 'getCampaign';
      args = [];
    }
    const service = await openService({ dbPath: db, create: sub === 'create' });
    try {
      const value = unwrap<Record<string, unknown>>(await dispatch(service.as(ADMIN), ADMIN, method, args));
      let text = JSON.stringify(value, null, 2);
      if (sub === 'sites') text = `added ${String(value.added)} site(s) (${JSON.stringify(value.byClass)}), ${String(value.existing)} cell(s) had a site already, ${String(value.scenesLinked)} scene link(s)`;
      if (sub === 'create') text = `created campaign ${String(value.id)} (${String(value.name)}) in ${db}`;
      return { value, text };
    } finally {
      service.close();
    }
  },
};

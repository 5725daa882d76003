/**
 * `fieldmark suggest --image FILE|URL --lon X --lat Y [--box minx,miny,maxx,maxy] [--model ID]`
 * (CLI.md): the field polygon at a click, `{polygon, score, model, executionProvider, ms}`.
 * Also: `--also FILE` (other dates of the same grid, averaged in), `--view minx,miny,maxx,maxy` for whole-view proposals, `--info` for the models and the
 * execution providers, `--retrain --db FILE` to retrain the boundary model on a campaign's
 * accepted labels (adopted only when it beats the current one on held-out campaign labels),
 * `--telemetry --db FILE` for how its labellers decided on suggestions (suggest-telemetry.ts).
 */
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import { isUrl } from '../../imagery/source';
import { SuggestClient } from '../../suggest/client';
import type { HostOptions } from '../../suggest/protocol';
import type { CliCommand } from '../command';
import { suggestTelemetry } from './suggest-telemetry';

function numbers(name: string, raw: unknown, n: number): number[] {
  const parts = typeof raw === 'string' ? raw.split(',').map((p) => p.trim()) : [];
  const v = parts.map(Number);
  if (parts.length !== n || parts.some((p) => p === '') || !v.every(Number.isFinite)) {
    throw new ApiError('BAD_ARGUMENTS', `suggest: --${name} takes ${n} comma-separated numbers, got "${String(raw)}"`);
  }
  return v;
}

function lonLat(name: string, raw: unknown, range: [number, number]): number {
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v) || v < range[0] || v > range[1]) throw new ApiError('BAD_ARGUMENTS', `suggest: --${name} must be a number in ${range[0]}..${range[1]}, got "${String(raw)}"`);
  return v;
}

function checkBox(name: string, b: number[]): [number, number, number, number] {
  const [x0, y0, x1, y1] = b as [number, number, number, number];
  if (!(x0 < x1 && y0 < y1) || x0 < -180 || x1 > 180 || y0 < -90 || y1 > 90) throw new ApiError('BAD_ARGUMENTS', `suggest: --${name} must be minLon,minLat,maxLon,maxLat with min < max, got ${b.join(',')}`);
  return [x0, y0, x1, y1];
}

export const suggestCommand: CliCommand = {
  name: 'suggest',
  summary: 'proposes the field polygon at a click (or in a box), or every field in a view, with the boundary model or a SAM pair',
  usage: '--image FILE|URL [--also FILE ...] --lon X --lat Y [--box minx,miny,maxx,maxy] [--negative lon,lat ...] [--model ID] | --image FILE --view minx,miny,maxx,maxy | --info | --retrain --db FILE | --telemetry --db FILE',
  options: {
    image: { type: 'string', description: 'a 4-band (blue, green, red, nir) GeoTIFF / COG path or http(s) URL' },
    mask: { type: 'string', description: "the image's UDM2 (or legacy UDM) cloud mask" },
    also: { type: 'string', multiple: true, description: 'another date of the same grid (repeatable): its boundary and extent maps are averaged in' },
    'also-mask': { type: 'string', multiple: true, description: "the --also images' masks, in the same order" },
    lon: { type: 'string', description: 'longitude of the click' },
    lat: { type: 'string', description: 'latitude of the click' },
    box: { type: 'string', description: 'a box prompt minLon,minLat,maxLon,maxLat (alone or with the click)' },
    negative: { type: 'string', multiple: true, description: 'a negative click lon,lat (repeatable): not this' },
    view: { type: 'string', description: 'whole-view proposals of minLon,minLat,maxLon,maxLat, best first' },
    'min-area': { type: 'string', description: 'proposals: smallest field, m^2 (default 0)' },
    vertices: { type: 'string', description: 'vertex budget of each polygon (default 60)' },
    model: { type: 'string', description: 'model id (default: the active model, boundary-v1)' },
    models: { type: 'string', description: 'a folder of extra model folders, searched first' },
    cpu: { type: 'boolean', description: 'run on the CPU only (also FIELDMARK_SUGGEST_CPU=1)' },
    providers: { type: 'string', description: 'execution providers to try in order, e.g. webgpu,cpu' },
    info: { type: 'boolean', description: 'list the models and which execution provider each uses' },
    retrain: { type: 'boolean', description: "retrain the boundary model on the campaign's accepted labels (with --db)" },
    telemetry: { type: 'boolean', description: 'accepted as is / after edits / rejected and time to decision, per labeller and per model (with --db)' },
    db: { type: 'string', description: 'the campaign database (retraining, telemetry; its models/ folder is searched)' },
  },
  async run(opts, _positionals, ctx) {
    const dbPath = typeof opts['db'] === 'string' ? resolve(ctx.cwd, opts['db']) : null;
    const modelDirs = [typeof opts['models'] === 'string' ? resolve(ctx.cwd, opts['models']) : null, dbPath ? join(dirname(dbPath), 'models') : null].filter((d): d is string => d !== null);
    const hostOpts: HostOptions = {
      modelDirs,
      ...(opts['cpu'] === true ? { forceCpu: true } : {}),
      ...(typeof opts['providers'] === 'string' ? { providers: opts['providers'].split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    };
    if (opts['telemetry'] === true) {
      if (!dbPath) throw new ApiError('BAD_ARGUMENTS', 'suggest: --telemetry needs --db FILE');
      return suggestTelemetry(dbPath);
    }
    if (opts['retrain'] === true) {
      if (!dbPath) throw new ApiError('BAD_ARGUMENTS', 'suggest: --retrain needs --db FILE');
      const { retrainFromCampaign } = await import('../../suggest/retrain');
      const report = await retrainFromCampaign({ dbPath, baseModel: typeof opts['model'] === 'string' ? opts['model'] : undefined, hostOptions: hostOpts, log: (s) => ctx.say(s) });
      const verdict = report.adopted ? `adopted ${report.candidate.id}` : `kept ${report.current.id}`;
      return { value: report, text: `${verdict}: held-out median IoU ${report.candidate.medianIoU.toFixed(3)} (new) vs ${report.current.medianIoU.toFixed(3)} (current) on ${report.heldOutFields} fields` };
    }
    const client = new SuggestClient(hostOpts);
    try {
      if (opts['info'] === true) {
        const model = typeof opts['model'] === 'string' ? opts['model'] : undefined;
        let engineError: string | null = null;
        // loading the engine picks its execution provider
        await client.load(model).catch((e: unknown) => {
          engineError = e instanceof Error ? e.message : String(e);
        });
        const value = { ...(await client.info()), ...(engineError ? { engineError } : {}) };
        const text = [
          `default model: ${value.defaultModel}`,
          ...value.models.map((m) => `  ${m.id} ${m.version} (${m.kind}) ${m.dir}`),
          ...value.broken.map((b) => `  unreadable: ${b.problem}`),
          ...value.engines.map((e) => `engine ${e.model.id}: ${e.executionProvider} (tried ${e.providers.map((p) => `${p.name}: ${p.ok ? 'ok' : p.note}`).join('; ')})`),
        ].join('\n');
        return { value, text };
      }
      const image = opts['image'];
      if (typeof image !== 'string' || image === '') throw new ApiError('BAD_ARGUMENTS', 'suggest: --image FILE|URL is required');
      const path = isUrl(image) ? image : resolve(ctx.cwd, image);
      const mask = typeof opts['mask'] === 'string' ? (isUrl(opts['mask']) ? opts['mask'] : resolve(ctx.cwd, opts['mask'])) : null;
      const where = (p: string) => (isUrl(p) ? p : resolve(ctx.cwd, p));
      const alsoMasks = (opts['also-mask'] as string[] | undefined) ?? [];
      const alsoImages = (opts['also'] as string[] | undefined) ?? [];
      if (alsoMasks.length > alsoImages.length) throw new ApiError('BAD_ARGUMENTS', `suggest: ${alsoMasks.length} --also-mask for ${alsoImages.length} --also image(s)`);
      const also = alsoImages.map((a, i) => ({ image: where(a), mask: alsoMasks[i] ? where(alsoMasks[i]!) : null }));
      const model = typeof opts['model'] === 'string' ? opts['model'] : undefined;
      const vertexBudget = opts['vertices'] !== undefined ? Math.round(lonLat('vertices', opts['vertices'], [4, 10000])) : undefined;
      if (opts['view'] !== undefined) {
        const bbox = checkBox('view', numbers('view', opts['view'], 4));
        const minAreaM2 = opts['min-area'] !== undefined ? lonLat('min-area', opts['min-area'], [0, 1e9]) : undefined;
        const r = await client.propose({ image: path, mask, also, bbox, model, minAreaM2, vertexBudget });
        return { value: r, text: `${r.proposals.length} proposals in ${r.windows} window(s)${r.otherDates.length ? ` with ${r.otherDates.length} other date(s)` : ''}, ${Math.round(r.ms)} ms (${r.model.id}, ${r.executionProvider})${r.warnings.length ? `\n${r.warnings.join('\n')}` : ''}` };
      }
      const box = opts['box'] !== undefined ? checkBox('box', numbers('box', opts['box'], 4)) : undefined;
      const hasClick = opts['lon'] !== undefined || opts['lat'] !== undefined;
      if (!hasClick && !box) throw new ApiError('BAD_ARGUMENTS', 'suggest: --lon and --lat (a click) or --box is required');
      const lon = hasClick ? lonLat('lon', opts['lon'], [-180, 180]) : undefined;
      const lat = hasClick ? lonLat('lat', opts['lat'], [-90, 90]) : undefined;
      const negatives = ((opts['negative'] as string[] | undefined) ?? []).map((n) => numbers('negative', n, 2) as [number, number]);
      const r = await client.suggest({ image: path, mask, also, lon, lat, box, negatives, model, vertexBudget });
      const value = { ...r, ms: Math.round(r.ms.total * 10) / 10, timings: r.ms };
      const text = `${r.vertices}-vertex polygon, ${(r.areaM2 / 1e4).toFixed(2)} ha, score ${r.score}${r.otherDates.length ? ` with ${r.otherDates.length} other date(s)` : ''} (${r.model.id}, ${r.executionProvider}, ${value.ms} ms)${r.warnings.length ? `\n${r.warnings.join('\n')}` : ''}\n${JSON.stringify(r.polygon)}`;
      return { value, text };
    } finally {
      await client.close();
    }
  },
};

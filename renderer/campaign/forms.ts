/**
 * Pure parsing of the campaign setup forms (no DOM): text typed by staff → the API's arguments,
 * or a `FormError` whose message names the field and what is wrong (shown as one line beside the
 * form). Light checks only: the server validates every argument again (campaign-schemas.ts).
 */
import type { AddSitesSpec, CampaignSettingsDto } from '../../src/common/api/campaign-contract';
import { CAMPAIGN_DEFAULTS } from '../../src/common/api/campaign-defaults';

export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** An optional number field: empty → undefined (the default); otherwise a finite number within the rule. */
export function parseOptionalNumber(text: string, label: string, rule: NumberRule = {}): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) || !Number.isFinite(v)) throw new FormError(`${label}: "${t}" is not a number`);
  if (rule.integer && !Number.isInteger(v)) throw new FormError(`${label}: must be a whole number`);
  if (rule.min !== undefined && v < rule.min) throw new FormError(`${label}: must be at least ${rule.min}`);
  if (rule.max !== undefined && v > rule.max) throw new FormError(`${label}: must be at most ${rule.max}`);
  return v;
}

/** A required number field. */
export function parseNumber(text: string, label: string, rule: NumberRule = {}): number {
  const v = parseOptionalNumber(text, label, rule);
  if (v === undefined) throw new FormError(`${label}: required`);
  return v;
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
type Category = CampaignSettingsDto['categories'][number];

/** Categories, one a line: `id field` or `id no_field` (also `id: field`, `id, no_field`, `id = field`). Empty → undefined. */
export function parseCategories(text: string): Category[] | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  const out: Category[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^([^\s:,=]+)\s*[\s:,=]\s*(\S+)$/.exec(line);
    if (!m) throw new FormError(`categories, line ${i + 1}: write "id field" or "id no_field"`);
    const [, id, group] = m as unknown as [string, string, string];
    if (!ID.test(id)) throw new FormError(`categories, line ${i + 1}: "${id}" may contain only letters, digits and _ . : -`);
    const g = group.toLowerCase().replace('-', '_');
    if (g !== 'field' && g !== 'no_field') throw new FormError(`categories, line ${i + 1}: the group must be field or no_field, not "${group}"`);
    if (out.some((c) => c.id === id)) throw new FormError(`categories: "${id}" is listed twice`);
    out.push({ id, group: g });
  }
  if (!out.some((c) => c.group === 'field')) throw new FormError('categories: at least one must be in the field group');
  return out;
}

export function formatCategories(cats: readonly Category[]): string {
  return cats.map((c) => `${c.id} ${c.group}`).join('\n');
}

/** The settings form's raw text, field by field (empty = keep / default). */
export interface SettingsText {
  categories: string;
  wArea: string;
  wFragmentation: string;
  wEdge: string;
  wCategorical: string;
  qRate: string;
  trustThreshold: string;
  rejectBelow: string;
  labellersPerClass4: string;
  minFieldAreaM2: string;
  qualificationPassScore: string;
  taskTimeoutHours: string;
}

/**
 * The settings typed in the form. Empty fields are left out (the server keeps the current value or
 * takes the default); weights go as a set, the empty ones taken from `base` (current or defaults).
 */
export function parseSettings(t: SettingsText, base: Pick<CampaignSettingsDto, 'weights'> = CAMPAIGN_DEFAULTS): Partial<CampaignSettingsDto> {
  const out: Partial<CampaignSettingsDto> = {};
  const share = { min: 0, max: 1 };
  const categories = parseCategories(t.categories);
  if (categories) out.categories = categories;
  const w = {
    area: parseOptionalNumber(t.wArea, 'area weight', share),
    fragmentation: parseOptionalNumber(t.wFragmentation, 'fragmentation weight', share),
    edge: parseOptionalNumber(t.wEdge, 'edge weight', share),
    categorical: parseOptionalNumber(t.wCategorical, 'categorical weight', share),
  };
  if (Object.values(w).some((v) => v !== undefined)) {
    const weights = {
      area: w.area ?? base.weights.area,
      fragmentation: w.fragmentation ?? base.weights.fragmentation,
      edge: w.edge ?? base.weights.edge,
      categorical: w.categorical ?? base.weights.categorical,
    };
    if (weights.area + weights.fragmentation + weights.edge + weights.categorical <= 0) throw new FormError('score weights: must not all be 0');
    out.weights = weights;
  }
  const set = <K extends keyof CampaignSettingsDto>(k: K, v: CampaignSettingsDto[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('qRate', parseOptionalNumber(t.qRate, 'Q rate', share));
  set('trustThreshold', parseOptionalNumber(t.trustThreshold, 'trust threshold', { min: -1, max: 1 }));
  set('rejectBelow', parseOptionalNumber(t.rejectBelow, 'reject below', share));
  set('labellersPerClass4', parseOptionalNumber(t.labellersPerClass4, 'labellers per Class 4 site', { min: 2, max: 50, integer: true }));
  set('minFieldAreaM2', parseOptionalNumber(t.minFieldAreaM2, 'minimum field area', { min: 0, max: 1e7 }));
  set('qualificationPassScore', parseOptionalNumber(t.qualificationPassScore, 'qualification pass score', share));
  set('taskTimeoutHours', parseOptionalNumber(t.taskTimeoutHours, 'task timeout', { min: 0.01, max: 24 * 365 }));
  return out;
}

/** Centres, one a line or separated by `;`: `lon,lat` or `lon lat`. */
export function parseCentres(text: string): [number, number][] {
  const items = text.split(/[;\r\n]+/).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new FormError('centres: give at least one "lon,lat"');
  return items.map((item, i) => {
    const parts = item.split(/[\s,]+/).filter((p) => p !== '');
    if (parts.length !== 2) throw new FormError(`centres, item ${i + 1}: write "lon,lat", not "${item}"`);
    const lon = parseNumber(parts[0]!, `centres, item ${i + 1} longitude`, { min: -180, max: 180 });
    const lat = parseNumber(parts[1]!, `centres, item ${i + 1} latitude`, { min: -90, max: 90 });
    return [lon, lat];
  });
}

export interface SitesText {
  mode: 'bbox' | 'centres';
  west: string;
  south: string;
  east: string;
  north: string;
  centres: string;
  country: string;
  /** '1' | '2' | '4' | 'split' */
  cls: string;
  q: string;
  n: string;
  seed: string;
  qualification: boolean;
}

/** The add-sites form → `addSites`' argument. */
export function parseAddSites(t: SitesText): AddSitesSpec {
  const country = t.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new FormError('country: a two-letter code such as GH');
  let area: AddSitesSpec['area'];
  if (t.mode === 'bbox') {
    const w = parseNumber(t.west, 'west', { min: -180, max: 180 });
    const s = parseNumber(t.south, 'south', { min: -90, max: 90 });
    const e = parseNumber(t.east, 'east', { min: -180, max: 180 });
    const n = parseNumber(t.north, 'north', { min: -90, max: 90 });
    if (!(w < e)) throw new FormError('box: west must be less than east');
    if (!(s < n)) throw new FormError('box: south must be less than north');
    area = { bbox: [w, s, e, n] };
  } else {
    area = { centres: parseCentres(t.centres) };
  }
  const spec: AddSitesSpec = { area, country };
  if (t.cls === 'split') {
    const q = parseOptionalNumber(t.q, 'Class 1 share', { min: 0, max: 1 }) ?? 0;
    const n = parseOptionalNumber(t.n, 'Class 4 share', { min: 0, max: 1 }) ?? 0;
    if (q + n > 1) throw new FormError('shares: Class 1 and Class 4 shares must sum to at most 1');
    if (t.qualification) throw new FormError('qualification sites are Class 1: pick Class 1, not a split');
    spec.shares = { q, n };
    const seed = parseOptionalNumber(t.seed, 'seed', { min: 0, max: 2 ** 31, integer: true });
    if (seed !== undefined) spec.seed = seed;
  } else {
    const cls = Number(t.cls);
    if (cls !== 1 && cls !== 2 && cls !== 4) throw new FormError('class: pick 1, 2, 4 or a split');
    if (t.qualification && cls !== 1) throw new FormError('qualification sites are Class 1');
    spec.cls = cls;
  }
  if (t.qualification) spec.qualification = true;
  return spec;
}

/** Site ids in order, separated by spaces, commas or new lines; no duplicates. */
export function parseSiteIds(text: string): string[] {
  const ids = text.split(/[\s,;]+/).filter((s) => s !== '');
  const seen = new Set<string>();
  for (const id of ids) {
    if (!ID.test(id)) throw new FormError(`site ids: "${id.slice(0, 40)}" is not a site id`);
    if (seen.has(id)) throw new FormError(`site ids: ${id} is listed twice`);
    seen.add(id);
  }
  if (ids.length > 100) throw new FormError('site ids: at most 100 qualification sites');
  return ids;
}

/** The link a new user opens to sign in with their static token (taken out of the URL at once). */
export function signInLink(origin: string, token: string): string {
  const url = new URL('/', origin);
  url.searchParams.set('token', token);
  return url.href;
}

/** A user name as the server accepts it (1-100 characters, no control characters, no outer spaces). */
export function checkUserName(name: string): string {
  const n = name.trim();
  if (n === '') throw new FormError('name: required');
  if (n.length > 100) throw new FormError('name: at most 100 characters');
  if (/[\u0000-\u001f]/.test(n)) throw new FormError('name: no control characters');
  return n;
}

/** A new password: at least 8 characters (at most 256). Empty → undefined when optional. */
export function checkPassword(pw: string, optional = false): string | undefined {
  if (pw === '' && optional) return undefined;
  if (pw.length < 8) throw new FormError('password: at least 8 characters');
  if (pw.length > 256) throw new FormError('password: at most 256 characters');
  return pw;
}

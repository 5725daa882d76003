/**
 * Band roles of a scene (which band is blue, green, red, NIR, ...). In order of trust:
 * 1. an explicit mapping (the `addScene` / `--bands` argument);
 * 2. what the file says: GDAL band descriptions (GDAL_METADATA, TIFF tag 42112), or a band list
 *    in a JSON TIFFTAG_IMAGEDESCRIPTION (Planet-style metadata);
 * 3. Planet's conventions by band count: 4 = B,G,R,NIR (PlanetScope / NICFI), 8 = SuperDove,
 *    3 = R,G,B (visual product), UDM2 8-band masks by their band names.
 * TIFF ColorInterp / PhotometricInterpretation is never used alone: Planet's 4-band files often
 * say "R,G,B,undefined" for data that is B,G,R,NIR.
 */

export type BandRolesFrom = 'explicit' | 'file' | 'assumed';

/** Canonical role names. */
export const KNOWN_ROLES = [
  'coastal_blue', 'blue', 'green_i', 'green', 'yellow', 'red', 'rededge', 'nir', 'swir1', 'swir2', 'pan', 'alpha',
  'clear', 'snow', 'shadow', 'light_haze', 'heavy_haze', 'cloud', 'confidence', 'udm1', 'gray',
] as const;

const ALIASES: Record<string, string> = {
  b: 'blue', blue: 'blue', bleu: 'blue', b02: 'blue', b2: 'blue', coastal: 'coastal_blue', coastalblue: 'coastal_blue', coastal_blue: 'coastal_blue', b01: 'coastal_blue',
  g: 'green', green: 'green', b03: 'green', b3: 'green', greeni: 'green_i', green_i: 'green_i', green1: 'green_i',
  yellow: 'yellow', r: 'red', red: 'red', b04: 'red', b4: 'red',
  rededge: 'rededge', red_edge: 'rededge', re: 'rededge', b05: 'rededge',
  nir: 'nir', n: 'nir', nearinfrared: 'nir', near_infrared: 'nir', infrared: 'nir', b08: 'nir', b8: 'nir', nir08: 'nir',
  swir1: 'swir1', swir16: 'swir1', b11: 'swir1', swir2: 'swir2', swir22: 'swir2', b12: 'swir2',
  pan: 'pan', panchromatic: 'pan', alpha: 'alpha', gray: 'gray', grey: 'gray',
  clear: 'clear', snow: 'snow', shadow: 'shadow', lighthaze: 'light_haze', light_haze: 'light_haze', heavyhaze: 'heavy_haze', heavy_haze: 'heavy_haze',
  cloud: 'cloud', confidence: 'confidence', udm1: 'udm1', udm: 'udm1',
};

/** A canonical role for a band name ("Red Edge", "NIR", "B08", "green_i"), or null. */
export function normalizeRole(name: string): string | null {
  const k = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return ALIASES[k] ?? ALIASES[k.replace(/_/g, '')] ?? null;
}

/** Band descriptions from GDAL's metadata XML (`<Item name="DESCRIPTION" sample="0" role="description">Blue</Item>`). */
export function gdalBandDescriptions(xml: string | null, bands: number): Array<string | null> {
  const out: Array<string | null> = new Array(bands).fill(null);
  if (!xml) return out;
  const re = /<Item\s+([^>]*)>([^<]*)<\/Item>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const attrs = m[1]!;
    if (!/name="DESCRIPTION"/i.test(attrs) || !/role="description"/i.test(attrs)) continue;
    const s = /sample="(\d+)"/.exec(attrs);
    if (!s) continue;
    const i = Number(s[1]);
    if (i < bands) out[i] = unescapeXml(m[2]!);
  }
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Band names from a JSON image description: `{"bands":[{"name":..}|"name"]}`, `band_names`, `eo:bands`. */
export function jsonBandNames(description: string | null, bands: number): Array<string | null> | null {
  if (!description || !description.trim().startsWith('{')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(description);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const d = doc as Record<string, unknown>;
  const list = (d['bands'] ?? d['band_names'] ?? d['eo:bands'] ?? d['band_descriptions']) as unknown;
  if (!Array.isArray(list) || list.length !== bands) return null;
  return list.map((b) => {
    if (typeof b === 'string') return b;
    if (b && typeof b === 'object') {
      const o = b as Record<string, unknown>;
      const v = o['common_name'] ?? o['name'] ?? o['description'];
      return typeof v === 'string' ? v : null;
    }
    return null;
  });
}

/** The roles Planet's products have by band count, when the file says nothing. */
export function assumedRoles(bands: number): string[] {
  if (bands === 4) return ['blue', 'green', 'red', 'nir'];
  if (bands === 8) return ['coastal_blue', 'blue', 'green_i', 'green', 'yellow', 'red', 'rededge', 'nir'];
  if (bands === 3) return ['red', 'green', 'blue'];
  if (bands === 5) return ['blue', 'green', 'red', 'rededge', 'nir'];
  if (bands === 1) return ['gray'];
  return Array.from({ length: bands }, (_, i) => `band${i + 1}`);
}

export interface BandRoles {
  roles: string[];
  from: BandRolesFrom;
}

/**
 * The file's own band roles: every band named by a known role in the GDAL descriptions or the
 * JSON description; otherwise Planet's convention for the band count.
 */
export function detectBandRoles(bands: number, gdalMetadata: string | null, description: string | null): BandRoles {
  for (const names of [gdalBandDescriptions(gdalMetadata, bands), jsonBandNames(description, bands)]) {
    if (!names) continue;
    const roles = names.map((n) => (n ? normalizeRole(n) : null));
    if (roles.every((r) => r !== null)) return { roles: roles as string[], from: 'file' };
  }
  return { roles: assumedRoles(bands), from: 'assumed' };
}

/** Checks an explicit mapping: one known role (or bandN) per band. Returns the canonical roles or an error line. */
export function parseBandRoles(given: string[], bands: number): { roles: string[] } | { error: string } {
  if (given.length !== bands) return { error: `band roles: ${given.length} given for ${bands} band${bands === 1 ? '' : 's'} (${given.join(',')})` };
  const roles: string[] = [];
  for (const g of given) {
    const r = normalizeRole(g) ?? (/^band\d+$/i.test(g.trim()) ? g.trim().toLowerCase() : null);
    if (!r) return { error: `band roles: unknown role "${g}" (known: ${KNOWN_ROLES.join(', ')}, or bandN)` };
    roles.push(r);
  }
  const dup = roles.find((r, i) => roles.indexOf(r) !== i && !r.startsWith('band'));
  if (dup) return { error: `band roles: "${dup}" given twice` };
  return { roles };
}

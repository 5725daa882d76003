/**
 * Surface reflectance (x 10000, bands B, G, R, NIR) of the land covers of northern Ghana and the
 * phenology of its crops. Pixels are linear mixtures of endmembers (green vegetation, dry
 * residue, soil), which keeps every mixture physically plausible: a green crop has NDVI
 * 0.6-0.85, bare laterite soil about 0.15-0.2, dry stubble about 0.2-0.25.
 */
export type Spec = readonly [number, number, number, number];

export const GV: Spec = [280, 590, 330, 3900]; // closed green canopy
export const TREE: Spec = [260, 500, 310, 2900]; // savanna tree crowns (self-shadowed) // tree crown (darker, self-shadowed)
export const TREE_DRY: Spec = [520, 700, 900, 1700]; // deciduous crown in the dry season
export const DRY: Spec = [780, 1120, 1450, 2300]; // senescent grass, stubble
export const SOIL_RED: Spec = [650, 1040, 1450, 2250]; // lateritic sandy loam
export const SOIL_SAND: Spec = [1000, 1380, 1700, 2350];
export const SOIL_DARK: Spec = [480, 720, 950, 1500]; // moist / clayey
export const BURN: Spec = [330, 400, 470, 800]; // burn scar (ash and char)
export const SHADE: Spec = [110, 190, 130, 1100]; // shaded leaves and ground inside rough canopies
export const WATER: Spec = [650, 760, 560, 330]; // turbid stream
export const LATERITE_ROAD: Spec = [950, 1300, 1850, 2400];
export const TRACK: Spec = [860, 1120, 1400, 2000];
export const SWEPT: Spec = [860, 1150, 1450, 2100]; // swept compound earth
export const ZINC: Spec = [2900, 3000, 3100, 3300];
export const ZINC_RUST: Spec = [1300, 1500, 2100, 2500];
export const THATCH: Spec = [700, 850, 1050, 1600]; // weathered grey thatch
export const CLOUD: Spec = [5200, 5100, 5100, 5600];

export type Phase = 'peak' | 'late' | 'dry';

/** crop name -> share of cultivated fields */
export const CROP_SHARES: readonly (readonly [string, number])[] = [
  ['maize', 0.3], ['sorghum', 0.15], ['millet', 0.1], ['groundnut', 0.15], ['soybean', 0.12],
  ['yam', 0.08], ['rice', 0.03], ['cotton', 0.03], ['fallow', 0.04],
];

export interface FieldLook {
  /** green vegetation fraction */
  fv: number;
  /** dry residue fraction */
  fd: number;
  /** soil spectrum of the field (already brightness-scaled) */
  soil: [number, number, number, number];
  /** tint of the green canopy (per band multipliers) */
  gv: [number, number, number, number];
  /** 0..1 fresh-burn share */
  burn: number;
  /** amplitude of row / ridge stripes in fv (or soil brightness when bare) */
  stripe: number;
  /** amplitude of low-frequency in-field patchiness */
  patchy: number;
  /** true when the field is a green crop on this date (NDVI > 0.5 expected) */
  green: boolean;
}

/**
 * Look of a field on a date. `r` are the field's own fixed random numbers in [0,1) (at least 8),
 * `soilT` in [0,1] a spatially smooth soil type (red -> sandy).
 */
export function fieldLook(crop: string, r: readonly number[], soilT: number, phase: Phase): FieldLook {
  const u = (i: number) => r[i % r.length] as number;
  const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
  const moist = phase === 'peak' ? 0.82 : phase === 'late' ? 0.92 : 1.02;
  const bright = lerp(0.92, 1.08, u(0)) * moist;
  const dark = phase === 'peak' ? 0.25 + 0.2 * u(1) : 0.1 * u(1);
  const soil: [number, number, number, number] = [0, 0, 0, 0];
  for (let b = 0; b < 4; b++) {
    const base = lerp(SOIL_RED[b] as number, SOIL_SAND[b] as number, soilT);
    soil[b] = lerp(base, SOIL_DARK[b] as number, dark) * bright;
  }
  const gvTint = lerp(0.85, 1.15, u(2));
  const gv: [number, number, number, number] = [GV[0] * gvTint, GV[1] * lerp(0.9, 1.1, u(3)), GV[2] * gvTint, GV[3] * lerp(0.85, 1.1, u(4))];
  const late = u(5) < 0.05; // planted late: still mostly bare (and weedy) at the peak
  let fv = 0, fd = 0, burn = 0, stripe = u(10) < 0.35 ? 0.018 : 0.005, patchy = 0.15;
  const v = u(6), w = u(7);
  switch (phase) {
    case 'peak': {
      const range: Record<string, [number, number]> = {
        maize: [0.72, 0.92], sorghum: [0.65, 0.85], millet: [0.6, 0.8], groundnut: [0.6, 0.85], soybean: [0.62, 0.85],
        yam: [0.5, 0.66], rice: [0.58, 0.8], cotton: [0.52, 0.72], fallow: [0.5, 0.7],
      };
      const [lo, hi] = range[crop] ?? [0.55, 0.8];
      fv = lerp(lo, hi, v);
      fd = crop === 'fallow' ? 0.12 + 0.1 * w : 0.03 * w;
      stripe = crop === 'yam' ? 0.08 : crop === 'fallow' ? 0.01 : stripe;
      patchy = crop === 'fallow' ? 0.3 : 0.14 + 0.12 * w;
      if (late && crop !== 'fallow') { fv = 0.12 + 0.2 * v; fd = 0.08; patchy = 0.4; }
      break;
    }
    case 'late': {
      const table: Record<string, [number, number]> = {
        maize: [0.25 + 0.2 * v, 0.35], sorghum: [0.5 + 0.2 * v, 0.12], millet: [0.2 + 0.15 * v, 0.4], groundnut: v < 0.3 ? [0.08, 0.15] : [0.5, 0.15],
        soybean: [0.3 + 0.2 * v, 0.3], yam: [0.35 + 0.2 * v, 0.15], rice: [0.4 + 0.2 * v, 0.25], cotton: [0.5 + 0.15 * v, 0.1], fallow: [0.35 + 0.15 * v, 0.35],
      };
      [fv, fd] = table[crop] ?? [0.3, 0.3];
      patchy = 0.2;
      break;
    }
    case 'dry': {
      fv = crop === 'fallow' ? 0.06 + 0.06 * v : 0.01 + 0.03 * v;
      fd = crop === 'fallow' ? 0.6 + 0.15 * w : crop === 'sorghum' || crop === 'millet' || crop === 'maize' ? 0.2 + 0.35 * w : 0.05 + 0.15 * w;
      if (u(8) < 0.06 && crop !== 'fallow') burn = 0.5 + 0.4 * v; // stubble burnt after harvest
      stripe *= 1.3; // ridges show on bare soil
      patchy = 0.12;
      break;
    }
  }
  const green = fv >= 0.5;
  return { fv, fd, soil, gv, burn, stripe, patchy, green };
}

export function ndvi(b: ArrayLike<number>): number {
  const r = b[2] as number, n = b[3] as number;
  return (n - r) / (n + r);
}

/**
 * Small, exact-enough projection maths for the demo: spherical web mercator (EPSG:3857) and
 * WGS84 UTM north zones (EPSG:326xx) by Krüger's series (Karney 2011, 3rd order: < 1 mm within a
 * zone). No proj4 needed; tests cross-check against proj4.
 */
const R = 6378137;
const D2R = Math.PI / 180;

export function mercForward(lon: number, lat: number): [number, number] {
  return [R * lon * D2R, R * Math.log(Math.tan(Math.PI / 4 + (lat * D2R) / 2))];
}

export function mercInverse(x: number, y: number): [number, number] {
  return [(x / R) / D2R, (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) / D2R];
}

/** ground metres per 3857 metre at a latitude */
export function mercScale(lat: number): number { return Math.cos(lat * D2R); }

const A_WGS = 6378137;
const F = 1 / 298.257223563;
const N = F / (2 - F);
const E = Math.sqrt(F * (2 - F));
const A = (A_WGS / (1 + N)) * (1 + (N * N) / 4 + (N ** 4) / 64);
const K0 = 0.9996;
const ALPHA = [N / 2 - (2 * N * N) / 3 + (5 * N ** 3) / 16, (13 * N * N) / 48 - (3 * N ** 3) / 5, (61 * N ** 3) / 240];
const BETA = [N / 2 - (2 * N * N) / 3 + (37 * N ** 3) / 96, (N * N) / 48 + (N ** 3) / 15, (17 * N ** 3) / 480];
const DELTA = [2 * N - (2 * N * N) / 3 - 2 * N ** 3, (7 * N * N) / 3 - (8 * N ** 3) / 5, (56 * N ** 3) / 15];

export function utmZoneOf(epsg: number): number {
  if (epsg < 32601 || epsg > 32660) throw new Error(`only UTM north zones (EPSG:32601-32660) are supported, got ${epsg}`);
  return epsg - 32600;
}

export function utmForward(epsg: number, lon: number, lat: number): [number, number] {
  const lon0 = (utmZoneOf(epsg) * 6 - 183) * D2R;
  const phi = lat * D2R;
  const lam = lon * D2R - lon0;
  const s = Math.sin(phi);
  const t = Math.sinh(Math.atanh(s) - E * Math.atanh(E * s));
  const xi = Math.atan2(t, Math.cos(lam));
  const eta = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
  let x = eta, y = xi;
  for (let j = 1; j <= 3; j++) {
    const a = ALPHA[j - 1] as number;
    x += a * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
    y += a * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
  }
  return [500000 + K0 * A * x, K0 * A * y];
}

export function utmInverse(epsg: number, easting: number, northing: number): [number, number] {
  const lon0 = (utmZoneOf(epsg) * 6 - 183) * D2R;
  const xi = northing / (K0 * A);
  const eta = (easting - 500000) / (K0 * A);
  let xp = xi, ep = eta;
  for (let j = 1; j <= 3; j++) {
    const b = BETA[j - 1] as number;
    xp -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    ep -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const chi = Math.asin(Math.sin(xp) / Math.cosh(ep));
  let phi = chi;
  for (let j = 1; j <= 3; j++) phi += (DELTA[j - 1] as number) * Math.sin(2 * j * chi);
  const lam = Math.atan2(Math.sinh(ep), Math.cos(xp));
  return [(lon0 + lam) / D2R, phi / D2R];
}

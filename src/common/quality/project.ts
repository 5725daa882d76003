/**
 * Lambert azimuthal equal-area projection on the WGS84 ellipsoid (Snyder 1987, "Map
 * Projections: A Working Manual", eqs. 3-12, 24-13..24-19, oblique aspect), centred on (lon0, lat0)
 * with no false easting/northing. Equal-area, so polygon areas in it are true areas in m^2;
 * distances near the centre are true to ~1e-7 relative over a few km.
 *
 *   q(phi)  = (1 - e^2) [ sin(phi) / (1 - e^2 sin^2 phi) - 1/(2e) ln((1 - e sin phi)/(1 + e sin phi)) ]
 *   qp      = q(90 deg),  Rq = a sqrt(qp / 2),  beta = asin(q / qp)   (authalic latitude)
 *   m1      = cos(phi0) / sqrt(1 - e^2 sin^2 phi0),  D = a m1 / (Rq cos beta0)
 *   B       = Rq sqrt(2 / (1 + sin beta0 sin beta + cos beta0 cos beta cos(lambda - lambda0)))
 *   x       = B D cos(beta) sin(lambda - lambda0)
 *   y       = (B / D) (cos beta0 sin beta - sin beta0 cos beta cos(lambda - lambda0))
 * Inverse (Snyder 24-28..24-30, 3-16): rho = sqrt((x/D)^2 + (D y)^2), C = 2 asin(rho / (2 Rq)),
 *   q = qp (cos C sin beta0 + D y sin C cos beta0 / rho),
 *   lambda = lambda0 + atan2(x sin C, D rho cos beta0 cos C - D^2 y sin beta0 sin C),
 *   phi from q by Newton iteration of q(phi) = q.
 * Centres closer than 1e-6 deg to a pole are nudged off it (D is singular there).
 */
const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const DEG = Math.PI / 180;

function qOf(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - es * es) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
}
const QP = qOf(1);
const RQ = A * Math.sqrt(QP / 2);

export interface LocalProjection {
  lon0: number;
  lat0: number;
  /** lon/lat degrees -> metres; writes x, y at out[offset], out[offset + 1] */
  project(lon: number, lat: number, out: Float64Array | number[], offset: number): void;
  /** convenience form of project */
  forward(lon: number, lat: number): [number, number];
  /** metres -> lon/lat degrees */
  inverse(x: number, y: number): [number, number];
}

function latFromQ(q: number): number {
  let phi = Math.asin(Math.max(-1, Math.min(1, q / 2)));
  for (let it = 0; it < 12; it++) {
    const s = Math.sin(phi);
    const es2 = E2 * s * s;
    const c = Math.cos(phi);
    if (Math.abs(c) < 1e-12) break;
    const dphi = ((1 - es2) * (1 - es2)) / (2 * c) * (q / (1 - E2) - s / (1 - es2) + (1 / (2 * E)) * Math.log((1 - E * s) / (1 + E * s)));
    phi += dphi;
    if (Math.abs(dphi) < 1e-15) break;
  }
  return phi;
}

export function laea(lon0: number, lat0: number): LocalProjection {
  const lat0c = Math.max(-89.999999, Math.min(89.999999, lat0));
  const phi0 = lat0c * DEG;
  const sinPhi0 = Math.sin(phi0);
  const beta0 = Math.asin(qOf(sinPhi0) / QP);
  const sinB0 = Math.sin(beta0);
  const cosB0 = Math.cos(beta0);
  const m0 = Math.cos(phi0) / Math.sqrt(1 - E2 * sinPhi0 * sinPhi0);
  const D = (A * m0) / (RQ * cosB0);
  const lam0 = lon0 * DEG;
  const project = (lon: number, lat: number, out: Float64Array | number[], offset: number): void => {
    let dl = lon * DEG - lam0;
    if (dl > Math.PI) dl -= 2 * Math.PI;
    else if (dl < -Math.PI) dl += 2 * Math.PI;
    const r = qOf(Math.sin(lat * DEG)) / QP;
    const beta = Math.asin(r > 1 ? 1 : r < -1 ? -1 : r);
    const sinB = Math.sin(beta);
    const cosB = Math.cos(beta);
    const cosDl = Math.cos(dl);
    const B = RQ * Math.sqrt(2 / (1 + sinB0 * sinB + cosB0 * cosB * cosDl));
    out[offset] = B * D * cosB * Math.sin(dl);
    out[offset + 1] = (B / D) * (cosB0 * sinB - sinB0 * cosB * cosDl);
  };
  return {
    lon0,
    lat0,
    project,
    forward(lon, lat) {
      const o: [number, number] = [0, 0];
      project(lon, lat, o, 0);
      return o;
    },
    inverse(x, y) {
      const rho = Math.hypot(x / D, D * y);
      if (rho === 0) return [lon0, lat0c];
      const C = 2 * Math.asin(Math.min(1, rho / (2 * RQ)));
      const sinC = Math.sin(C);
      const cosC = Math.cos(C);
      const q = QP * (cosC * sinB0 + (D * y * sinC * cosB0) / rho);
      const lam = lam0 + Math.atan2(x * sinC, D * rho * cosB0 * cosC - D * D * y * sinB0 * sinC);
      let lon = lam / DEG;
      if (lon > 180) lon -= 360;
      else if (lon < -180) lon += 360;
      return [lon, latFromQ(q) / DEG];
    },
  };
}

/**
 * Anti-aliased coverage rasterisation in pixel space (x right, y down, pixel (i,j) covers
 * [i,i+1) x [j,j+1)). Polygons: SUB sub-scanlines per pixel row with exact horizontal span
 * coverage, so boundaries are sub-pixel correct. Discs and capsules: coverage from the distance
 * to the shape, clamped to a 1-pixel ramp. No per-pixel closures: callers get one row at a time.
 */
const SUB = 5;

export type RowFn = (y: number, x0: number, x1: number, cov: Float32Array) => void;

/**
 * Rasterises the ring (xs, ys in pixel coordinates, n vertices, even-odd rule) on a W x H grid.
 * For each touched row, onRow(y, x0, x1, cov) gets coverage cov[x] in [0,1] for x in [x0, x1].
 * `row` is a scratch buffer of length >= W.
 */
export function rasterizeRing(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, W: number, H: number, row: Float32Array, onRow: RowFn): void {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number, y = ys[i] as number;
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  const y0 = Math.max(0, Math.floor(minY)), y1 = Math.min(H - 1, Math.floor(maxY));
  const ix0 = Math.max(0, Math.floor(minX)), ix1 = Math.min(W - 1, Math.floor(maxX));
  if (y0 > y1 || ix0 > ix1) return;
  const hits = new Float64Array(n + 2);
  const w = 1 / SUB;
  for (let y = y0; y <= y1; y++) {
    row.fill(0, ix0, ix1 + 1);
    let any = false;
    for (let s = 0; s < SUB; s++) {
      const sy = y + (s + 0.5) * w;
      let k = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const ya = ys[i] as number, yb = ys[j] as number;
        if ((ya <= sy && sy < yb) || (yb <= sy && sy < ya)) {
          const xa = xs[i] as number, xb = xs[j] as number;
          hits[k++] = xa + ((sy - ya) * (xb - xa)) / (yb - ya);
        }
      }
      if (k < 2) continue;
      // insertion sort (few hits)
      for (let i = 1; i < k; i++) {
        const v = hits[i] as number;
        let j = i - 1;
        while (j >= 0 && (hits[j] as number) > v) { hits[j + 1] = hits[j] as number; j--; }
        hits[j + 1] = v;
      }
      for (let i = 0; i + 1 < k; i += 2) {
        let a = hits[i] as number, b = hits[i + 1] as number;
        if (a < ix0) a = ix0;
        if (b > ix1 + 1) b = ix1 + 1;
        if (b <= a) continue;
        any = true;
        const ia = Math.floor(a), ib = Math.floor(b);
        if (ia === ib) { row[ia] = (row[ia] as number) + (b - a) * w; continue; }
        row[ia] = (row[ia] as number) + (ia + 1 - a) * w;
        for (let x = ia + 1; x < ib; x++) row[x] = (row[x] as number) + w;
        if (ib <= ix1) row[ib] = (row[ib] as number) + (b - ib) * w;
      }
    }
    if (any) onRow(y, ix0, ix1, row);
  }
}

/** Disc coverage, one callback per row like rasterizeRing. */
export function rasterizeDisc(cx: number, cy: number, r: number, W: number, H: number, row: Float32Array, onRow: RowFn): void {
  const y0 = Math.max(0, Math.floor(cy - r - 1)), y1 = Math.min(H - 1, Math.floor(cy + r + 1));
  const x0 = Math.max(0, Math.floor(cx - r - 1)), x1 = Math.min(W - 1, Math.floor(cx + r + 1));
  if (y0 > y1 || x0 > x1) return;
  // tiny discs: scale so the summed coverage stays close to the disc area
  // (the 1-px ramp integrates to pi r^2 for r >= 0.5 and to pi (r+0.5)^3 / 3 below)
  const k = r < 0.5 ? (3 * r * r) / (r + 0.5) ** 3 : 1;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      let c = r + 0.5 - Math.sqrt(dx * dx + dy * dy);
      c = c < 0 ? 0 : c > 1 ? 1 : c;
      row[x] = c * k;
    }
    onRow(y, x0, x1, row);
  }
}

/** Capsule (thick segment) coverage combined with max() into `cov` (W x H); `tag` records the segment's id where it wins. */
export function drawCapsuleMax(ax: number, ay: number, bx: number, by: number, halfW: number, W: number, H: number, cov: Float32Array, tag: Uint8Array, id: number): void {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - halfW - 1)), x1 = Math.min(W - 1, Math.floor(Math.max(ax, bx) + halfW + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - halfW - 1)), y1 = Math.min(H - 1, Math.floor(Math.max(ay, by) + halfW + 1));
  const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  // thin lines (< 1 px) keep their area: coverage scaled by width
  const scale = halfW < 0.5 ? halfW * 2 : 1;
  const hw = halfW < 0.5 ? 0.5 : halfW;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - ax - t * dx, ey = py - ay - t * dy;
      let c = hw + 0.5 - Math.sqrt(ex * ex + ey * ey);
      if (c <= 0) continue;
      c = (c > 1 ? 1 : c) * scale;
      const i = y * W + x;
      if (c > (cov[i] as number)) { cov[i] = c; tag[i] = id; }
    }
  }
}

/**
 * Resampling of a raster window to a finer grid (`scale` target pixels per source pixel), for
 * imagery coarser than the boundary model works best at (model.json `window.resample`): target
 * pixel centre x + 0.5 lies at source pixel coordinate (x + 0.5) / scale, i.e. the same origin,
 * pixels `scale` times smaller. Bands bilinear (a pixel next to `nodata` takes its nearest source
 * pixel), masks nearest. Shared by the host (image-window.ts) and the training pipeline, so the
 * model is trained on what it sees.
 */

export interface ResampleAxis {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
  near: Int32Array;
}

/** Source index range [s0, s1) needed for target pixels [t0, t1) of a source of `len` pixels. */
export function sourceRange(t0: number, t1: number, scale: number, len: number): [number, number] {
  const at = (v: number) => (v + 0.5) / scale - 0.5;
  return [Math.max(0, Math.floor(at(t0))), Math.min(len, Math.floor(at(t1 - 1)) + 2)];
}

/** Interpolation indices (relative to the source range starting at `s0`, of `len` pixels). */
export function resampleAxis(n: number, t0: number, s0: number, len: number, scale: number): ResampleAxis {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), w = new Float32Array(n), near = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const c = Math.min(len - 1, Math.max(0, (t0 + k + 0.5) / scale - 0.5 - s0));
    const f = Math.min(len - 1, Math.floor(c));
    i0[k] = f;
    i1[k] = Math.min(len - 1, f + 1);
    w[k] = c - f;
    near[k] = Math.min(len - 1, Math.round(c));
  }
  return { i0, i1, w, near };
}

export function bilinear(s: ArrayLike<number>, SW: number, ax: ResampleAxis, ay: ResampleAxis, nodata: number | null): Float32Array {
  const W = ax.i0.length, H = ay.i0.length;
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const r0 = ay.i0[y]! * SW, r1 = ay.i1[y]! * SW, wy = ay.w[y]!, rn = ay.near[y]! * SW;
    for (let x = 0; x < W; x++) {
      const c0 = ax.i0[x]!, c1 = ax.i1[x]!, wx = ax.w[x]!;
      const a00 = s[r0 + c0]!, a01 = s[r0 + c1]!, a10 = s[r1 + c0]!, a11 = s[r1 + c1]!;
      if (nodata !== null && (a00 === nodata || a01 === nodata || a10 === nodata || a11 === nodata)) {
        out[y * W + x] = s[rn + ax.near[x]!]!;
        continue;
      }
      out[y * W + x] = (a00 * (1 - wx) + a01 * wx) * (1 - wy) + (a10 * (1 - wx) + a11 * wx) * wy;
    }
  }
  return out;
}

export function nearest(s: ArrayLike<number>, SW: number, ax: ResampleAxis, ay: ResampleAxis): Uint8Array {
  const W = ax.i0.length, H = ay.i0.length;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = s[ay.near[y]! * SW + ax.near[x]!]!;
  return out;
}

/**
 * World-anchored value noise: a lattice of hashed values over the world extent, sampled with
 * smooth bilinear interpolation. Anchored in world metres (not pixels) so that every scene and
 * every date sees the same soil patches, bush density and clouds at the same ground position.
 */
import { hash2 } from './rng.js';

export class ValueNoise {
  private readonly lattice: Float32Array;
  private readonly nx: number;
  private readonly ny: number;

  /** extent: [minX, minY, maxX, maxY] in the metres of the caller's world frame */
  constructor(seed: number, readonly cell: number, private readonly extent: readonly [number, number, number, number]) {
    this.nx = Math.ceil((extent[2] - extent[0]) / cell) + 3;
    this.ny = Math.ceil((extent[3] - extent[1]) / cell) + 3;
    this.lattice = new Float32Array(this.nx * this.ny);
    for (let j = 0; j < this.ny; j++) {
      for (let i = 0; i < this.nx; i++) this.lattice[j * this.nx + i] = hash2(i, j, seed) * 2 - 1;
    }
  }

  /** value in [-1, 1] */
  at(x: number, y: number): number {
    let u = (x - this.extent[0]) / this.cell + 1;
    let v = (y - this.extent[1]) / this.cell + 1;
    if (u < 0) u = 0; else if (u > this.nx - 1.001) u = this.nx - 1.001;
    if (v < 0) v = 0; else if (v > this.ny - 1.001) v = this.ny - 1.001;
    const i = u | 0, j = v | 0;
    let fu = u - i, fv = v - j;
    fu = fu * fu * (3 - 2 * fu);
    fv = fv * fv * (3 - 2 * fv);
    const L = this.lattice, k = j * this.nx + i;
    const a = L[k] as number, b = L[k + 1] as number, c = L[k + this.nx] as number, d = L[k + this.nx + 1] as number;
    return a + (b - a) * fu + (c - a) * fv + (a - b - c + d) * fu * fv;
  }

  /** out[i] += amp * noise(wx[i], wy[i]) */
  addTo(out: Float32Array, wx: Float32Array, wy: Float32Array, amp: number, offX = 0, offY = 0): void {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + amp * this.at((wx[i] as number) + offX, (wy[i] as number) + offY);
  }
}

/** Fractal sum of value-noise octaves (each half the cell of the previous), normalised to about [-1, 1]. */
export class Fbm {
  private readonly octaves: ValueNoise[];
  private readonly weights: number[];
  constructor(seed: number, cell: number, octaves: number, extent: readonly [number, number, number, number], gain = 0.5) {
    this.octaves = [];
    this.weights = [];
    let w = 1, total = 0;
    for (let o = 0; o < octaves; o++) {
      this.octaves.push(new ValueNoise((seed + o * 7919) >>> 0, cell / 2 ** o, extent));
      this.weights.push(w);
      total += w;
      w *= gain;
    }
    this.weights = this.weights.map((x) => x / total);
  }
  at(x: number, y: number): number {
    let s = 0;
    for (let o = 0; o < this.octaves.length; o++) s += (this.weights[o] as number) * (this.octaves[o] as ValueNoise).at(x, y);
    return s;
  }
  fill(out: Float32Array, wx: Float32Array, wy: Float32Array): void {
    out.fill(0);
    for (let o = 0; o < this.octaves.length; o++) (this.octaves[o] as ValueNoise).addTo(out, wx, wy, this.weights[o] as number);
  }
}

/**
 * Pixel-edge tracing of labelled regions (the exact outlines of the pixels, no interpolation).
 *
 * Regions are the 4-connected components of equal non-background labels. Their outlines run
 * along pixel edges on the lattice of pixel corners, vertex (vx, vy) for vx in 0..w, vy in 0..h,
 * id = vy * (w + 1) + vx (y down). An edge is a boundary edge when the pixels on its two sides
 * belong to different regions (background = 0 and the outside of the grid = -1 count as regions
 * too). Each ring is walked with its region on the left; at a vertex, with AL / AR the pixels
 * ahead-left / ahead-right of the walking direction:
 *   AL not in the region -> turn left;  else AR not in the region -> straight;  else -> turn right,
 * which keeps diagonal-only contacts apart (4-connectivity). In lattice coordinates (y down)
 * outer rings come out with negative shoelace area and holes positive; in lon/lat (y up) outer
 * rings are counter-clockwise (RFC 7946).
 * A vertex is a node when 3 or more boundary edges meet there (3+ regions, or two regions
 * touching diagonally), and at the four corners of the grid: rings are split into arcs at nodes, so that a border shared by two
 * regions is one arc, simplified once (simplify.ts).
 */
export interface Components {
  /** region id per pixel: 1..count, 0 for background */
  ids: Int32Array;
  count: number;
  /** label value of each region (index = id) */
  label: Int32Array;
}

/** 4-connected components of equal labels != background. */
export function labelComponents(labels: ArrayLike<number>, width: number, height: number, background = 0): Components {
  const n = width * height;
  const ids = new Int32Array(n);
  const stack = new Int32Array(n);
  const labelOf: number[] = [0];
  let count = 0;
  for (let s = 0; s < n; s++) {
    const v = labels[s]!;
    if (v === background || ids[s] !== 0) continue;
    count++;
    labelOf.push(v);
    let top = 0;
    stack[top++] = s;
    ids[s] = count;
    while (top > 0) {
      const k = stack[--top]!;
      const x = k % width;
      if (x > 0 && ids[k - 1] === 0 && labels[k - 1] === v) (ids[k - 1] = count), (stack[top++] = k - 1);
      if (x < width - 1 && ids[k + 1] === 0 && labels[k + 1] === v) (ids[k + 1] = count), (stack[top++] = k + 1);
      if (k >= width && ids[k - width] === 0 && labels[k - width] === v) (ids[k - width] = count), (stack[top++] = k - width);
      if (k < n - width && ids[k + width] === 0 && labels[k + width] === v) (ids[k + width] = count), (stack[top++] = k + width);
    }
  }
  return { ids, count, label: Int32Array.from(labelOf) };
}

export interface TracedRing {
  region: number;
  /** lattice vertex ids, closed implicitly (the last vertex connects to the first) */
  verts: Int32Array;
}

// Directions: 0 east (+x), 1 south (+y), 2 west (-x), 3 north (-y).
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

export class Lattice {
  readonly W: number;
  constructor(
    readonly ids: Int32Array,
    readonly width: number,
    readonly height: number,
  ) {
    this.W = width + 1;
  }

  pix(x: number, y: number): number {
    return x < 0 || y < 0 || x >= this.width || y >= this.height ? -1 : this.ids[y * this.width + x]!;
  }

  /** number of boundary edges meeting at vertex (vx, vy) */
  degree(vx: number, vy: number): number {
    const tl = this.pix(vx - 1, vy - 1);
    const tr = this.pix(vx, vy - 1);
    const bl = this.pix(vx - 1, vy);
    const br = this.pix(vx, vy);
    return (tl !== tr ? 1 : 0) + (bl !== br ? 1 : 0) + (tl !== bl ? 1 : 0) + (tr !== br ? 1 : 0);
  }

  /** 3+ boundary edges meet here, or a corner of the grid frame (kept sharp) */
  isNode(v: number): boolean {
    const vx = v % this.W;
    const vy = Math.floor(v / this.W);
    if ((vx === 0 || vx === this.width) && (vy === 0 || vy === this.height)) return true;
    return this.degree(vx, vy) >= 3;
  }

  /** Every ring of every region (id >= 1), each walked once with its region on the left. */
  traceAll(): TracedRing[] {
    const { width: w, height: h } = this;
    // Visited flags per horizontal edge (vx..vx+1 on lattice row vy) and direction (east / west).
    const east = new Uint8Array(w * (h + 1));
    const west = new Uint8Array(w * (h + 1));
    const rings: TracedRing[] = [];
    for (let vy = 0; vy <= h; vy++) {
      for (let vx = 0; vx < w; vx++) {
        const above = this.pix(vx, vy - 1);
        const below = this.pix(vx, vy);
        if (above === below) continue;
        if (below > 0 && !west[vy * w + vx]) rings.push(this.trace(below, vx + 1, vy, 2, east, west));
        if (above > 0 && !east[vy * w + vx]) rings.push(this.trace(above, vx, vy, 0, east, west));
      }
    }
    return rings;
  }

  private trace(region: number, sx: number, sy: number, sd: number, east: Uint8Array, west: Uint8Array): TracedRing {
    const out: number[] = [];
    let vx = sx;
    let vy = sy;
    let d = sd;
    const w = this.width;
    for (let guard = 0; guard < 4 * (w + 1) * (this.height + 1) + 4; guard++) {
      if (d === 0) east[vy * w + vx] = 1;
      else if (d === 2) west[vy * w + vx - 1] = 1;
      out.push(vy * this.W + vx);
      vx += DX[d]!;
      vy += DY[d]!;
      // Pixels ahead-left / ahead-right of direction d at vertex (vx, vy).
      let al: number;
      let ar: number;
      if (d === 0) (al = this.pix(vx, vy - 1)), (ar = this.pix(vx, vy));
      else if (d === 1) (al = this.pix(vx, vy)), (ar = this.pix(vx - 1, vy));
      else if (d === 2) (al = this.pix(vx - 1, vy)), (ar = this.pix(vx - 1, vy - 1));
      else (al = this.pix(vx - 1, vy - 1)), (ar = this.pix(vx, vy - 1));
      if (al !== region) d = (d + 3) & 3;
      else if (ar === region) d = (d + 1) & 3;
      if (vx === sx && vy === sy && d === sd) break;
    }
    return { region, verts: Int32Array.from(out) };
  }
}

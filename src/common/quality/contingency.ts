/**
 * The contingency table of two instance-id grids in one pass.
 *
 * ref[k] in 0..nRef and lab[k] in 0..nLab are the instance ids of pixel k (0 = no field).
 * table[a * (nLab + 1) + b] = number of pixels with ref id a and label id b, kept separately
 * for pixels inside the site cell (`cell`) and for all pixels (`all`). Row a = 0 / column
 * b = 0 are the pixels outside every reference / labeller polygon, so with r = ref instance,
 * u = label instance and A = cell:
 *   |r n u| = all[r, u],  |r| = sum_b all[r, b],  |u| = sum_a all[a, u]
 *   tp = sum_{a>0,b>0} cell[a, b],  fp = sum_{b>0} cell[0, b],  fn = sum_{a>0} cell[a, 0],  tn = cell[0, 0]
 * Runs of equal (a, b) along a row are accumulated before touching the table, so the cost is
 * one read per pixel plus one table update per run. With `occupied` (per row, the [lo, hi)
 * columns holding any instance of either map) only those columns and the cell's run are read:
 * the other pixels are background outside the cell, and all[0, 0] outside the cell is unused
 * (so all[0, 0] and refCount[0] / labCount[0] count only the pixels read). Tables larger than 2^22 cells fall back
 * to a Map keyed by a * (nLab + 1) + b.
 */
export interface Table {
  get(a: number, b: number): number;
  /** calls fn for every non-zero cell */
  forEach(fn: (a: number, b: number, count: number) => void): void;
}

export interface Contingency {
  nRef: number;
  nLab: number;
  all: Table;
  cell: Table;
  /** pixel counts per instance over the whole grid (index = id; [0] = background) */
  refCount: Float64Array;
  labCount: Float64Array;
  /** pixels inside the cell */
  cellPixels: number;
}

const DENSE_LIMIT = 1 << 22;

function makeTable(nRef: number, nLab: number): { table: Table; add: (key: number, n: number) => void } {
  const cols = nLab + 1;
  const size = (nRef + 1) * cols;
  if (size <= DENSE_LIMIT) {
    const t = new Float64Array(size);
    return {
      add: (key, n) => {
        t[key]! += n;
      },
      table: {
        get: (a, b) => t[a * cols + b]!,
        forEach: (fn) => {
          for (let k = 0; k < size; k++) if (t[k]! !== 0) fn(Math.floor(k / cols), k % cols, t[k]!);
        },
      },
    };
  }
  const m = new Map<number, number>();
  return {
    add: (key, n) => m.set(key, (m.get(key) ?? 0) + n),
    table: {
      get: (a, b) => m.get(a * cols + b) ?? 0,
      forEach: (fn) => m.forEach((v, k) => v !== 0 && fn(Math.floor(k / cols), k % cols, v)),
    },
  };
}

export function buildContingency(
  ref: Int32Array,
  lab: Int32Array,
  width: number,
  height: number,
  nRef: number,
  nLab: number,
  cellStart: Int32Array,
  cellEnd: Int32Array,
  occupied?: { lo: Int32Array; hi: Int32Array },
): Contingency {
  const cols = nLab + 1;
  const all = makeTable(nRef, nLab);
  const cell = makeTable(nRef, nLab);
  const refCount = new Float64Array(nRef + 1);
  const labCount = new Float64Array(nLab + 1);
  let cellPixels = 0;
  const addAll = all.add;
  const addCell = cell.add;
  for (let j = 0; j < height; j++) {
    const o = j * width;
    const cs = cellStart[j]!;
    const ce = cellEnd[j]!;
    cellPixels += ce - cs;
    // Three segments per row: before, inside and after the cell's run (clipped to the occupied
    // columns outside the cell).
    const bounds0 = cs;
    const bounds1 = ce > cs ? ce : cs;
    const rowLo = occupied ? occupied.lo[j]! : 0;
    const rowHi = occupied ? occupied.hi[j]! : width;
    for (let seg = 0; seg < 3; seg++) {
      const s = seg === 0 ? rowLo : seg === 1 ? bounds0 : Math.max(bounds1, rowLo);
      const e = seg === 0 ? Math.min(bounds0, rowHi) : seg === 1 ? bounds1 : rowHi;
      if (e <= s) continue;
      const inCell = seg === 1;
      let key = ref[o + s]! * cols + lab[o + s]!;
      let run = 0;
      for (let k = o + s, end = o + e; k < end; k++) {
        const kk = ref[k]! * cols + lab[k]!;
        if (kk === key) {
          run++;
          continue;
        }
        addAll(key, run);
        if (inCell) addCell(key, run);
        key = kk;
        run = 1;
      }
      addAll(key, run);
      if (inCell) addCell(key, run);
    }
  }
  all.table.forEach((a, b, c) => {
    refCount[a]! += c;
    labCount[b]! += c;
  });
  return { nRef, nLab, all: all.table, cell: cell.table, refCount, labCount, cellPixels };
}

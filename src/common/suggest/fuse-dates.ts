/**
 * Boundary and extent maps of one window in several dates, made one: at each pixel the mean over
 * the dates where it is usable (a border seen in one season only still shows, at half strength;
 * a cloud in one date is filled from the others). The colour channels are the first date's (the
 * region-merging model compares basins in that image). Pure: used by the engine and the build.
 */
import type { BoundaryMap } from './watershed';

export function fuseDates(maps: readonly BoundaryMap[]): BoundaryMap {
  const first = maps[0];
  if (!first) throw new Error('fuseDates: no maps');
  if (maps.length === 1) return first;
  const { width: W, height: H } = first;
  const N = W * H;
  for (const m of maps) if (m.width !== W || m.height !== H) throw new Error(`fuseDates: a ${m.width}x${m.height} map among ${W}x${H} ones`);
  const n = new Uint8Array(N), boundary = new Float32Array(N), extent = new Float32Array(N), valid = new Uint8Array(N);
  for (const m of maps) {
    for (let i = 0; i < N; i++) {
      if (!m.valid[i]) continue;
      n[i]!++;
      boundary[i]! += m.boundary[i]!;
      extent[i]! += m.extent[i]!;
    }
  }
  for (let i = 0; i < N; i++) {
    if (n[i]) {
      boundary[i]! /= n[i]!;
      extent[i]! /= n[i]!;
      valid[i] = 1;
    } else {
      boundary[i] = 1;
    }
  }
  return { width: W, height: H, boundary, extent, valid, ...(first.channels ? { channels: first.channels } : {}) };
}

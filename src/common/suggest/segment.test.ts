import { describe, expect, it } from 'vitest';
import { maskToPolygon } from './mask-polygon';
import { clickRegion, proposalMask, proposeRegions, PromptError, segmenter, DEFAULT_SEGMENT_PARAMS } from './segment';
import type { BoundaryMap } from './watershed';

/**
 * A 96 x 64 map: two 40 x 40 fields side by side (x 4..44 and 48..88, y 12..52) with a boundary
 * ridge between them and around them; a 14 x 14 hole (a tree clump) inside the right field.
 */
function twoFields(gapInRidge = false): BoundaryMap {
  const W = 96, H = 64, N = W * H;
  const boundary = new Float32Array(N).fill(0.02), extent = new Float32Array(N), valid = new Uint8Array(N).fill(1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inA = x >= 4 && x < 44 && y >= 12 && y < 52, inB = x >= 48 && x < 88 && y >= 12 && y < 52;
      extent[i] = inA || inB ? 0.95 : 0.05;
      const onEdge = (x >= 2 && x <= 5) || (x >= 43 && x <= 48) || (x >= 87 && x <= 89) || y === 11 || y === 12 || y === 51 || y === 52;
      if (onEdge && y >= 10 && y <= 53 && x >= 2 && x <= 89) boundary[i] = gapInRidge && x >= 43 && x <= 48 && y >= 30 && y < 33 ? 0.05 : 0.95;
      if (x >= 62 && x < 76 && y >= 24 && y < 38) {
        // a clump of trees inside the right field: its own non-field basin, outlined
        extent[i] = 0.05;
        if (x < 64 || x >= 74 || y < 26 || y >= 36) boundary[i] = 0.9;
      }
    }
  }
  return { width: W, height: H, boundary, extent, valid };
}

const params = { ...DEFAULT_SEGMENT_PARAMS, core: 0.2, neck: 2 };

describe('segmentation from a boundary map', () => {
  it('a click gives the field it falls in, not its neighbour', () => {
    const seg = segmenter(twoFields(), null, params);
    const r = clickRegion(seg, { point: [20, 30] });
    let n = 0, outside = 0;
    for (let y = 0; y < 64; y++) for (let x = 0; x < 96; x++) if (r.mask[y * 96 + x]) { n++; if (x >= 46) outside++; }
    expect(outside).toBe(0);
    expect(n).toBeGreaterThan(35 * 35);
    expect(n).toBeLessThan(44 * 44);
    expect(r.score).toBeGreaterThan(0.5);
  });

  it('a 3-px gap in the border between two fields does not join them (neck markers)', () => {
    const seg = segmenter(twoFields(true), null, { ...params, neck: 3 });
    const r = clickRegion(seg, { point: [20, 30] });
    let right = 0;
    for (let y = 0; y < 64; y++) for (let x = 60; x < 96; x++) if (r.mask[y * 96 + x]) right++;
    expect(right).toBe(0);
  });

  it('a box alone picks the field inside it; a negative click is never entered', () => {
    const seg = segmenter(twoFields(), null, params);
    const r = clickRegion(seg, { box: [50, 14, 86, 50] });
    expect(r.mask[30 * 96 + 56]).toBe(1);
    expect(r.mask[30 * 96 + 20]).toBe(0);
    expect(() => clickRegion(seg, { point: [20, 30], negatives: [[21, 31]] })).toThrow(PromptError);
  });

  it('clicks on unusable pixels or outside the window are refused', () => {
    const map = twoFields();
    for (let i = 0; i < 96 * 10; i++) map.valid[i] = 0;
    const seg = segmenter(map, null, params);
    expect(() => clickRegion(seg, { point: [10, 5] })).toThrow(/no-data or cloud/);
    expect(() => clickRegion(seg, { point: [200, 5] })).toThrow(/outside/);
  });

  it('whole-window proposals find both fields, best first', () => {
    const seg = segmenter(twoFields(), null, params);
    const props = proposeRegions(seg, 100);
    expect(props.length).toBe(2);
    const masks = props.map((p) => proposalMask(seg, p));
    expect(masks[0]!.score).toBeGreaterThanOrEqual(masks[1]!.score);
  });

  it('the polygon keeps the hole and fits the vertex budget', () => {
    const seg = segmenter(twoFields(), null, params);
    const r = clickRegion(seg, { point: [56, 20] });
    const p = maskToPolygon(r.mask, 96, 64, r.seed, { vertexBudget: 12, minHolePx: 10, toWorld: (x, y) => [x, -y] })!;
    expect(p.rings.length).toBe(2);
    expect(p.vertices).toBeLessThanOrEqual(12);
    const q = maskToPolygon(r.mask, 96, 64, r.seed, { vertexBudget: 12, minHolePx: 400, toWorld: (x, y) => [x, -y] })!;
    expect(q.rings.length).toBe(1); // small holes filled
  });
});

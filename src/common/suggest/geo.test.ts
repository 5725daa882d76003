/**
 * Overlaps where polygon-clipping fails: a whole-view proposal and the field accepted from it
 * (joined, so a few vertices differ by centimetres) make polygon-clipping throw "Unable to
 * complete output ring"; the overlap must then be measured another way, never taken as 0 (that let
 * proposeView offer a field already mapped again).
 */
import polygonClipping from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import type { Polygon } from '../geo/geojson';
import { areaM2, iou, overlapM2, projectionFor } from './geo';
import { filterProposals } from './proposals';

// from the end-to-end walk (demo seed 7): the proposal, and the field stored when it was accepted
const PROPOSAL: Polygon = { type: 'Polygon', coordinates: [[[-1.000721455,9.407572926],[-1.000742912,9.406027579],[-0.99947691,9.40600641],[-0.999433994,9.405964072],[-0.999348164,9.40600641],[-0.999326706,9.406027579],[-0.999412537,9.406154594],[-0.999412537,9.406281609],[-0.999498367,9.406450963],[-0.999498367,9.406535639],[-0.999541283,9.406577977],[-0.999541283,9.40674733],[-0.999584198,9.406789669],[-0.999584198,9.406916683],[-0.999627113,9.406959022],[-0.999627113,9.407086036],[-0.999670029,9.407128375],[-0.999670029,9.407297727],[-0.999712944,9.407340066],[-0.999712944,9.407424742],[-0.999777317,9.407488249],[-0.999863148,9.407488249],[-0.999906063,9.407530587],[-1.000721455,9.407572926]]] };
const ACCEPTED: Polygon = { type: 'Polygon', coordinates: [[[-1.000742912,9.406027578999995],[-0.99947691,9.406006410000005],[-0.999433994,9.405964071999998],[-0.999348164,9.406006410000005],[-0.9993267059999998,9.406027578999995],[-0.9994125369999999,9.406154593999991],[-0.9994125369999999,9.40628160900003],[-0.9994983669999999,9.406450962999994],[-0.9994983669999999,9.406535639000007],[-0.999541283,9.40657797699999],[-0.999541283,9.40674733],[-0.999584198,9.406789669000002],[-0.999584198,9.406916683000016],[-0.999627113,9.406959021999992],[-0.999627113,9.407086035999992],[-0.999670029,9.40712837499999],[-0.999670029,9.407297726999968],[-0.999712944,9.407340066000009],[-0.999712944,9.407424742000007],[-0.9997773170000002,9.407488248999996],[-0.999863148,9.407488248999996],[-0.999906063,9.407530586999995],[-1.000721455,9.407572926000032],[-1.000742912,9.406027578999995]]] };

describe('overlapM2 / iou when polygon-clipping fails', () => {
  it('the pair does make polygon-clipping throw (else this test proves nothing)', () => {
    const proj = projectionFor(PROPOSAL);
    const clip = (g: Polygon) => [g.coordinates.map((r) => r.map((p) => proj.forward(p[0], p[1])))];
    expect(() => polygonClipping.intersection(clip(PROPOSAL) as never, clip(ACCEPTED) as never)).toThrow(/Unable to complete output ring/);
  });

  it('measures the overlap on a grid instead: about the whole area, and IoU about 1', () => {
    const a = areaM2(PROPOSAL);
    expect(a).toBeGreaterThan(20_000);
    expect(overlapM2(PROPOSAL, [ACCEPTED])).toBeGreaterThan(0.97 * a);
    expect(overlapM2(PROPOSAL, [ACCEPTED])).toBeLessThan(1.02 * a);
    expect(iou(PROPOSAL, ACCEPTED)).toBeGreaterThan(0.95);
  });

  it('so filterProposals drops the proposal of a field already mapped', () => {
    const p = { polygon: PROPOSAL, score: 0.9, areaM2: areaM2(PROPOSAL) };
    expect(filterProposals([p], [ACCEPTED], { minAreaM2: 0 })).toHaveLength(0);
    expect(filterProposals([p], [], { minAreaM2: 0 })).toHaveLength(1);
  });
});

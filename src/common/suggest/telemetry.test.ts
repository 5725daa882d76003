import { describe, expect, it } from 'vitest';
import type { SuggestionMeta } from '../commands/types';
import { suggestionTelemetry, vertexShiftM } from './telemetry';

const sq = (x: number, y: number, d = 0.001): [number, number][] => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
const meta = (decisionMs: number, model = 'boundary-v1'): SuggestionMeta => ({ sceneId: 's1', model, version: '1.0.0', provider: 'cpu', prompt: { lon: 0, lat: 0 }, decisionMs });
const add = (id: string, ring: [number, number][], ms: number, model?: string) => ({
  type: 'field.add', id, category: 'crop', geometry: { type: 'Polygon', coordinates: [ring] }, provenance: 'suggested', suggestionId: `s-${id}`, suggestion: meta(ms, model),
});

describe('suggestionTelemetry', () => {
  it('counts accepted as is, edited (with the vertex shift), deleted, rejected and undone decisions from the log', () => {
    const base = { type: 'history.base', fields: [] };
    const logA = [
      base,
      add('a', sq(0, 0), 1000),
      add('b', sq(0.002, 0), 3000),
      { type: 'vertex.move', id: 'b', ring: 0, index: 1, to: [0.00301, 0] },
      add('c', sq(0.004, 0), 2000),
      { type: 'field.delete', ids: ['c'] },
      { type: 'suggestion.reject', suggestionId: 's-x', suggestion: meta(500) },
      add('d', sq(0.006, 0), 9000),
      { type: 'history.undo' },
    ];
    const logB = [base, add('e', sq(0, 0.01), 4000, 'sam-b')];
    const t = suggestionTelemetry([
      { assignmentId: 1, labellerId: 'ama', entries: logA },
      { assignmentId: 2, labellerId: 'kofi', entries: logB },
    ]);
    const ama = t.byLabeller.find((r) => r.labellerId === 'ama')!;
    expect(ama).toMatchObject({ decisions: 4, acceptedAsIs: 1, acceptedEdited: 1, acceptedThenDeleted: 1, rejected: 1, medianDecisionMs: 1500 });
    expect(ama.maxShiftM).toBeGreaterThan(0.9);
    expect(ama.maxShiftM).toBeLessThan(1.3);
    expect(t.byModel.map((r) => [r.model, r.decisions])).toEqual([['boundary-v1@1.0.0', 4], ['sam-b@1.0.0', 1]]);
    expect(t.rows).toHaveLength(2);
  });

  it('ignores added junction vertices (no movement)', () => {
    const a = { type: 'Polygon' as const, coordinates: [sq(0, 0)] };
    const b = { type: 'Polygon' as const, coordinates: [[[0, 0], [0.0005, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]] as [number, number][]] };
    expect(vertexShiftM(a, b)).toBeLessThan(1e-6);
  });
});

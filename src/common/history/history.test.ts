import { describe, expect, it } from 'vitest';
import type { EditCommand } from '../commands/types';
import { field, pt, rect } from '../editing/fixtures.testutil';
import { Graph } from '../graph/graph';
import { replay, sinceLastBase, type LogEntry } from './edit-log';
import { History } from './history';

const base = Graph.from([field('a', rect(0, 0, 4, 4)), field('b', rect(4, 0, 8, 4))]);
const add: EditCommand = { type: 'field.add', id: 'c', geometry: rect(0, 5, 3, 8), category: 'fallow' };
const del: EditCommand = { type: 'field.delete', ids: ['a'] };

describe('Graph', () => {
  it('is immutable and diffs in O(changes)', () => {
    const g1 = base.with([field('c', rect(9, 9, 10, 10))], ['a']);
    expect(base.ids()).toEqual(['a', 'b']);
    expect(g1.ids()).toEqual(['b', 'c']);
    expect(g1.size).toBe(2);
    expect(g1.diff(base)).toEqual({ added: ['c'], changed: [], removed: ['a'] });
    const g2 = g1.with([{ ...g1.get('b')!, category: 'x' }]);
    expect(g2.diff(g1)).toEqual({ added: [], changed: ['b'], removed: [] });
    expect(Object.isFrozen(g2.get('b'))).toBe(true);
    expect(g2.compact().diff(g2)).toEqual({ added: [], changed: [], removed: [] });
    expect(() => Graph.from([field('a', rect(0, 0, 1, 1)), field('a', rect(0, 0, 1, 1))])).toThrow(/duplicate/);
    expect(g1.fieldsInBox([pt(9.5, 9.5)[0], pt(9.5, 9.5)[1], pt(9.5, 9.5)[0], pt(9.5, 9.5)[1]]).map((f) => f.id)).toEqual(['c']);
  });
});

describe('History', () => {
  it('undo and redo move an index; a new edit drops the redo tail', () => {
    let h = History.start(base);
    expect(h.canUndo).toBe(false);
    h = h.apply(add).apply(del);
    expect(h.graph.ids()).toEqual(['b', 'c']);
    expect(h.undoAnnotation).toBe('Deleted 1 field');
    const u = h.undo();
    expect(u.graph.ids()).toEqual(['a', 'b', 'c']);
    expect(u.redoAnnotation).toBe('Deleted 1 field');
    expect(u.undo().graph).toBe(base);
    expect(u.redo().graph).toBe(h.graph);
    const branched = u.apply({ type: 'field.setComment', id: 'a', comment: 'x' });
    expect(branched.canRedo).toBe(false);
    expect(branched.entries).toHaveLength(3);
    expect(() => History.start(base).undo()).toThrow(/nothing to undo/);
    expect(() => h.redo()).toThrow(/nothing to redo/);
    expect(h.diffFrom(u)).toEqual({ added: [], changed: [], removed: ['a'] });
  });
  it('a refused command leaves the history as it was', () => {
    const h = History.start(base);
    expect(() => h.apply({ type: 'field.delete', ids: ['zz'] })).toThrow(/no field zz/);
    expect(h.entries).toHaveLength(1);
  });
});

describe('edit log replay', () => {
  it('rebuilds the same history from the entries after the last base', () => {
    const log: unknown[] = [
      { type: 'history.base', fields: [field('old', rect(0, 0, 1, 1))] },
      { type: 'addLabel', labelId: 3 },
      { type: 'history.base', fields: [...base.fields()] },
      add,
      del,
      { type: 'history.undo' },
      { type: 'history.undo' },
      { type: 'history.redo' },
    ];
    const since = sinceLastBase(log)!;
    expect(since).toHaveLength(6);
    const h = replay(since)!;
    expect(h.index).toBe(1);
    expect(h.graph.ids()).toEqual(['a', 'b', 'c']);
    expect(h.redoAnnotation).toBe('Deleted 1 field');
    const live = History.start(base).apply(add).apply(del).undo().undo().redo();
    expect([...h.graph.fields()]).toEqual([...live.graph.fields()]);
  });
  it('gives up (null) on foreign entries, a missing base or a command that no longer applies', () => {
    expect(replay([{ type: 'history.base', fields: [] }, { type: 'addLabel' }])).toBeNull();
    expect(replay([add])).toBeNull();
    expect(replay([{ type: 'history.base', fields: [] }, del] as LogEntry[])).toBeNull();
    expect(replay([{ type: 'history.base', fields: [] }, { type: 'history.undo' }])).toBeNull();
    expect(sinceLastBase([add])).toBeNull();
  });
});

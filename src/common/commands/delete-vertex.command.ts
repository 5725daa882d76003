import { samePt, type XY } from '../editing/geom';
import type { Field } from '../graph/field';
import { openRingOf, requireIndex, withRing } from './ring-edit';
import { checked, commitShapes, requireField } from './shapes';
import type { CommandSpec } from './spec';
import { CommandError, type DeleteVertexCommand } from './types';

/** Removes the vertex at `at` from every ring of `f` that has it (and more than 3 vertices). */
function dropAll(f: Field, at: XY): Field | null {
  let hit = false;
  const coordinates = f.geometry.coordinates.map((r) => {
    const open = r.slice(0, -1);
    if (open.length <= 3 || !open.some((p) => samePt(p, at))) return r;
    hit = true;
    const kept = open.filter((p) => !samePt(p, at));
    return [...kept, kept[0]!];
  });
  return hit ? { ...f, geometry: { type: 'Polygon', coordinates } } : null;
}

export const deleteVertexCommand: CommandSpec<DeleteVertexCommand> = {
  type: 'vertex.delete',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const pts = openRingOf(f, cmd.ring);
    requireIndex(pts, cmd.index, f, cmd.ring);
    const at = pts[cmd.index]!;
    const what = `deleting a vertex of field ${f.id}`;
    let geometry;
    if (pts.length <= 3) {
      if (cmd.ring === 0) throw new CommandError(`${what}: a field needs at least 3 vertices (delete the field instead)`);
      geometry = withRing(f.geometry, cmd.ring, null); // a hole of 3 vertices goes away
    } else {
      pts.splice(cmd.index, 1);
      geometry = withRing(f.geometry, cmd.ring, pts);
    }
    const others: Field[] = [];
    if (cmd.shared) {
      for (const n of graph.fieldsInBox([at[0], at[1], at[0], at[1]])) {
        if (n.id === f.id) continue;
        const m = dropAll(n, at);
        if (m) others.push({ ...m, geometry: checked(m.geometry, `${what} (shared with field ${n.id})`) });
      }
    }
    const g = others.length ? graph.with(others) : graph;
    return commitShapes(g, [{ ...f, geometry: checked(geometry, what) }], undefined, what);
  },
  annotate: () => 'Deleted a vertex',
};

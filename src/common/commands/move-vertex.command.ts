import { samePt, type XY } from '../editing/geom';
import type { Field } from '../graph/field';
import { openRingOf, requireIndex, withRing } from './ring-edit';
import { checked, commitShapes, requireField } from './shapes';
import type { CommandSpec } from './spec';
import type { MoveVertexCommand } from './types';

/** The field with every vertex at `from` moved to `to` (all rings). */
function moveAll(f: Field, from: XY, to: XY): Field | null {
  let hit = false;
  const coordinates = f.geometry.coordinates.map((r) =>
    r.map((p) => {
      if (!samePt(p, from)) return p;
      hit = true;
      return [to[0], to[1]] as XY;
    }),
  );
  return hit ? { ...f, geometry: { type: 'Polygon', coordinates } } : null;
}

export const moveVertexCommand: CommandSpec<MoveVertexCommand> = {
  type: 'vertex.move',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const pts = openRingOf(f, cmd.ring);
    requireIndex(pts, cmd.index, f, cmd.ring);
    const from = pts[cmd.index]!;
    pts[cmd.index] = [cmd.to[0], cmd.to[1]];
    const what = `moving a vertex of field ${f.id}`;
    const moved = { ...f, geometry: checked(withRing(f.geometry, cmd.ring, pts), what) };
    const others: Field[] = [];
    if (cmd.shared) {
      for (const n of graph.fieldsInBox([from[0], from[1], from[0], from[1]])) {
        if (n.id === f.id) continue;
        const m = moveAll(n, from, cmd.to);
        if (m) others.push({ ...m, geometry: checked(m.geometry, `${what} (shared with field ${n.id})`) });
      }
    }
    const g = others.length ? graph.with(others) : graph;
    return commitShapes(g, [moved], cmd.trim, what);
  },
  annotate: () => 'Moved a vertex',
};

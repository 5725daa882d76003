import { openRingOf, requireIndex, withRing } from './ring-edit';
import { checked, commitShapes, requireField } from './shapes';
import type { CommandSpec } from './spec';
import type { InsertVertexCommand } from './types';

export const insertVertexCommand: CommandSpec<InsertVertexCommand> = {
  type: 'vertex.insert',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const pts = openRingOf(f, cmd.ring);
    requireIndex(pts, cmd.index, f, cmd.ring, true);
    pts.splice(cmd.index, 0, [cmd.at[0], cmd.at[1]]);
    const what = `adding a vertex to field ${f.id}`;
    return commitShapes(graph, [{ ...f, geometry: checked(withRing(f.geometry, cmd.ring, pts), what) }], cmd.trim, what);
  },
  annotate: () => 'Added a vertex',
};
